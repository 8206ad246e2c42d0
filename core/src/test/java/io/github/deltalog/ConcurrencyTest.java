package io.github.deltalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Writers, readers, consumers, a checkpointer and a commit listener on one log at once. Every delta carries the
 * stamp of its transaction (id, size, size per table), so that a reader can tell a whole transaction from a
 * part of one. Bounded by operation counts; a thread that hangs fails the test after {@link #JOIN_TIMEOUT_MS}.
 */
class ConcurrencyTest {
    private static final List<String> TABLES = List.of("alpha", "beta", "gamma");
    private static final int WRITERS = 3;
    private static final int TRANSACTIONS_PER_WRITER = 250;
    private static final int MAX_READER_ROUNDS = 1_000_000;
    private static final int MAX_CHECKPOINTS = 5_000;
    private static final long JOIN_TIMEOUT_MS = 180_000;

    @TempDir
    Path dir;

    @Test
    void fileBackedCommitDurability() throws InterruptedException {
        run(fileLog(Durability.COMMIT));
    }

    @Test
    void fileBackedSyncDurability() throws InterruptedException {
        run(fileLog(Durability.SYNC));
    }

    @Test
    void inMemory() throws InterruptedException {
        run(DeltaLog.inMemory());
    }

    /**
     * Regression: {@code count} took its two B-tree ranks from two versions of the map, so a commit into a table
     * with a lower id between them made the count of another table wrong, even negative.
     */
    @Test
    void countOfOneTableIsStableWhileALowerTableIsWritten() throws InterruptedException {
        try (DeltaLog log = DeltaLog.inMemory()) {
            log.track("lower");
            log.track("higher");
            for (int i = 0; i < 10; i++) {
                log.recordInsert("higher", i, Tuple.of(i));
            }
            long upTo = log.lastCommitted();
            Shared s = new Shared(log);
            Thread writer = thread("lower-writer", s, () -> {
                for (int i = 0; i < 20_000 && !s.stop.get(); i++) {
                    try (DeltaTransaction tx = log.begin()) {
                        tx.insert("lower", 2 * i, Tuple.of(i)).insert("lower", 2 * i + 1, Tuple.of(i));
                        tx.commit();
                    }
                }
                s.writersDone.set(true);
            });
            writer.start();
            try {
                for (int i = 0; i < 5_000_000 && !s.writersDone.get(); i++) {
                    assertEquals(10, log.count("higher", 0L, upTo), "count of 'higher' at read " + i);
                }
            } finally {
                s.stop.set(true);
                joinAll(List.of(writer), System.currentTimeMillis() + JOIN_TIMEOUT_MS, s);
            }
            throwFailures(s, "lower-table writer");
        }
    }

    private DeltaLog fileLog(Durability durability) {
        return DeltaLog.builder()
                .path(dir.resolve("concurrent-" + durability + ".deltas"))
                .durability(durability)
                .checkpointInterval(Duration.ofMillis(5))
                .checkpointBytes(32 * 1024)
                .open();
    }

    /** The stamp every image of a transaction carries: values 0..4 of the tuple. */
    private record Stamp(long txId, int size, int[] perTable) {
        static Stamp of(Delta d) {
            Tuple t = d.op().after() != null ? d.op().after() : d.op().before();
            int[] per = new int[TABLES.size()];
            for (int i = 0; i < per.length; i++) {
                per[i] = (Integer) t.get(2 + i);
            }
            return new Stamp((Long) t.get(0), (Integer) t.get(1), per);
        }

        int sizeIn(Set<String> tables) {
            int n = 0;
            for (String table : tables) {
                n += perTable[TABLES.indexOf(table)];
            }
            return n;
        }
    }

    /** A delta's identity: what "exactly once" counts. */
    private record Seen(String table, long rowId, long ts) {
        static Seen of(Delta d) {
            return new Seen(d.table(), d.rowId(), d.commitTimestamp());
        }
    }

    /** Everything the threads share. */
    private static final class Shared {
        final DeltaLog log;
        final AtomicBoolean writersDone = new AtomicBoolean();
        final AtomicBoolean stop = new AtomicBoolean();
        final ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        /** Every committed delta, by identity, to its transaction id. */
        final Map<Seen, Long> committed = new ConcurrentHashMap<>();
        /** Commit timestamp of every committed transaction id. */
        final Map<Long, Long> commitTimes = new ConcurrentHashMap<>();

        final Set<Long> rolledBack = ConcurrentHashMap.newKeySet();
        final AtomicLong reads = new AtomicLong();

        Shared(DeltaLog log) {
            this.log = log;
        }
    }

    private void run(DeltaLog log) throws InterruptedException {
        try (log) {
            runOn(log);
        }
    }

    private void runOn(DeltaLog log) throws InterruptedException {
        long seed = ThreadLocalRandom.current().nextLong();
        Shared s = new Shared(log);
        for (String t : TABLES) {
            log.track(t);
        }
        List<long[]> heard = new ArrayList<>();
        Map<Long, List<Delta>> heardDeltas = new HashMap<>();
        AtomicInteger insideListener = new AtomicInteger();
        log.subscribe((ts, deltas) -> {
            if (insideListener.incrementAndGet() != 1) {
                s.failures.add(new AssertionError("listener called concurrently at " + ts));
            }
            try {
                synchronized (heard) {
                    long previous = heard.isEmpty() ? 0 : heard.get(heard.size() - 1)[0];
                    if (ts <= previous) {
                        s.failures.add(new AssertionError("listener heard " + ts + " after " + previous));
                    }
                    if (ts > log.lastCommitted()) {
                        s.failures.add(new AssertionError("listener heard " + ts + " before it was visible"));
                    }
                    heard.add(new long[] {ts});
                    if (heardDeltas.put(ts, List.copyOf(deltas)) != null) {
                        s.failures.add(new AssertionError("listener heard " + ts + " twice"));
                    }
                }
            } finally {
                insideListener.decrementAndGet();
            }
        });
        List<Thread> writers = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
            int id = w;
            writers.add(thread("writer-" + w, s, () -> write(s, id, new SplittableRandom(seed + id))));
        }
        List<Thread> others = new ArrayList<>();
        for (int r = 0; r < 2; r++) {
            long readerSeed = seed + 100 + r;
            others.add(thread("reader-" + r, s, () -> read(s, new SplittableRandom(readerSeed))));
        }
        ChangeSetConsumer setConsumer = new ChangeSetConsumer();
        others.add(thread("changeset-consumer", s, () -> setConsumer.consume(s)));
        CursorConsumer cursorConsumer = new CursorConsumer();
        others.add(thread("cursor-consumer", s, () -> cursorConsumer.consume(s)));
        others.add(thread("checkpointer", s, () -> {
            for (int i = 0; i < MAX_CHECKPOINTS && !s.writersDone.get() && !s.stop.get(); i++) {
                log.checkpoint();
                Thread.sleep(1);
            }
        }));
        others.forEach(Thread::start);
        writers.forEach(Thread::start);
        long deadline = System.currentTimeMillis() + JOIN_TIMEOUT_MS;
        try {
            joinAll(writers, deadline, s);
            s.writersDone.set(true);
            joinAll(others, deadline, s);
        } finally {
            s.stop.set(true);
            s.writersDone.set(true);
        }
        String context = "seed " + seed + ", " + s.reads.get() + " reads";
        throwFailures(s, context);

        // Everything settled: the consumers catch up and must have seen every delta exactly once.
        setConsumer.consume(s);
        cursorConsumer.consume(s);
        throwFailures(s, context);
        Set<Seen> all = s.committed.keySet();
        assertEquals(all, setConsumer.seen, "change set consumer, " + context);
        assertEquals(all, cursorConsumer.seen, "cursor consumer, " + context);
        assertEquals(all.size(), log.countAll(), context);
        ChangeSet everything = log.changesAfter(TABLES, 0L);
        assertEquals(all.size(), everything.size(), context);
        checkComplete(everything.deltas(), new HashSet<>(TABLES), s, "final read");

        // The listener heard every commit once, in order, with its deltas.
        Set<Long> commitTimes = new TreeSet<>(s.commitTimes.values());
        assertEquals(commitTimes.size(), s.commitTimes.size(), "distinct commit timestamps, " + context);
        assertEquals(commitTimes, heardDeltas.keySet(), "listener commits, " + context);
        for (List<Delta> deltas : heardDeltas.values()) {
            checkComplete(deltas, new HashSet<>(TABLES), s, "listener");
            for (Delta d : deltas) {
                assertTrue(all.contains(Seen.of(d)), "listener heard an unknown delta " + d);
            }
        }
    }

    // ---- writers ----

    private static void write(Shared s, int writer, SplittableRandom random) {
        DeltaLog log = s.log;
        long lastSeen = 0;
        for (int i = 0; i < TRANSACTIONS_PER_WRITER && !s.stop.get(); i++) {
            long txId = writer * 1_000_000L + i;
            // 2-3 tables, 1-5 rows in each; one in twenty is a single-row shortcut.
            boolean single = random.nextInt(20) == 0;
            int[] perTable = new int[TABLES.size()];
            List<Integer> tables = new ArrayList<>(List.of(0, 1, 2));
            if (single) {
                perTable[random.nextInt(3)] = 1;
            } else {
                if (random.nextBoolean()) {
                    tables.remove(random.nextInt(3));
                }
                for (int t : tables) {
                    perTable[t] = 1 + random.nextInt(5);
                }
            }
            int size = Arrays.stream(perTable).sum();
            boolean rollback = random.nextInt(15) == 0;
            Map<Seen, Long> mine = new HashMap<>();
            long ts;
            try (DeltaTransaction tx = log.begin()) {
                int n = 0;
                for (int t = 0; t < TABLES.size(); t++) {
                    for (int k = 0; k < perTable[t]; k++) {
                        long rowId = txId * 16 + n++;
                        Tuple stamp = stamp(txId, rollback ? -1 : size, perTable, "after");
                        switch (random.nextInt(3)) {
                            case 0 -> tx.update(TABLES.get(t), rowId, stamp(txId, size, perTable, "before"), stamp);
                            case 1 -> tx.delete(TABLES.get(t), rowId, stamp);
                            default -> tx.insert(TABLES.get(t), rowId, stamp);
                        }
                        mine.put(new Seen(TABLES.get(t), rowId, 0), txId);
                    }
                }
                if (rollback) {
                    s.rolledBack.add(txId);
                    continue; // closed without commit
                }
                assertEquals(size, tx.size());
                ts = tx.commit();
            }
            s.commitTimes.put(txId, ts);
            for (Seen k : mine.keySet()) {
                s.committed.put(new Seen(k.table, k.rowId, ts), txId);
            }
            // The writer sees its own commit at once, whole.
            long watermark = log.lastCommitted();
            assertTrue(watermark >= ts, "watermark " + watermark + " below own commit " + ts);
            assertTrue(watermark >= lastSeen, "watermark went back from " + lastSeen + " to " + watermark);
            lastSeen = watermark;
            for (int t = 0; t < TABLES.size(); t++) {
                assertEquals(perTable[t], log.count(TABLES.get(t), ts - 1, ts), "own commit in " + TABLES.get(t));
            }
        }
    }

    private static Tuple stamp(long txId, int size, int[] perTable, String payload) {
        return Tuple.of(txId, size, perTable[0], perTable[1], perTable[2], payload);
    }

    // ---- readers ----

    /** Random single-table, multi-table and count reads at remembered positions. */
    private static void read(Shared s, SplittableRandom random) {
        DeltaLog log = s.log;
        List<Long> positions = new ArrayList<>(List.of(0L));
        long lastWatermark = 0;
        for (int round = 0; round < MAX_READER_ROUNDS && !s.writersDone.get() && !s.stop.get(); round++) {
            long watermark = log.lastCommitted();
            assertTrue(watermark >= lastWatermark, "watermark went back from " + lastWatermark + " to " + watermark);
            lastWatermark = watermark;
            positions.add(watermark);
            long after = positions.get(random.nextInt(positions.size()));
            long upTo = random.nextBoolean() ? Long.MAX_VALUE : positions.get(random.nextInt(positions.size()));
            String table = TABLES.get(random.nextInt(TABLES.size()));
            switch (random.nextInt(3)) {
                case 0 -> {
                    List<Delta> list = cursorRead(log, table, after, upTo);
                    checkComplete(list, Set.of(table), s, "changesAfter(" + table + ", " + after + ", " + upTo + ")");
                }
                case 1 -> {
                    Set<String> tables = new HashSet<>();
                    for (int i = 1 + random.nextInt(3); i > 0; i--) {
                        tables.add(TABLES.get(random.nextInt(TABLES.size())));
                    }
                    ChangeSet set = log.changesAfter(tables, after);
                    assertTrue(set.watermark() >= watermark, "change set below an earlier watermark");
                    long previous = Long.MIN_VALUE;
                    for (Delta d : set) {
                        assertTrue(d.commitTimestamp() > after && d.commitTimestamp() <= set.watermark(), "" + d);
                        assertTrue(d.commitTimestamp() >= previous, "change set out of order");
                        previous = d.commitTimestamp();
                    }
                    checkComplete(set.deltas(), tables, s, "changesAfter(" + tables + ", " + after + ")");
                }
                default -> {
                    // Below a watermark already seen nothing changes: a count must match the deltas read.
                    long bound = Math.min(upTo, watermark);
                    long counted = log.count(table, after, bound);
                    int read = cursorRead(log, table, after, bound).size();
                    assertEquals(read, counted, "count(" + table + ", " + after + ", " + bound + ")");
                }
            }
            s.reads.incrementAndGet();
            if (positions.size() > 64) {
                positions.remove(1 + random.nextInt(63));
            }
        }
    }

    /** Reads one table with a cursor, checking the order and bounds. */
    private static List<Delta> cursorRead(DeltaLog log, String table, long after, long upTo) {
        List<Delta> list = new ArrayList<>();
        try (DeltaCursor c = log.changesAfter(table, after, upTo)) {
            long limit = c.upTo();
            assertTrue(limit <= upTo && limit <= log.lastCommitted(), "cursor bound " + limit);
            Delta previous = null;
            for (Delta d : c) {
                assertEquals(table, d.table());
                assertTrue(d.commitTimestamp() > after && d.commitTimestamp() <= limit, "out of bounds: " + d);
                if (previous != null) {
                    boolean ascending = d.commitTimestamp() > previous.commitTimestamp()
                            || (d.commitTimestamp() == previous.commitTimestamp() && d.rowId() > previous.rowId());
                    assertTrue(ascending, previous + " then " + d);
                }
                previous = d;
                list.add(d);
            }
        }
        return list;
    }

    /**
     * Checks that a read holds only whole transactions: per transaction one timestamp and exactly as many deltas as
     * the transaction has in the tables read, none of a rolled-back one.
     */
    private static void checkComplete(List<Delta> deltas, Set<String> tables, Shared s, String what) {
        Map<Long, List<Delta>> byTx = new HashMap<>();
        for (Delta d : deltas) {
            byTx.computeIfAbsent(Stamp.of(d).txId, k -> new ArrayList<>()).add(d);
        }
        for (Map.Entry<Long, List<Delta>> e : byTx.entrySet()) {
            List<Delta> part = e.getValue();
            Stamp stamp = Stamp.of(part.get(0));
            assertTrue(
                    stamp.size > 0 && !s.rolledBack.contains(e.getKey()), what + " saw rolled-back tx " + e.getKey());
            long ts = part.get(0).commitTimestamp();
            for (Delta d : part) {
                assertEquals(ts, d.commitTimestamp(), what + ": transaction " + e.getKey() + " has two timestamps");
            }
            assertEquals(
                    stamp.sizeIn(tables),
                    part.size(),
                    what + " saw part of transaction " + e.getKey() + " at " + ts + ": " + part);
        }
    }

    // ---- consumers ----

    /** Reads every table on from the last change set's watermark; must see each delta once. */
    private static final class ChangeSetConsumer {
        final Set<Seen> seen = new HashSet<>();
        long position;

        void consume(Shared s) {
            long rounds = 0;
            do {
                ChangeSet set = s.log.changesAfter(TABLES, position);
                for (Delta d : set) {
                    assertTrue(d.commitTimestamp() > position, "consumer got " + d + " at or below " + position);
                    assertTrue(seen.add(Seen.of(d)), "consumer got " + d + " twice");
                }
                checkComplete(set.deltas(), new HashSet<>(TABLES), s, "consumer after " + position);
                assertTrue(set.watermark() >= position, "consumer watermark went back");
                position = set.watermark();
                rounds++;
            } while (rounds < MAX_READER_ROUNDS && !s.writersDone.get() && !s.stop.get());
        }
    }

    /** Reads each table with cursors on from the last timestamp it saw; must see each delta once. */
    private static final class CursorConsumer {
        final Set<Seen> seen = new HashSet<>();
        final long[] lastSeen = new long[TABLES.size()];

        void consume(Shared s) {
            long rounds = 0;
            do {
                for (int t = 0; t < TABLES.size(); t++) {
                    String table = TABLES.get(t);
                    long after = lastSeen[t];
                    try (DeltaCursor c = s.log.changesAfter(table, after)) {
                        for (Delta d : c) {
                            assertTrue(d.commitTimestamp() > after, d + " at or below " + after);
                            assertTrue(seen.add(Seen.of(d)), "cursor consumer got " + d + " twice");
                            lastSeen[t] = d.commitTimestamp();
                        }
                    }
                }
                rounds++;
            } while (rounds < MAX_READER_ROUNDS && !s.writersDone.get() && !s.stop.get());
        }
    }

    // ---- threads ----

    private interface Body {
        void run() throws Exception;
    }

    private static Thread thread(String name, Shared s, Body body) {
        Thread t = new Thread(
                () -> {
                    try {
                        body.run();
                    } catch (Throwable e) {
                        s.failures.add(new AssertionError(name + " failed: " + e, e));
                        s.stop.set(true);
                    }
                },
                "concurrency-test-" + name);
        t.setDaemon(true);
        return t;
    }

    private static void joinAll(List<Thread> threads, long deadline, Shared s) throws InterruptedException {
        for (Thread t : threads) {
            t.join(Math.max(1, deadline - System.currentTimeMillis()));
            if (t.isAlive()) {
                s.stop.set(true);
                AssertionError hang = new AssertionError(t.getName() + " did not finish in time (hang?)");
                hang.setStackTrace(t.getStackTrace());
                throw hang;
            }
        }
    }

    private static void throwFailures(Shared s, String context) {
        Throwable first = s.failures.peek();
        if (first != null) {
            AssertionError e =
                    new AssertionError(s.failures.size() + " failure(s), " + context + "; first: " + first, first);
            s.failures.stream().skip(1).limit(5).forEach(e::addSuppressed);
            throw e;
        }
    }
}
