package io.github.deltalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.deltalog.merge.DeltaMerger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Eight threads for a fixed time: three writers, two readers (change sets checked for atomicity, order and
 * against counts at the same watermark), a merging reader, and two consumers that read, advance and must see
 * every committed row exactly once, while a ninth thread purges what both consumers have read. The duration is
 * {@code deltalog.concurrency.seconds} (3 by default, 600 under {@code -Pstress}); a failure prints the seed.
 */
class MixedConcurrencyTest {
    private static final List<String> TABLES = List.of("a", "b", "c");

    @TempDir
    Path dir;

    @Test
    void transactionsReadsMergesConsumersAndPurgesTogether() throws Exception {
        long seconds = Long.getLong("deltalog.concurrency.seconds", 3);
        long seed = new Random().nextLong();
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        AtomicLong committed = new AtomicLong();
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicLong reads = new AtomicLong();
        AtomicLong merges = new AtomicLong();
        AtomicLong purgedTotal = new AtomicLong();
        try (DeltaLog log = DeltaLog.builder()
                .path(dir.resolve("mixed.deltas"))
                .checkpointInterval(Duration.ofMillis(25))
                .open()) {
            for (String t : TABLES) {
                log.track(t);
            }
            Consumer[] consumers = {log.consumer("c1", 0), log.consumer("c2", 0)};
            List<Thread> threads = new ArrayList<>();
            for (int w = 0; w < 3; w++) {
                Random rnd = new Random(seed + w);
                long base = (w + 1L) << 40;
                threads.add(thread(failures, () -> {
                    long row = base;
                    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
                    while (System.nanoTime() < deadline) {
                        int size = 1 + rnd.nextInt(6);
                        try (DeltaTransaction tx = log.begin()) {
                            for (int i = 0; i < size; i++) {
                                String table = TABLES.get(rnd.nextInt(TABLES.size()));
                                tx.insert(table, row++, Tuple.of(row, size));
                            }
                            tx.commit();
                        }
                        committed.addAndGet(size);
                    }
                }));
            }
            for (int r = 0; r < 2; r++) {
                Random rnd = new Random(seed + 10 + r);
                threads.add(thread(failures, () -> {
                    while (writing.get()) {
                        long after =
                                rnd.nextBoolean() ? log.oldestRetained() : log.lastCommitted() - rnd.nextInt(50_000);
                        try {
                            ChangeSet cs = log.changesAfter(TABLES, after);
                            checkAtomicAndOrdered(cs);
                            String t = TABLES.get(rnd.nextInt(TABLES.size()));
                            long inTable = cs.deltas().stream()
                                    .filter(d -> d.table().equals(t))
                                    .count();
                            assertEquals(inTable, log.count(t, after, cs.watermark()), "count at the same watermark");
                            reads.incrementAndGet();
                        } catch (DeltasPurgedException purged) {
                            assertTrue(after < log.oldestRetained(), "purged only below the low-water mark");
                        }
                    }
                }));
            }
            threads.add(thread(failures, () -> {
                while (writing.get()) {
                    try {
                        long after = log.oldestRetained();
                        ChangeSet raw = log.changesAfter(TABLES, after);
                        assertEquals(raw.size(), DeltaMerger.merge(raw).size(), "one insert per row merges to itself");
                        for (Delta d : log.mergedChangesAfter(TABLES, after)) {
                            assertTrue(d.op() instanceof DeltaOp.Insert, "only inserts were recorded: " + d);
                        }
                        merges.incrementAndGet();
                    } catch (DeltasPurgedException purgedMeanwhile) {
                        // a purge moved the mark between reading it and reading after it
                    }
                }
            }));
            // Each writer commits its rows in increasing order, so a consumer that sees every row once, in commit
            // order, sees each writer's rows strictly increasing; with the totals that is exactly-once, in O(1)
            // memory (the stress run lasts ten minutes).
            long[] seen = new long[consumers.length];
            for (int k = 0; k < consumers.length; k++) {
                Consumer c = consumers[k];
                int index = k;
                threads.add(thread(failures, () -> {
                    // Highest row of each writer in earlier transactions (one transaction's rows come in table order).
                    long[] before = new long[4];
                    long[] current = new long[4];
                    long currentTs = Long.MIN_VALUE;
                    boolean last = false;
                    while (!last) {
                        last = !writing.get();
                        ChangeSet cs = c.changes(TABLES);
                        for (Delta d : cs) {
                            if (d.commitTimestamp() != currentTs) {
                                for (int w = 0; w < before.length; w++) {
                                    before[w] = Math.max(before[w], current[w]);
                                }
                                currentTs = d.commitTimestamp();
                            }
                            int writer = (int) (d.rowId() >>> 40);
                            assertTrue(d.rowId() > before[writer], c.name() + " saw a row twice or late: " + d);
                            current[writer] = Math.max(current[writer], d.rowId());
                            seen[index]++;
                        }
                        c.advanceTo(cs.watermark());
                    }
                }));
            }
            Thread purger = thread(failures, () -> {
                while (writing.get()) {
                    purgedTotal.addAndGet(log.purge());
                }
            });
            threads.forEach(Thread::start);
            purger.start();
            for (Thread t : threads.subList(0, 3)) {
                t.join((seconds + 120) * 1000);
                assertFalse(t.isAlive(), "a writer hangs; seed " + seed);
            }
            writing.set(false);
            for (Thread t : threads) {
                t.join(120_000);
                assertFalse(t.isAlive(), "a thread hangs; seed " + seed);
            }
            purger.join(120_000);
            System.out.printf(
                    "MixedConcurrencyTest seed %d, %d s: %d deltas committed, %d checked reads+counts, %d merges, %d"
                            + " deltas purged, each consumer saw %s%n",
                    seed,
                    seconds,
                    committed.get(),
                    reads.get(),
                    merges.get(),
                    purgedTotal.get(),
                    Arrays.toString(seen));
            assertEquals(List.of(), new ArrayList<>(failures), "seed " + seed);
            for (int i = 0; i < consumers.length; i++) {
                assertEquals(committed.get(), seen[i], consumers[i].name() + " saw every committed row; seed " + seed);
                assertFalse(consumers[i].isStale());
            }
        }
    }

    /** Every transaction in the set is whole (its deltas carry its size), and timestamps never go back. */
    private static void checkAtomicAndOrdered(ChangeSet cs) {
        Map<Long, Integer> perTx = new HashMap<>();
        Map<Long, Integer> sizes = new HashMap<>();
        long previous = Long.MIN_VALUE;
        for (Delta d : cs) {
            assertTrue(d.commitTimestamp() >= previous, "timestamps go back in " + cs);
            previous = d.commitTimestamp();
            assertTrue(d.commitTimestamp() <= cs.watermark(), "a delta above the watermark");
            perTx.merge(d.commitTimestamp(), 1, Integer::sum);
            sizes.put(d.commitTimestamp(), (Integer) d.op().after().get(1));
        }
        perTx.forEach((ts, n) -> assertEquals(sizes.get(ts), n, "transaction at " + ts + " read in part"));
    }

    private static Thread thread(ConcurrentLinkedQueue<Throwable> failures, Runnable body) {
        Thread t = new Thread(() -> {
            try {
                body.run();
            } catch (Throwable e) {
                failures.add(e);
            }
        });
        t.setDaemon(true);
        return t;
    }
}
