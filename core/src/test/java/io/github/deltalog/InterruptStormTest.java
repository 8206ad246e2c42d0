package io.github.deltalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Interrupt storm (issue 21, case 4): eight threads commit while they are interrupted at random and their tasks
 * are cancelled with {@code Future.cancel(true)}; a checkpoint, purge and consumer move run on interrupted
 * threads too. Every commit that returned must be there after a reopen, every commit that threw must not, an
 * interrupt must never fail the log for other threads, and the log works at the end. Commits:
 * {@code -Ddeltalog.interrupt.commits} (50 000; 10^6 under {@code -Pstress}); seed: {@code -Ddeltalog.interrupt.seed}.
 */
class InterruptStormTest {
    private static final int COMMITS = Integer.getInteger("deltalog.interrupt.commits", 50_000);
    private static final int THREADS = 8;

    @TempDir
    Path dir;

    @Test
    void interruptsNeverHarmTheLogOrOtherThreads() throws Exception {
        long seed = Long.getLong("deltalog.interrupt.seed", System.nanoTime());
        String replay = "seed=" + seed + " (replay with -Ddeltalog.interrupt.seed=" + seed + ")";
        Path file = dir.resolve("storm.deltas");
        Map<Long, Long> acked = new ConcurrentHashMap<>();
        Map<Long, Throwable> threw = new ConcurrentHashMap<>();
        AtomicLong nextRow = new AtomicLong();
        AtomicInteger interruptedCalls = new AtomicInteger();
        Object consumerMoves = new Object();
        for (Durability durability : Durability.values()) {
            try (DeltaLog log = DeltaLog.builder()
                    .path(file)
                    .durability(durability)
                    .checkpointInterval(Duration.ofMillis(20))
                    .open()) {
                log.track("t");
                ExecutorService pool = Executors.newFixedThreadPool(THREADS);
                SplittableRandom random = new SplittableRandom(seed + durability.ordinal());
                List<Future<?>> tasks = new ArrayList<>();
                int perDurability = COMMITS / 3;
                int perTask = 50;
                for (int task = 0; task < perDurability / perTask; task++) {
                    long taskSeed = random.nextLong();
                    tasks.add(pool.submit(() -> {
                        SplittableRandom r = new SplittableRandom(taskSeed);
                        for (int i = 0; i < perTask; i++) {
                            if (r.nextInt(8) == 0) {
                                Thread.currentThread().interrupt();
                                interruptedCalls.incrementAndGet();
                            }
                            long row = nextRow.getAndIncrement();
                            try {
                                int what = r.nextInt(200);
                                if (what == 0) {
                                    log.checkpoint();
                                } else if (what == 1) {
                                    // Read and move under one lock: two threads that read lastCommitted in one
                                    // order and move in the other would move the consumer back, which it refuses.
                                    synchronized (consumerMoves) {
                                        log.consumer("c").advanceTo(log.lastCommitted());
                                    }
                                } else {
                                    acked.put(row, log.recordInsert("t", row, Tuple.of(row)));
                                }
                            } catch (RuntimeException e) {
                                threw.put(row, e);
                            }
                            Thread.interrupted();
                        }
                    }));
                    if (random.nextInt(4) == 0 && tasks.size() > 2) {
                        tasks.get(random.nextInt(tasks.size())).cancel(true);
                    }
                }
                pool.shutdown();
                assertTrue(pool.awaitTermination(5, TimeUnit.MINUTES), "storm did not end, " + replay);
                assertEquals(Map.of(), failuresOf(threw), "calls failed because of interrupts, " + replay);
                long after = log.recordInsert("t", nextRow.getAndIncrement(), Tuple.of("after"));
                assertTrue(after > 0);
            }
        }
        try (DeltaLog log = DeltaLog.open(file)) {
            Map<Long, Long> present = new HashMap<>();
            try (DeltaCursor c = log.changesAfter("t", Long.MIN_VALUE)) {
                for (Delta d : c) {
                    present.put(d.rowId(), d.commitTimestamp());
                }
            }
            for (Map.Entry<Long, Long> a : acked.entrySet()) {
                assertEquals(a.getValue(), present.get(a.getKey()), "acknowledged row " + a.getKey() + ", " + replay);
            }
            for (Long row : threw.keySet()) {
                assertTrue(!present.containsKey(row), "row " + row + " of a call that threw is present, " + replay);
            }
        }
        System.out.printf(
                "interrupt storm: %d commits acknowledged, %d calls interrupted, %d threw, %s%n",
                acked.size(), interruptedCalls.get(), threw.size(), replay);
    }

    /** The failures by row: with RandomAccessFile I/O an interrupted call completes, so there should be none. */
    private static Map<Long, String> failuresOf(Map<Long, Throwable> threw) {
        Map<Long, String> out = new HashMap<>();
        threw.forEach((row, e) -> out.put(row, e.toString()));
        return out;
    }
}
