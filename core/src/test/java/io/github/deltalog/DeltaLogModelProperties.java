package io.github.deltalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.deltalog.merge.DeltaMerger;
import io.github.deltalog.merge.MergePolicy;
import io.github.deltalog.retention.RetentionPolicy;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded random operation sequences run against a {@link DeltaLog} and a simple reference model (per table a
 * sorted map of (commit timestamp, row) to the expected change, plus the tracked set), re-checked after every
 * step: transactions with in-transaction merging and conflicts, rollbacks, single-change shortcuts, untracked
 * tables, every read, checkpoints, and close/reopen under varying durability with a clock that jumps back.
 *
 * <p>Retention (DESIGN §4, §7) is part of the model: consumers (name to position), the low-water mark, and
 * operations that create consumers (at the watermark or at a position), advance them (validly and not), read
 * through them, reset and drop them, {@code purgeBefore} at and around commit timestamps, and {@code purge()}
 * under a retention policy chosen at every (re)open, with the age cap's "now" read from, or pinned on, the
 * test's clock. Every read the model says is purged must throw {@link DeltasPurgedException} (through a stale
 * consumer {@link StaleConsumerException}); every other read must match the model exactly, before and after
 * close/reopen, which must keep positions, staleness and the low-water mark.
 *
 * <p>Reproduce a failure with the seed it prints: {@code mvn -pl core test -Dtest=DeltaLogModelProperties
 * -Ddeltalog.seed=<seed>}; {@code -Ddeltalog.model.ops=<n>} sets the operations per seed (default 4000).
 */
class DeltaLogModelProperties {
    private static final int SEEDS = 4;
    private static final int FULL_CHECK_EVERY = 100;
    private static final String NEVER_TRACKED = "never-tracked";
    private static final List<String> TABLES =
            List.of("orders", "line:items/2024", "ünï表", " padded ", "x".repeat(DeltaLog.MAX_TABLE_NAME), "t6");
    private static final Durability[] DURABILITIES = Durability.values();
    private static final List<String> CONSUMERS = List.of("view", "sync peer", "ünï-cache", "c4");
    private static final Comparator<Delta> CHANGE_SET_ORDER = Comparator.comparingLong(Delta::commitTimestamp)
            .thenComparing(Delta::table)
            .thenComparingLong(Delta::rowId);

    @TempDir
    Path dir;

    @Test
    void fileBackedLogMatchesModel() {
        for (long seed : seeds()) {
            new Run(seed, dir.resolve("model-" + Long.toHexString(seed) + ".deltas"), opCount()).run();
        }
    }

    @Test
    void inMemoryLogMatchesModel() {
        new Run(seeds().get(0), null, opCount() / 2).run();
    }

    private static List<Long> seeds() {
        String fixed = System.getProperty("deltalog.seed");
        if (fixed != null && !fixed.isBlank()) {
            return List.of(Long.parseLong(fixed.trim()));
        }
        List<Long> seeds = new ArrayList<>();
        for (int i = 0; i < SEEDS; i++) {
            seeds.add(ThreadLocalRandom.current().nextLong());
        }
        return seeds;
    }

    private static int opCount() {
        return Integer.getInteger("deltalog.model.ops", 4000);
    }

    /** A key of the model: the order of a table's deltas in the log. */
    private record Key(long ts, long rowId) implements Comparable<Key> {
        @Override
        public int compareTo(Key o) {
            int c = Long.compare(ts, o.ts);
            return c != 0 ? c : Long.compare(rowId, o.rowId);
        }
    }

    /** A row touched by a transaction. */
    private record Row(String table, long rowId) {}

    /** The reference model: what the log must hold. */
    private static final class Model {
        final Map<String, TreeMap<Key, DeltaOp>> deltas = new HashMap<>();
        final Set<String> tracked = new TreeSet<>();
        final List<Long> commits = new ArrayList<>();
        /** Consumer positions by name. */
        final TreeMap<String, Long> consumers = new TreeMap<>();

        long last;
        long total;
        /** The low-water mark: the newest commit timestamp purged; 0 until a purge removed something. */
        long low;
        /** Which rule of the policy set the last cut: "consumers", "age", "count" or "none". */
        String cutBy;

        /** Tells whether a read after this position would miss purged deltas (and so must throw). */
        boolean purged(long after) {
            return low > 0 && after < low;
        }

        /**
         * Tells whether a read after this position must throw: {@link DeltaLog#FROM_OLDEST} reads whatever is
         * retained, any other position behind the mark would miss purged deltas.
         */
        boolean readPurged(long after) {
            return after != DeltaLog.FROM_OLDEST && purged(after);
        }

        boolean stale(String consumer) {
            return purged(consumers.get(consumer));
        }

        /**
         * Removes every delta below min(cut, last + 1) and raises the mark to the newest removed timestamp.
         *
         * @return how many were removed
         */
        long purgeBefore(long cut) {
            long effective = last == Long.MAX_VALUE ? cut : Math.min(cut, last + 1);
            Key bound = new Key(effective, Long.MIN_VALUE);
            long newest = Long.MIN_VALUE;
            for (TreeMap<Key, DeltaOp> table : deltas.values()) {
                Key below = table.lowerKey(bound);
                if (below != null) {
                    newest = Math.max(newest, below.ts);
                }
            }
            if (newest == Long.MIN_VALUE) {
                return 0; // nothing below the cut: nothing changes
            }
            assertTrue(newest > low, "the model kept a delta at or below its own low-water mark");
            long removed = 0;
            for (TreeMap<Key, DeltaOp> table : deltas.values()) {
                SortedMap<Key, DeltaOp> head = table.headMap(bound);
                removed += head.size();
                head.clear();
            }
            low = newest;
            total -= removed;
            return removed;
        }

        /** The cut purge() makes under a policy, written from the spec, independently of RetentionPlan. */
        long policyCut(RetentionPolicy policy, long nowMicros) {
            long cut = Long.MIN_VALUE;
            cutBy = "none";
            long slowest = Long.MAX_VALUE;
            for (long p : consumers.values()) {
                if (!purged(p)) {
                    slowest = Math.min(slowest, p);
                }
            }
            if (slowest != Long.MAX_VALUE) {
                cut = slowest + 1; // untilConsumed: what every live consumer has read
                cutBy = "consumers";
            }
            if (policy.maxAge() != null && nowMicros - policy.maxAge().toNanos() / 1000 > cut) {
                cut = nowMicros - policy.maxAge().toNanos() / 1000;
                cutBy = "age";
            }
            long cap = policy.maxDeltasCap();
            if (cap != Long.MAX_VALUE && total > cap) {
                // The smallest cut leaving at most cap deltas: one past the (total - cap)-th oldest timestamp.
                long[] all = new long[(int) total];
                int i = 0;
                for (TreeMap<Key, DeltaOp> table : deltas.values()) {
                    for (Key k : table.keySet()) {
                        all[i++] = k.ts;
                    }
                }
                java.util.Arrays.sort(all);
                if (all[(int) (total - cap - 1)] + 1 > cut) {
                    cut = all[(int) (total - cap - 1)] + 1;
                    cutBy = "count";
                }
            }
            return cut;
        }

        void commit(long ts, Map<Row, DeltaOp> changes) {
            for (Map.Entry<Row, DeltaOp> e : changes.entrySet()) {
                deltas.get(e.getKey().table).put(new Key(ts, e.getKey().rowId), e.getValue());
            }
            total += changes.size();
            commits.add(ts);
            last = ts;
        }

        List<Delta> read(String table, long after, long upTo) {
            List<Delta> list = new ArrayList<>();
            if (upTo <= after) {
                return list;
            }
            Key from = new Key(after, Long.MAX_VALUE);
            Key to = new Key(upTo, Long.MAX_VALUE);
            for (Map.Entry<Key, DeltaOp> e :
                    deltas.get(table).subMap(from, false, to, true).entrySet()) {
                list.add(new Delta(table, e.getKey().rowId, e.getKey().ts, e.getValue()));
            }
            return list;
        }
    }

    /** The merge rule of two changes of one row inside a transaction, written independently of the log. */
    private static final Object CONFLICT = new Object();

    /** Returns the net change, null for none, or {@link #CONFLICT}. */
    private static Object combine(DeltaOp earlier, DeltaOp later) {
        if (earlier == null) {
            return noOp(later) ? null : later;
        }
        if (earlier instanceof DeltaOp.Insert) {
            if (later instanceof DeltaOp.Insert) {
                return CONFLICT;
            }
            return later instanceof DeltaOp.Update u ? new DeltaOp.Insert(u.after()) : null;
        }
        if (earlier instanceof DeltaOp.Update e) {
            if (later instanceof DeltaOp.Insert) {
                return CONFLICT;
            }
            DeltaOp net = later instanceof DeltaOp.Update u
                    ? new DeltaOp.Update(e.before(), u.after())
                    : new DeltaOp.Delete(e.before());
            return noOp(net) ? null : net;
        }
        if (!(later instanceof DeltaOp.Insert i)) {
            return CONFLICT;
        }
        DeltaOp net = new DeltaOp.Update(earlier.before(), i.after());
        return noOp(net) ? null : net;
    }

    private static boolean noOp(DeltaOp op) {
        return op instanceof DeltaOp.Update u && u.before().equals(u.after());
    }

    /** A wall clock that mostly moves forward by up to 4 ms but often goes back, now and then by a second. */
    private static final class JumpyClock extends Clock {
        private final Random random;
        private long micros = 1_700_000_000_000_000L;
        /** While set, the time every call returns (and the jumping pauses). */
        private Long pinned;
        /** The time the last call returned: what the log saw. */
        private long lastMicros;

        JumpyClock(long seed) {
            this.random = new Random(seed);
        }

        @Override
        public synchronized Instant instant() {
            if (pinned != null) {
                lastMicros = pinned;
            } else {
                int r = random.nextInt(1000);
                micros += r < 1 ? -1_000_000 : r < 200 ? -random.nextInt(500) : random.nextInt(4000);
                lastMicros = micros;
            }
            return Instant.ofEpochSecond(
                    Math.floorDiv(lastMicros, 1_000_000L), Math.floorMod(lastMicros, 1_000_000L) * 1000);
        }

        synchronized void pin(Long micros) {
            pinned = micros;
        }

        synchronized long lastMicros() {
            return lastMicros;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }
    }

    /** One seeded run against one log. */
    private static final class Run {
        private final long seed;
        private final Path file;
        private final int ops;
        private final Random random;
        private final JumpyClock clock;
        private final Model model = new Model();
        private final List<Tuple> recentImages = new ArrayList<>();
        private final Deque<String> history = new ArrayDeque<>();
        /** What the commit listener heard since the last check: commit timestamp and deltas. */
        private final List<Map.Entry<Long, List<Delta>>> heard = new ArrayList<>();

        private DeltaLog log;
        private Durability durability = Durability.COMMIT;
        private RetentionPolicy policy = RetentionPolicy.untilConsumed();
        /** Handles of the open log's consumers, reused across steps (a fresh one now and then). */
        private final Map<String, Consumer> handles = new HashMap<>();

        private int purges;
        /** What the run exercised, printed when it passes: counts by kind of outcome. */
        private final Map<String, Integer> seen = new TreeMap<>();

        private String op = "open";
        private int reopens;
        /** One run in four keeps its file (and journal) encrypted. */
        private final boolean encrypted;

        Run(long seed, Path file, int ops) {
            this.seed = seed;
            this.file = file;
            this.ops = ops;
            this.random = new Random(seed);
            this.clock = new JumpyClock(seed * 31 + 7);
            this.encrypted = file != null && (seed & 3) == 0;
        }

        void run() {
            System.out.println("DeltaLogModelProperties: seed=" + seed + " ops=" + ops + " "
                    + (file == null ? "in memory" : encrypted ? "file-backed, encrypted" : "file-backed")
                    + " (-Ddeltalog.seed=" + seed + " reproduces it)");
            int step = 0;
            long started = System.nanoTime();
            try {
                open();
                for (step = 1; step <= ops; step++) {
                    step();
                    checkCheap();
                    if (step % FULL_CHECK_EVERY == 0) {
                        checkAll();
                    }
                    remember();
                }
                op = "final check";
                checkAll();
                op = "close";
                log.close();
                System.out.println("DeltaLogModelProperties: seed=" + seed + " passed " + ops + " operations ("
                        + model.commits.size() + " commits, " + model.total + " deltas retained, " + purges
                        + " purges, low-water mark " + model.low + ", " + reopens + " reopens) in "
                        + (System.nanoTime() - started) / 1_000_000 + " ms; " + seen);
            } catch (Throwable t) {
                String where = "seed=" + seed + " step=" + step + " op=" + op + " durability=" + durability
                        + " retention=" + policy + " low=" + model.low + " consumers=" + model.consumers
                        + (file == null ? " in memory" : "") + " (rerun with -Ddeltalog.seed=" + seed + ")";
                System.err.println("DeltaLogModelProperties FAILED at " + where + ": " + t);
                System.err.println("  last operations, oldest first:");
                history.forEach(h -> System.err.println("    " + h));
                if (log != null) {
                    try {
                        log.close();
                    } catch (RuntimeException ignored) {
                        // the failure above is what counts
                    }
                }
                throw new AssertionError(where + ": " + t, t);
            }
        }

        private void remember() {
            history.addLast(op.length() > 400 ? op.substring(0, 400) + "..." : op);
            if (history.size() > 8) {
                history.removeFirst();
            }
        }

        // ---- steps ----

        private void step() {
            if (model.tracked.isEmpty()) {
                track();
                return;
            }
            if (random.nextInt(100) < 12) {
                retentionStep();
                return;
            }
            int r = random.nextInt(1000);
            if (r < 250) {
                transaction(true);
            } else if (r < 300) {
                transaction(false);
            } else if (r < 450) {
                single();
            } else if (r < 470) {
                untrackedWrite();
            } else if (r < 490) {
                untrackDuringTransaction();
            } else if (r < 520) {
                track();
            } else if (r < 540) {
                untrack();
            } else if (r < 630) {
                readRange(false);
            } else if (r < 660) {
                readWhileCommitting();
            } else if (r < 740) {
                readRange(true);
            } else if (r < 800) {
                readChangeSet();
            } else if (r < 870) {
                readCount();
            } else if (r < 900) {
                readSince();
            } else if (r < 920) {
                readUnknown();
            } else if (r < 970) {
                op = "countAll/lastCommitted";
                assertEquals(model.total, log.countAll());
                assertEquals(model.last, log.lastCommitted());
            } else if (r < 988) {
                op = "checkpoint";
                log.checkpoint();
            } else if (file != null) {
                reopen();
            } else {
                op = "checkpoint (in memory: no-op)";
                log.checkpoint();
            }
        }

        private void open() {
            durability = DURABILITIES[random.nextInt(DURABILITIES.length)];
            policy = randomPolicy();
            op = "open " + durability + " " + policy;
            heard.clear();
            handles.clear();
            if (file == null) {
                log = DeltaLog.builder()
                        .inMemory()
                        .clock(clock)
                        .retention(policy)
                        .open();
                log.subscribe((ts, deltas) -> heard.add(Map.entry(ts, deltas)));
                return;
            }
            DeltaLogBuilder b = DeltaLog.builder()
                    .path(file)
                    .durability(durability)
                    .clock(clock)
                    .retention(policy)
                    .compress(random.nextBoolean());
            if (encrypted) {
                b.encryptionKey("model-key".toCharArray());
            }
            if (random.nextBoolean()) {
                // Background checkpoints and journal rotations while the run goes on.
                b.checkpointInterval(Duration.ofMillis(1 + random.nextInt(20)))
                        .checkpointBytes(1 + random.nextInt(8192));
            }
            if (random.nextInt(4) == 0) {
                b.journalFlushInterval(Duration.ofMillis(1 + random.nextInt(5)));
            }
            log = b.open();
            log.subscribe((ts, deltas) -> heard.add(Map.entry(ts, deltas)));
        }

        private void reopen() {
            Durability before = durability;
            reopens++;
            List<Consumer> old = new ArrayList<>(handles.values());
            log.close();
            assertTrue(log.isClosed());
            assertThrows(LogClosedException.class, log::lastCommitted);
            for (Consumer c : old) {
                assertThrows(LogClosedException.class, c::position, "a consumer handle of a closed log");
            }
            open();
            op = "reopen " + before + " -> " + durability + " " + policy;
            checkAll();
        }

        private void track() {
            String table = TABLES.get(random.nextInt(TABLES.size()));
            op = "track '" + table + "'";
            log.track(table);
            model.tracked.add(table);
            model.deltas.computeIfAbsent(table, t -> new TreeMap<>());
        }

        private void untrack() {
            String table = pick(new ArrayList<>(model.tracked));
            op = "untrack '" + table + "'";
            log.untrack(table);
            model.tracked.remove(table);
        }

        /** A transaction of 1..20 changes over up to three tables, committed or rolled back. */
        private void transaction(boolean commit) {
            List<String> tables = pickTables();
            Map<Row, DeltaOp> pending = new LinkedHashMap<>();
            StringBuilder desc = new StringBuilder(commit ? "tx" : "rolled-back tx");
            int n = 1 + random.nextInt(20);
            try (DeltaTransaction tx = log.begin()) {
                for (int i = 0; i < n; i++) {
                    change(tx, tables, pending, desc);
                }
                op = desc.toString();
                if (commit) {
                    commit(tx, pending);
                } else if (random.nextBoolean()) {
                    tx.rollback();
                    assertThrows(IllegalStateException.class, tx::commit);
                }
            }
        }

        /** Records one random change into a transaction and checks it against the merge rule. */
        private void change(DeltaTransaction tx, List<String> tables, Map<Row, DeltaOp> pending, StringBuilder desc) {
            if (random.nextInt(40) == 0) {
                String table = untrackedTable();
                desc.append(" | insert into untracked '").append(table).append("'");
                op = desc.toString();
                int size = tx.size();
                assertThrows(
                        UntrackedTableException.class, () -> tx.insert(table, 1L, image()), "recording into " + table);
                assertEquals(size, tx.size(), "an untracked change must leave the transaction unchanged");
                return;
            }
            Row row;
            if (!pending.isEmpty() && random.nextInt(10) < 4) {
                row = pick(new ArrayList<>(pending.keySet()));
            } else {
                row = new Row(pick(tables), rowId());
            }
            DeltaOp earlier = pending.get(row);
            DeltaOp change = nextChange(earlier);
            desc.append(" | ").append(describe(row, change));
            op = desc.toString();
            Object expected = combine(earlier, change);
            try {
                switch (random.nextInt(4)) {
                    case 0 -> tx.record(row.table, row.rowId, change);
                    default -> {
                        if (change instanceof DeltaOp.Insert ins) {
                            tx.insert(row.table, row.rowId, ins.after());
                        } else if (change instanceof DeltaOp.Update u) {
                            tx.update(row.table, row.rowId, u.before(), u.after());
                        } else {
                            tx.delete(row.table, row.rowId, change.before());
                        }
                    }
                }
                assertFalse(expected == CONFLICT, "expected a MergeConflictException");
                if (expected == null) {
                    pending.remove(row);
                } else {
                    pending.put(row, (DeltaOp) expected);
                }
            } catch (MergeConflictException e) {
                if (expected != CONFLICT) {
                    throw e;
                }
                assertEquals(row.table, e.table());
                assertEquals(row.rowId, e.rowId());
                desc.append(" (conflict)");
            }
            assertEquals(pending.size(), tx.size(), "rows changed by the transaction");
        }

        /** A change that mostly follows the earlier one of the row validly, and sometimes conflicts. */
        private DeltaOp nextChange(DeltaOp earlier) {
            int kind = random.nextInt(3);
            if (earlier != null && random.nextInt(5) > 0) {
                // A valid successor, often reusing images so that changes cancel out.
                if (earlier instanceof DeltaOp.Delete d) {
                    return new DeltaOp.Insert(random.nextInt(3) == 0 ? d.before() : image());
                }
                Tuple current = earlier.after();
                if (random.nextBoolean()) {
                    return new DeltaOp.Delete(current);
                }
                Tuple after = random.nextInt(3) == 0 && earlier.before() != null ? earlier.before() : image();
                return new DeltaOp.Update(current, after);
            }
            return switch (kind) {
                case 0 -> new DeltaOp.Insert(image());
                case 1 -> {
                    Tuple before = image();
                    yield new DeltaOp.Update(before, random.nextInt(6) == 0 ? before : image());
                }
                default -> new DeltaOp.Delete(image());
            };
        }

        private void commit(DeltaTransaction tx, Map<Row, DeltaOp> pending) {
            long ts = tx.commit();
            if (pending.isEmpty()) {
                assertEquals(model.last, ts, "an empty transaction returns the current watermark");
            } else {
                assertTrue(ts > model.last, "commit timestamp " + ts + " not above the previous " + model.last);
                model.commit(ts, pending);
                checkHeard(ts, pending);
            }
            assertThrows(IllegalStateException.class, tx::commit);
        }

        /** A recordInsert/Update/Delete shortcut: a transaction of its own. */
        private void single() {
            String table = pick(new ArrayList<>(model.tracked));
            long rowId = rowId();
            DeltaOp change = nextChange(null);
            op = "single " + describe(new Row(table, rowId), change);
            long ts;
            if (change instanceof DeltaOp.Insert ins) {
                ts = log.recordInsert(table, rowId, ins.after());
            } else if (change instanceof DeltaOp.Update u) {
                ts = log.recordUpdate(table, rowId, u.before(), u.after());
            } else {
                ts = log.recordDelete(table, rowId, change.before());
            }
            if (noOp(change)) {
                assertEquals(model.last, ts, "an update with equal images records nothing");
                return;
            }
            assertTrue(ts > model.last, "commit timestamp " + ts + " not above the previous " + model.last);
            model.commit(ts, Map.of(new Row(table, rowId), change));
            checkHeard(ts, Map.of(new Row(table, rowId), change));
        }

        private void untrackedWrite() {
            String table = untrackedTable();
            long rowId = rowId();
            op = "record into untracked '" + table + "'";
            switch (random.nextInt(3)) {
                case 0 -> assertThrows(UntrackedTableException.class, () -> log.recordInsert(table, rowId, image()));
                case 1 -> assertThrows(
                        UntrackedTableException.class, () -> log.recordUpdate(table, rowId, image(), image()));
                default -> assertThrows(UntrackedTableException.class, () -> log.recordDelete(table, rowId, image()));
            }
        }

        /** A table is untracked while a transaction holds changes of it: the commit throws, nothing is written. */
        private void untrackDuringTransaction() {
            List<String> tables = pickTables();
            Map<Row, DeltaOp> pending = new LinkedHashMap<>();
            StringBuilder desc = new StringBuilder("tx with untrack before commit");
            try (DeltaTransaction tx = log.begin()) {
                for (int i = 1 + random.nextInt(6); i > 0; i--) {
                    change(tx, tables, pending, desc);
                }
                if (pending.isEmpty()) {
                    return;
                }
                String victim = pick(new ArrayList<>(pending.keySet())).table;
                desc.append(" | untrack '").append(victim).append("' | commit");
                op = desc.toString();
                log.untrack(victim);
                model.tracked.remove(victim);
                assertThrows(UntrackedTableException.class, tx::commit);
            }
        }

        // ---- consumers and retention ----

        private void retentionStep() {
            int r = random.nextInt(100);
            if (model.consumers.isEmpty() && r < 84) {
                r = random.nextInt(28); // most consumer operations need one: create it
            }
            if (r < 15) {
                createConsumer();
            } else if (r < 28) {
                createConsumerAt();
            } else if (r < 46) {
                advance(true);
            } else if (r < 54) {
                advance(false);
            } else if (r < 78) {
                consumerRead();
            } else if (r < 84) {
                resetConsumer();
            } else if (r < 91) {
                dropConsumer();
            } else if (r < 95) {
                purgeBefore();
            } else {
                purgeByPolicy();
            }
        }

        private void saw(String what) {
            seen.merge(what, 1, Integer::sum);
        }

        private RetentionPolicy randomPolicy() {
            long cap = random.nextInt(4) == 0 ? random.nextInt(4) : random.nextInt(3000);
            Duration age = Duration.ofNanos(1000L * (1 + random.nextInt(3_000_000)));
            int r = random.nextInt(20);
            if (r < 7) {
                return RetentionPolicy.untilConsumed();
            } else if (r < 11) {
                return RetentionPolicy.maxDeltas(cap);
            } else if (r < 13) {
                return RetentionPolicy.untilConsumed().withMaxDeltas(cap);
            } else if (r < 17) {
                return RetentionPolicy.maxAge(age);
            }
            return RetentionPolicy.maxAge(age).withMaxDeltas(cap);
        }

        /** A handle of an existing consumer: the one kept, or now and then a fresh one (which must agree). */
        private Consumer handle(String name) {
            Consumer c = handles.get(name);
            if (c == null || random.nextInt(4) == 0) {
                c = log.consumer(name); // exists: keeps its position
                handles.put(name, c);
            }
            return c;
        }

        private String existingConsumer() {
            return pick(new ArrayList<>(model.consumers.keySet()));
        }

        private String describeConsumer(String name) {
            Long p = model.consumers.get(name);
            return "'" + name + "' " + (p == null ? "(none)" : "at " + p + (model.stale(name) ? " (stale)" : ""));
        }

        /** consumer(name): creates at the watermark, or returns the existing one unchanged. */
        private void createConsumer() {
            String name = pick(CONSUMERS);
            op = "consumer(" + describeConsumer(name) + ") watermark " + model.last;
            Consumer c = log.consumer(name);
            model.consumers.putIfAbsent(name, model.last);
            assertEquals(name, c.name());
            assertEquals(model.consumers.get(name), c.position(), op);
            assertEquals(model.stale(name), c.isStale(), "isStale after " + op);
            Consumer before = handles.put(name, c);
            if (before != null) {
                assertEquals(before, c, "two handles of one consumer");
                assertEquals(before.position(), c.position(), "two handles of one consumer");
            }
        }

        /** consumer(name, position): beyond the watermark or below the low-water mark it refuses a new consumer. */
        private void createConsumerAt() {
            String name = pick(CONSUMERS);
            long position = random.nextInt(10) == 0 ? model.last + 1 : position();
            boolean exists = model.consumers.containsKey(name);
            op = "consumer(" + describeConsumer(name) + ", " + position + ") watermark " + model.last + " low "
                    + model.low;
            if (!exists && position > model.last) {
                saw("consumer refused: beyond watermark");
                assertThrows(IllegalArgumentException.class, () -> log.consumer(name, position), op);
                return;
            }
            if (!exists && model.purged(position)) {
                saw("consumer refused: purged");
                assertThrows(DeltasPurgedException.class, () -> log.consumer(name, position), op);
                return;
            }
            Consumer c = log.consumer(name, position);
            model.consumers.putIfAbsent(name, position);
            assertEquals(model.consumers.get(name), c.position(), op);
            handles.put(name, c);
        }

        /** advanceTo: forward only, up to the watermark; a stale consumer refuses first. */
        private void advance(boolean valid) {
            String name = existingConsumer();
            long from = model.consumers.get(name);
            long to;
            if (valid) {
                int r = random.nextInt(4);
                to = r == 0 ? from : r == 1 ? model.last : commitAtOrAfter(from);
            } else if (from > Long.MIN_VALUE && random.nextBoolean()) {
                to = random.nextBoolean() ? from - 1 : Long.MIN_VALUE;
            } else {
                to = random.nextBoolean() ? model.last + 1 : Long.MAX_VALUE;
            }
            op = "advance " + describeConsumer(name) + " to " + to + " watermark " + model.last;
            Consumer c = handle(name);
            if (model.stale(name)) {
                saw("consumer refused: stale");
                assertThrows(StaleConsumerException.class, () -> c.advanceTo(to), op);
            } else if (!valid) {
                assertThrows(IllegalArgumentException.class, () -> c.advanceTo(to), op);
            } else {
                c.advanceTo(to);
                model.consumers.put(name, to);
            }
            assertEquals(model.consumers.get(name), c.position(), op);
        }

        /** A commit timestamp at or after a position (or the watermark if there is none). */
        private long commitAtOrAfter(long position) {
            List<Long> commits = model.commits;
            int i = Collections.binarySearch(commits, position);
            int from = i >= 0 ? i : -(i + 1);
            return from == commits.size() ? model.last : commits.get(from + random.nextInt(commits.size() - from));
        }

        /** A read through a consumer: its position decides, and a stale one throws; sometimes it advances after. */
        private void consumerRead() {
            String name = existingConsumer();
            long position = model.consumers.get(name);
            Consumer c = handle(name);
            List<String> tables = randomKnownTables();
            int kind = random.nextInt(3);
            String table = tables.get(0);
            op = (kind == 0 ? "changes('" + abbreviate(table) + "')" : kind == 1 ? "changes(" : "mergedChanges(")
                    + (kind == 0 ? "" : tables + ")") + " of " + describeConsumer(name) + " low " + model.low;
            if (model.stale(name)) {
                saw("consumer refused: stale");
                assertTrue(c.isStale(), "isStale of " + op);
                if (kind == 0) {
                    assertThrows(StaleConsumerException.class, () -> c.changes(table), op);
                } else if (kind == 1) {
                    assertThrows(StaleConsumerException.class, () -> c.changes(tables), op);
                } else {
                    assertThrows(StaleConsumerException.class, () -> c.mergedChanges(tables), op);
                }
                return;
            }
            assertFalse(c.isStale(), "isStale of " + op);
            if (kind == 0) {
                List<Delta> actual = new ArrayList<>();
                try (DeltaCursor cursor = c.changes(table)) {
                    assertEquals(model.last, cursor.upTo(), "cursor upper bound of " + op);
                    cursor.forEach(actual::add);
                }
                assertEquals(model.read(table, position, Long.MAX_VALUE), actual, op);
            } else if (kind == 1) {
                ChangeSet set = c.changes(tables);
                assertEquals(model.last, set.watermark(), "watermark of " + op);
                assertEquals(expectedSet(tables, position), set.deltas(), op);
            } else {
                checkMerged(op, expectedSet(tables, position), () -> c.mergedChanges(tables));
            }
            if (random.nextBoolean()) {
                op += " | advance to " + model.last;
                c.advanceTo(model.last);
                model.consumers.put(name, model.last);
                assertEquals(model.last, c.position(), op);
            }
        }

        private void resetConsumer() {
            String name = existingConsumer();
            op = "reset " + describeConsumer(name) + " watermark " + model.last;
            Consumer c = handle(name);
            assertEquals(model.last, c.reset(), op);
            model.consumers.put(name, model.last);
            assertEquals(model.last, c.position(), op);
            assertFalse(c.isStale(), "stale after " + op);
        }

        /** dropConsumer: true if it existed; its handles stop working. */
        private void dropConsumer() {
            String name = model.consumers.isEmpty() || random.nextInt(5) == 0 ? pick(CONSUMERS) : existingConsumer();
            boolean exists = model.consumers.containsKey(name);
            Consumer c = exists ? handle(name) : null;
            op = "dropConsumer(" + describeConsumer(name) + ")";
            assertEquals(exists, log.dropConsumer(name), op);
            model.consumers.remove(name);
            handles.remove(name);
            if (c != null) {
                String table = knownTable();
                assertThrows(IllegalStateException.class, c::position, "position of a dropped consumer");
                assertThrows(IllegalStateException.class, c::isStale, "isStale of a dropped consumer");
                assertThrows(IllegalStateException.class, () -> c.advanceTo(model.last), "advance a dropped consumer");
                assertThrows(IllegalStateException.class, () -> c.changes(table), "read a dropped consumer");
                assertThrows(IllegalStateException.class, c::reset, "reset a dropped consumer");
            }
        }

        /** purgeBefore at, or next to, a commit timestamp (retained or not), the watermark, or past everything. */
        private void purgeBefore() {
            int r = random.nextInt(100);
            long ts;
            if (r < 5) {
                ts = Long.MAX_VALUE;
            } else if (r < 9) {
                ts = r == 5 ? Long.MIN_VALUE : r == 6 ? 0 : -1;
            } else if (r < 16) {
                ts = model.last + random.nextInt(2);
            } else {
                ts = pickCommit() + random.nextInt(3) - 1;
            }
            op = "purgeBefore(" + ts + ") watermark " + model.last + " low " + model.low;
            long removed = log.purgeBefore(ts);
            saw(removed > 0 ? "purgeBefore removing" : "purgeBefore idle");
            purges++;
            assertEquals(model.purgeBefore(ts), removed, "deltas removed by " + op);
            assertEquals(model.low, log.oldestRetained(), "oldestRetained after " + op);
        }

        /** purge(): the policy's cut, computed by the model from the consumers, the clock and the counts. */
        private void purgeByPolicy() {
            Duration age = policy.maxAge();
            String pinned = "";
            if (age != null && random.nextBoolean()) {
                // Pin "now" so that the age cut lands at, or next to, a commit timestamp.
                long target = random.nextInt(10) == 0 ? model.last + 1 : pickCommit() + random.nextInt(3) - 1;
                clock.pin(target + age.toNanos() / 1000);
                pinned = " (now pinned, age cut " + target + ")";
            }
            op = "purge() under " + policy + pinned + " consumers " + model.consumers + " watermark " + model.last
                    + " low " + model.low + " total " + model.total;
            long removed;
            try {
                removed = log.purge();
            } finally {
                clock.pin(null);
            }
            purges++;
            long cut = model.policyCut(policy, clock.lastMicros());
            op += " now " + clock.lastMicros() + " -> cut " + cut + " by " + model.cutBy;
            saw("purge cut by " + model.cutBy + (removed > 0 ? "" : " (idle)"));
            assertEquals(model.purgeBefore(cut), removed, "deltas removed by " + op);
            assertEquals(model.low, log.oldestRetained(), "oldestRetained after " + op);
        }

        /** The merged reading of some deltas, from the merge module over the model's deltas, or its conflict. */
        private void checkMerged(String what, List<Delta> expected, Supplier<ChangeSet> read) {
            ChangeSet want;
            try {
                want = DeltaMerger.merge(expected, MergePolicy.STRICT).toChangeSet(model.last);
            } catch (MergeConflictException e) {
                saw("merged read: conflict");
                assertThrows(MergeConflictException.class, read::get, what + " (the model's deltas conflict)");
                return;
            }
            ChangeSet got = read.get();
            saw(want.deltas().isEmpty() ? "merged read: empty" : "merged read: deltas");
            assertEquals(model.last, got.watermark(), "watermark of " + what);
            assertEquals(want.deltas(), got.deltas(), what);
        }

        private List<Delta> expectedSet(List<String> tables, long after) {
            List<Delta> expected = new ArrayList<>();
            for (String t : new TreeSet<>(tables)) {
                expected.addAll(model.read(t, after, Long.MAX_VALUE));
            }
            expected.sort(CHANGE_SET_ORDER);
            return expected;
        }

        // ---- reads ----

        private void readRange(boolean bounded) {
            String table = knownTable();
            long after = position();
            long upTo = bounded ? position() : Long.MAX_VALUE;
            op = "changesAfter('" + table + "', " + after + (bounded ? ", " + upTo : "") + ") low " + model.low;
            if (model.readPurged(after)) {
                saw("read refused: purged");
                assertThrows(DeltasPurgedException.class, () -> log.changesAfter(table, after, upTo), op);
                assertThrows(DeltasPurgedException.class, () -> log.count(table, after, upTo), "count of " + op);
                if (!bounded) {
                    assertThrows(DeltasPurgedException.class, () -> log.changesAfter(table, after), op);
                    assertThrows(DeltasPurgedException.class, () -> log.count(table, after), "count of " + op);
                }
                return;
            }
            List<Delta> expected = model.read(table, after, upTo);
            List<Delta> actual = new ArrayList<>();
            try (DeltaCursor c = bounded ? log.changesAfter(table, after, upTo) : log.changesAfter(table, after)) {
                assertEquals(Math.min(upTo, model.last), c.upTo(), "cursor upper bound");
                c.forEach(actual::add);
            }
            assertEquals(expected, actual, op);
            long count = bounded ? log.count(table, after, upTo) : log.count(table, after);
            assertEquals(expected.size(), count, "count of " + op);
        }

        /** A cursor stays at the watermark it was opened at: a commit made while it is open is not seen. */
        private void readWhileCommitting() {
            String table = pick(new ArrayList<>(model.tracked));
            long after = position();
            if (model.readPurged(after)) {
                saw("read refused: purged");
                op = "open cursor on '" + table + "' after " + after + " below low " + model.low;
                assertThrows(DeltasPurgedException.class, () -> log.changesAfter(table, after), op);
                return;
            }
            List<Delta> expected = model.read(table, after, Long.MAX_VALUE);
            long rowId = rowId();
            Tuple image = image();
            op = "open cursor on '" + table + "' after " + after + ", recordInsert(" + rowId + ", " + image
                    + ") into it, iterate";
            List<Delta> actual = new ArrayList<>();
            try (DeltaCursor c = log.changesAfter(table, after)) {
                boolean started = random.nextBoolean() && c.hasNext();
                if (started) {
                    actual.add(c.next());
                }
                long ts = log.recordInsert(table, rowId, image);
                assertTrue(ts > model.last, "commit timestamp " + ts + " not above the previous " + model.last);
                Map<Row, DeltaOp> change = Map.of(new Row(table, rowId), new DeltaOp.Insert(image));
                model.commit(ts, change);
                checkHeard(ts, change);
                c.forEach(actual::add);
            }
            assertEquals(expected, actual, op);
        }

        private void readChangeSet() {
            List<String> tables = randomKnownTables();
            long after = position();
            boolean merged = random.nextInt(3) == 0;
            op = (merged ? "mergedChangesAfter(" : "changesAfter(") + tables + ", " + after + ") low " + model.low;
            if (model.readPurged(after)) {
                saw("read refused: purged");
                if (merged) {
                    assertThrows(DeltasPurgedException.class, () -> log.mergedChangesAfter(tables, after), op);
                } else {
                    assertThrows(DeltasPurgedException.class, () -> log.changesAfter(tables, after), op);
                }
                return;
            }
            List<Delta> expected = expectedSet(tables, after);
            if (merged) {
                checkMerged(op, expected, () -> log.mergedChangesAfter(tables, after));
                return;
            }
            ChangeSet set = log.changesAfter(tables, after);
            assertEquals(model.last, set.watermark(), "watermark of " + op);
            assertEquals(expected, set.deltas(), op);
            assertEquals(expected.size(), set.size());
        }

        private void readCount() {
            String table = knownTable();
            long after = position();
            long upTo = position();
            op = "count('" + table + "', " + after + ", " + upTo + ") low " + model.low;
            if (model.readPurged(after)) {
                saw("read refused: purged");
                assertThrows(DeltasPurgedException.class, () -> log.count(table, after, upTo), op);
                assertThrows(DeltasPurgedException.class, () -> log.count(table, after), op);
                return;
            }
            assertEquals(model.read(table, after, upTo).size(), log.count(table, after, upTo), op);
            assertEquals(model.read(table, after, Long.MAX_VALUE).size(), log.count(table, after), op);
        }

        private void readSince() {
            String table = knownTable();
            Instant since;
            long after;
            int r = random.nextInt(20);
            if (r < 3) {
                since = r == 0 ? Instant.MIN : r == 1 ? Instant.MAX : Instant.EPOCH;
                after = r == 0 ? Long.MIN_VALUE : r == 1 ? Long.MAX_VALUE : -1;
            } else {
                long micros = position();
                micros = micros == Long.MAX_VALUE || micros == Long.MIN_VALUE ? model.last + 1 : micros;
                since = Instant.ofEpochSecond(
                        Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000);
                after = micros - 1;
            }
            op = "changesSince('" + table + "', " + since + ") low " + model.low;
            if (model.purged(after)) {
                saw("read refused: purged");
                Instant from = since;
                assertThrows(DeltasPurgedException.class, () -> log.changesSince(table, from), op);
                return;
            }
            List<Delta> actual = new ArrayList<>();
            try (DeltaCursor c = log.changesSince(table, since)) {
                c.forEach(actual::add);
            }
            assertEquals(model.read(table, after, Long.MAX_VALUE), actual, op);
            for (Delta d : actual) {
                assertFalse(d.timestamp().isBefore(since), "delta before " + since + ": " + d);
            }
        }

        private void readUnknown() {
            op = "read never-tracked table";
            assertThrows(UntrackedTableException.class, () -> log.changesAfter(NEVER_TRACKED, 0L));
            assertThrows(UntrackedTableException.class, () -> log.count(NEVER_TRACKED, 0L));
            assertThrows(
                    UntrackedTableException.class,
                    () -> log.changesAfter(List.of(knownTable(), NEVER_TRACKED), model.low));
        }

        // ---- checks ----

        /** The listener heard exactly this commit, once, before commit() returned. */
        private void checkHeard(long ts, Map<Row, DeltaOp> changes) {
            assertEquals(1, heard.size(), "commits heard by the listener");
            assertEquals(ts, heard.get(0).getKey(), "timestamp heard by the listener");
            Set<Delta> expected = new HashSet<>();
            changes.forEach((row, change) -> expected.add(new Delta(row.table, row.rowId, ts, change)));
            assertEquals(expected, new HashSet<>(heard.get(0).getValue()), "deltas heard by the listener");
            assertEquals(changes.size(), heard.get(0).getValue().size());
            heard.clear();
        }

        /** After every step: the watermark, the total count, the tracked tables, and no commit heard unseen. */
        private void checkCheap() {
            assertEquals(List.of(), heard, "the listener heard a commit that the model did not make");
            assertEquals(model.last, log.lastCommitted(), "lastCommitted");
            assertEquals(model.total, log.countAll(), "countAll");
            assertEquals(new ArrayList<>(model.tracked), log.trackedTables(), "trackedTables");
            assertEquals(model.low, log.oldestRetained(), "oldestRetained");
            assertEquals(new ArrayList<>(model.consumers.keySet()), log.consumers(), "consumers");
        }

        /** Every table read in full, every count, and the multi-table change set. */
        private void checkAll() {
            checkCheap();
            for (String table : TABLES) {
                assertEquals(model.tracked.contains(table), log.isTracked(table), "isTracked " + table);
            }
            assertFalse(log.isTracked(NEVER_TRACKED));
            // Everything retained is read after the low-water mark (0 before any purge); just below it, nothing.
            long from = model.low;
            List<Delta> everything = new ArrayList<>();
            for (String table : model.deltas.keySet()) {
                List<Delta> expected = model.read(table, from, Long.MAX_VALUE);
                List<Delta> actual = new ArrayList<>();
                try (DeltaCursor c = log.changesAfter(table, from)) {
                    c.forEach(actual::add);
                }
                assertEquals(expected, actual, "all deltas of '" + table + "' after " + from);
                assertEquals(expected.size(), log.count(table, from), "count of '" + table + "'");
                if (model.low > 0) {
                    assertThrows(DeltasPurgedException.class, () -> log.changesAfter(table, from - 1), "below low");
                    assertThrows(DeltasPurgedException.class, () -> log.count(table, from - 1), "count below low");
                }
                everything.addAll(expected);
            }
            if (!model.deltas.isEmpty()) {
                everything.sort(CHANGE_SET_ORDER);
                ChangeSet set = log.changesAfter(model.deltas.keySet(), from);
                assertEquals(model.last, set.watermark(), "watermark of the change set of all tables");
                assertEquals(everything, set.deltas(), "change set of all tables");
                if (model.low > 0) {
                    assertThrows(
                            DeltasPurgedException.class,
                            () -> log.changesAfter(model.deltas.keySet(), from - 1),
                            "change set of all tables below low");
                }
            }
            assertEquals(model.low, log.stats().oldestRetained(), "stats().oldestRetained()");
            for (Map.Entry<String, Long> e : model.consumers.entrySet()) {
                Consumer c = log.consumer(e.getKey()); // exists: a handle, no change
                assertEquals(e.getValue(), c.position(), "position of consumer '" + e.getKey() + "'");
                assertEquals(model.stale(e.getKey()), c.isStale(), "isStale of consumer '" + e.getKey() + "'");
            }
            assertEquals(new ArrayList<>(model.consumers.keySet()), log.consumers(), "consumers");
        }

        // ---- generators ----

        private List<String> pickTables() {
            List<String> tracked = new ArrayList<>(model.tracked);
            Collections.shuffle(tracked, random);
            return tracked.subList(0, Math.min(tracked.size(), 1 + random.nextInt(3)));
        }

        private List<String> randomKnownTables() {
            List<String> known = new ArrayList<>(model.deltas.keySet());
            List<String> tables = new ArrayList<>();
            for (int i = 1 + random.nextInt(4); i > 0; i--) {
                tables.add(pick(known));
            }
            return tables;
        }

        /** A commit timestamp; after a purge, mostly one at or above the low-water mark. */
        private long pickCommit() {
            List<Long> commits = model.commits;
            if (commits.isEmpty()) {
                return model.last;
            }
            int from = 0;
            if (model.low > 0 && random.nextInt(4) > 0) {
                int i = Collections.binarySearch(commits, model.low);
                from = i >= 0 ? i : Math.min(-(i + 1), commits.size() - 1);
            }
            return commits.get(from + random.nextInt(commits.size() - from));
        }

        private String knownTable() {
            return pick(new ArrayList<>(model.deltas.keySet()));
        }

        private String untrackedTable() {
            List<String> untracked = new ArrayList<>();
            untracked.add(NEVER_TRACKED);
            for (String t : TABLES) {
                if (!model.tracked.contains(t)) {
                    untracked.add(t);
                }
            }
            return pick(untracked);
        }

        private <T> T pick(List<T> list) {
            return list.get(random.nextInt(list.size()));
        }

        private long rowId() {
            int r = random.nextInt(100);
            if (r < 3) {
                return r == 0 ? Long.MIN_VALUE : r == 1 ? Long.MAX_VALUE : -1;
            }
            return r < 10 ? random.nextLong() : random.nextInt(64) - 8;
        }

        /**
         * A read position: 0, a commit timestamp or a neighbour of one, the watermark, past everything, or at the
         * edge of the low-water mark.
         */
        private long position() {
            List<Long> commits = model.commits;
            int r = random.nextInt(100);
            if (r < 3) {
                return r == 0 ? Long.MIN_VALUE : -1 - random.nextInt(1000);
            }
            if (r < 15 || commits.isEmpty()) {
                return 0;
            }
            if (model.low > 0 && random.nextInt(12) == 0) {
                return model.low + random.nextInt(3) - 1; // the edge: just below the mark, at it, after it
            }
            long ts = pickCommit();
            if (r < 55) {
                return ts;
            }
            if (r < 75) {
                return random.nextBoolean() ? ts - 1 : ts + 1;
            }
            if (r < 85) {
                return model.last;
            }
            if (r < 92) {
                return random.nextBoolean() ? model.last + 1 : Long.MAX_VALUE;
            }
            long first = commits.get(0);
            return first + (long) (random.nextDouble() * (model.last - first));
        }

        /** A row image of mixed value types; sometimes one seen before, so that changes can cancel out. */
        private Tuple image() {
            if (!recentImages.isEmpty() && random.nextInt(4) == 0) {
                return pick(recentImages);
            }
            int size = random.nextInt(6);
            Object[] values = new Object[size];
            for (int i = 0; i < size; i++) {
                values[i] = value();
            }
            Tuple t = Tuple.of(values);
            if (recentImages.size() < 32) {
                recentImages.add(t);
            } else {
                recentImages.set(random.nextInt(32), t);
            }
            return t;
        }

        private Object value() {
            return switch (random.nextInt(18)) {
                case 0 -> null;
                case 1 -> random.nextBoolean();
                case 2 -> (byte) random.nextInt();
                case 3 -> (short) random.nextInt();
                case 4 -> random.nextInt();
                case 5 -> random.nextLong();
                case 6 -> random.nextInt(8) == 0 ? Float.NaN : random.nextInt(8) == 0 ? -0.0f : random.nextFloat();
                case 7 -> random.nextInt(8) == 0 ? Double.NEGATIVE_INFINITY : random.nextGaussian() * 1e6;
                case 8 -> string();
                case 9 -> {
                    byte[] b = new byte[random.nextInt(24)];
                    random.nextBytes(b);
                    yield b;
                }
                case 10 -> new BigDecimal(BigInteger.valueOf(random.nextLong()), random.nextInt(40) - 10);
                case 11 -> new BigInteger(1 + random.nextInt(160), random).subtract(BigInteger.TEN.pow(20));
                case 12 -> new UUID(random.nextLong(), random.nextLong());
                case 13 -> Instant.ofEpochSecond(random.nextInt() * 40L, random.nextInt(1_000_000_000));
                case 14 -> LocalDate.ofEpochDay(random.nextInt(2_000_000) - 1_000_000);
                case 15 -> LocalTime.ofNanoOfDay((long) (random.nextDouble() * 86_399_999_999_999L));
                case 16 -> LocalDateTime.of(
                        LocalDate.ofEpochDay(random.nextInt(100_000)), LocalTime.ofSecondOfDay(random.nextInt(86_400)));
                default -> "";
            };
        }

        private String string() {
            StringBuilder sb = new StringBuilder();
            for (int i = random.nextInt(12); i > 0; i--) {
                int r = random.nextInt(10);
                sb.appendCodePoint(r < 6 ? 'a' + random.nextInt(26) : r < 8 ? 0xE0 + random.nextInt(64) : 0x1F600 + r);
            }
            return sb.toString();
        }

        private static String describe(Row row, DeltaOp change) {
            return change.getClass().getSimpleName() + "('" + abbreviate(row.table) + "', " + row.rowId + ", "
                    + Objects.toString(change.before(), "-") + " -> " + Objects.toString(change.after(), "-") + ")";
        }

        private static String abbreviate(String table) {
            return table.length() > 20 ? table.substring(0, 8) + "...(" + table.length() + " chars)" : table;
        }
    }
}
