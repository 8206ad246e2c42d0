package io.github.deltalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.h2.store.fs.encrypt.FileEncrypt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Kills a committing child JVM ({@link CrashWriter}) with SIGKILL at random moments (during commits, journal
 * rotation, checkpoints, and sometimes during open and recovery) and checks the recovered log after each kill:
 * every acknowledged transaction is there and complete, no transaction is partial, the transactions present
 * are exactly a prefix of those the child attempted, and commit timestamps strictly increase, also across
 * rounds. Each round continues on the same file, after the parent has committed a few transactions of its own.
 *
 * <p>The kill comes 30-500 ms after the first ack, or (one round in ten) 0-400 ms after the child starts. The
 * child checkpoints every 5-200 ms or every 8 KiB-64 MiB of journal, so kills also land in journal rotations.
 *
 * <p>In the retention rounds the child also runs two consumers, purges (by the policy, and forced) and compacts
 * the file (so that kills also land in chunk rewrites and moves), and the
 * parent checks after each kill: every consumer's position is at or after its last acknowledged advance (ASYNC:
 * one the child set, never beyond the watermark), the low-water mark is at or after the last acknowledged purge
 * and at most the watermark, nothing at or below it is readable (reads after an older position throw
 * {@link DeltasPurgedException}, and no leftover delta is counted), every acknowledged transaction above it is
 * there and complete, and a consumer is behind the mark (and then {@link Consumer#isStale() stale}) only after
 * a forced purge. The durability changes from round to round (COMMIT, SYNC, ASYNC) on the same file.
 *
 * <p>Rounds: system property {@code deltalog.crash.rounds} (default 20; {@code mvn -Pstress} runs 1000) for
 * COMMIT, a quarter of that each for SYNC, for an encrypted log, for ASYNC (which checks the prefix property
 * only: acks may be lost) and for the retention mode. The seed is random and printed on failure;
 * {@code -Ddeltalog.crash.seed=N} replays the same workload and kill delays (the child's progress at the kill
 * still varies).
 */
class CrashRecoveryTest {
    private static final int ROUNDS = Integer.getInteger("deltalog.crash.rounds", 20);
    /** A fresh file every this many rounds, so that a stress run keeps its files small. */
    private static final int ROUNDS_PER_FILE = 50;

    @TempDir
    Path dir;

    /** The encryption password of the log, or null. */
    private String password;

    /** Whether the child also runs consumers and purges ({@link CrashWriter}'s retention mode). */
    private boolean retention;

    /** Retention mode, over all rounds: acknowledged advances, purges, forced purges, stale consumers seen. */
    private final long[] retentionFigures = new long[5];

    private static final Durability[] RETENTION_DURABILITIES = {Durability.COMMIT, Durability.SYNC, Durability.ASYNC};

    @ParameterizedTest
    @EnumSource(
            value = Durability.class,
            names = {"COMMIT", "SYNC"})
    void acknowledgedCommitsSurviveSigkill(Durability durability) throws Exception {
        // SIGKILL takes COMMIT and SYNC down the same journal path; SYNC only adds the fsync. A quarter of the
        // rounds for SYNC (and ASYNC) keeps the default build short; the stress profile runs 250 of each.
        run(durability, true, durability == Durability.COMMIT ? ROUNDS : Math.max(1, ROUNDS / 4));
    }

    @Test
    void asyncKeepsAPrefixAfterSigkill() throws Exception {
        run(Durability.ASYNC, false, Math.max(1, ROUNDS / 4));
    }

    @Test
    void encryptedLogSurvivesSigkill() throws Exception {
        password = "crash-test-password";
        run(Durability.COMMIT, true, Math.max(1, ROUNDS / 4));
    }

    @Test
    void consumersAndPurgesSurviveSigkill() throws Exception {
        retention = true;
        run(Durability.COMMIT, true, Math.max(1, ROUNDS / 4));
    }

    private void run(Durability durability, boolean acksAreDurable, int rounds) throws Exception {
        long seed = Long.getLong("deltalog.crash.seed", new Random().nextLong());
        Random random = new Random(seed);
        long started = System.nanoTime();
        Model model = null;
        for (int round = 0; round < rounds; round++) {
            if (round % ROUNDS_PER_FILE == 0) {
                model = new Model(
                        dir.resolve(durability + (password == null ? "-" : "-encrypted-")
                                + (retention ? "retention-" : "") + round + ".deltas"),
                        seed);
            }
            Durability d = retention ? RETENTION_DURABILITIES[round % RETENTION_DURABILITIES.length] : durability;
            try {
                round(model, d, retention ? d != Durability.ASYNC : acksAreDurable, random);
            } catch (Throwable t) {
                throw new AssertionError(
                        "crash test failed: durability=" + d + " encrypted=" + (password != null) + " retention="
                                + retention + " seed="
                                + seed + " round=" + round + " (replay with -Ddeltalog.crash.seed=" + seed + "): "
                                + t.getMessage(),
                        t);
            }
        }
        if (retention) {
            System.out.printf(
                    "CrashRecoveryTest retention: %d advances, %d purges (%d forced), %d compactions acknowledged; %d"
                            + " stale consumers after reopen%n",
                    retentionFigures[0],
                    retentionFigures[1],
                    retentionFigures[2],
                    retentionFigures[4],
                    retentionFigures[3]);
        }
        System.out.printf(
                "CrashRecoveryTest %s%s: %d rounds, %d transactions verified, %.1f s (seed %d)%n",
                retention ? "retention" : durability,
                password == null ? "" : " encrypted",
                rounds,
                model.nextTxno - 1,
                (System.nanoTime() - started) / 1e9,
                seed);
    }

    /** What the parent knows of the file: the next transaction number, the last timestamp, the counts. */
    private static final class Model {
        final Path file;
        final long seed;
        long nextTxno = 1;
        long lastTs;
        final Map<String, Long> counts = new HashMap<>();
        /** Retention mode: deltas per table (in {@link CrashWorkload#TABLES} order) of each commit above the mark. */
        final TreeMap<Long, int[]> retained = new TreeMap<>();
        /** Retention mode: the low-water mark and the consumer positions verified last. */
        long mark;

        final Map<String, Long> positions = new HashMap<>();

        Model(Path file, long seed) {
            this.file = file;
            this.seed = seed;
        }
    }

    private void round(Model m, Durability durability, boolean acksAreDurable, Random random) throws Exception {
        long checkpointMillis = new long[] {5, 20, 50, 200}[random.nextInt(4)];
        long checkpointBytes = new long[] {8 << 10, 256 << 10, 64 << 20}[random.nextInt(3)];
        boolean killEarly = random.nextInt(10) == 0; // during startup, open or recovery
        long delayMillis = killEarly ? random.nextInt(400) : 30 + random.nextInt(471);

        Path stdout = dir.resolve("child.out");
        Path stderr = dir.resolve("child.err");
        // Acks go to a file, not a pipe: what the child wrote before the kill is in it, whatever the timing.
        Process child = ChildJvm.start(
                "256m",
                false,
                CrashWriter.class,
                stdout,
                stderr,
                m.file.toString(),
                durability.name(),
                Long.toString(m.seed),
                Long.toString(m.nextTxno),
                Long.toString(checkpointMillis),
                Long.toString(checkpointBytes),
                password == null ? "-" : password,
                retention ? "retention" : "-");
        try {
            if (!killEarly) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (completeLines(stdout).stream().noneMatch(l -> l.startsWith("ACK"))) {
                    if (!child.isAlive() || System.nanoTime() > deadline) {
                        fail("child ended or hung before its first ack: " + Files.readString(stderr));
                    }
                    Thread.sleep(2);
                }
            }
            Thread.sleep(delayMillis);
            if (!child.isAlive()) {
                fail("child exited by itself with " + child.exitValue() + ": " + Files.readString(stderr));
            }
        } finally {
            child.destroyForcibly(); // SIGKILL on Linux
            child.waitFor();
        }
        List<String> acks = new ArrayList<>();
        List<String> retentionAcks = new ArrayList<>();
        for (String line : completeLines(stdout)) {
            if (line.startsWith("ACK")) {
                acks.add(line);
            } else if (!line.equals("READY")) {
                retentionAcks.add(line);
            }
        }
        String childErrors = Files.readString(stderr);
        assertTrue(childErrors.isBlank(), () -> "child wrote to stderr: " + childErrors);
        verify(m, parseAcks(m, acks), acksAreDurable, retentionAcks);
    }

    /** Complete lines only: a line cut by the kill has no newline and is dropped. */
    private static List<String> completeLines(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.US_ASCII);
        List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
        lines.remove(lines.size() - 1); // after the last newline: empty, or a cut line
        return lines;
    }

    /** Returns acknowledged txno → timestamp, checking that acks are consecutive and increasing. */
    private static TreeMap<Long, Long> parseAcks(Model m, List<String> acks) {
        TreeMap<Long, Long> out = new TreeMap<>();
        long expect = m.nextTxno;
        long prevTs = m.lastTs;
        for (String a : acks) {
            String[] p = a.split(" ");
            assertEquals(4, p.length, () -> "malformed ack: " + a);
            assertEquals("ok", p[3], () -> "malformed ack: " + a);
            long txno = Long.parseLong(p[1]);
            long ts = Long.parseLong(p[2]);
            assertEquals(expect, txno, "acks out of sequence");
            assertTrue(ts > prevTs, () -> "ack " + a + " has a timestamp not above the previous " + out);
            out.put(txno, ts);
            expect++;
            prevTs = ts;
        }
        return out;
    }

    private DeltaLogBuilder builder(Path file) {
        DeltaLogBuilder b = DeltaLog.builder().path(file);
        return password == null ? b : b.encryptionKey(password.toCharArray());
    }

    private void verify(Model m, TreeMap<Long, Long> acks, boolean acksAreDurable, List<String> retentionAcks)
            throws IOException {
        List<Delta> readOnly = null;
        long readOnlyMark = -1;
        long readOnlyCount = -1;
        Map<String, Long> readOnlyPositions = null;
        // Else killed before the file was made, or (encrypted) after its encryption header only: a read-only
        // open refuses such a file with CorruptLogException, and a read-write open starts it afresh.
        long unmade = password == null ? 0 : FileEncrypt.BLOCK_SIZE;
        if (Files.exists(m.file) && Files.size(m.file) > unmade) {
            try (DeltaLog log = builder(m.file).readOnly(true).open()) {
                readOnlyMark = log.oldestRetained();
                readOnly = readAfter(log, Math.max(m.lastTs, readOnlyMark));
                readOnlyPositions = positions(log);
                readOnlyCount = log.countAll();
            }
        }
        try (DeltaLog log = builder(m.file).open()) {
            for (String table : CrashWorkload.TABLES) {
                log.track(table); // the child may have died before it tracked them
            }
            long mark = log.oldestRetained();
            List<Delta> deltas = readAfter(log, Math.max(m.lastTs, mark));
            if (readOnly != null) {
                assertEquals(readOnly, deltas, "a read-only open recovered something else than a read-write open");
                assertEquals(readOnlyMark, mark, "a read-only open recovered another low-water mark");
                assertEquals(readOnlyPositions, positions(log), "a read-only open recovered other consumer positions");
                assertEquals(readOnlyCount, log.countAll(), "a read-only open counts otherwise");
            }
            // What earlier rounds verified is still there (above the mark), unchanged in number.
            for (int i = 0; i < CrashWorkload.TABLES.size(); i++) {
                String table = CrashWorkload.TABLES.get(i);
                long before = m.counts.getOrDefault(table, 0L);
                if (retention) {
                    int index = i;
                    before = mark > m.lastTs
                            ? 0
                            : m.retained.subMap(mark, false, m.lastTs, true).values().stream()
                                    .mapToLong(c -> c[index])
                                    .sum();
                }
                long expect = before;
                assertEquals(
                        expect,
                        mark > m.lastTs ? 0 : log.count(table, mark, m.lastTs),
                        () -> "deltas of " + table + " above " + mark + " and at or below " + m.lastTs + " changed");
            }
            long txno = m.nextTxno;
            Set<Long> ackedTs = new TreeSet<>(acks.values());
            ackedTs.add(m.lastTs); // where a consumer the child created before its first ack starts
            if (mark > m.lastTs) {
                // The child purged some of its own commits; it purges only what it had acknowledged.
                Long purgedTo = acks.entrySet().stream()
                        .filter(e -> e.getValue() == mark)
                        .map(Map.Entry::getKey)
                        .findFirst()
                        .orElse(null);
                assertNotNull(purgedTo, () -> "low-water mark " + mark + " is no acknowledged commit: " + acks);
                txno = purgedTo + 1;
                m.lastTs = mark;
            }
            TreeMap<Long, List<Delta>> byTs = new TreeMap<>();
            for (Delta d : deltas) {
                byTs.computeIfAbsent(d.commitTimestamp(), k -> new ArrayList<>())
                        .add(d);
            }
            for (Map.Entry<Long, List<Delta>> e : byTs.entrySet()) {
                long ts = e.getKey();
                DeltaOp firstOp = e.getValue().get(0).op();
                long found = (Long) (firstOp.after() != null ? firstOp.after() : firstOp.before()).get(0);
                long expectTxno = txno;
                assertEquals(expectTxno, found, () -> "gap: transaction " + expectTxno + " missing before " + ts);
                assertEquals(
                        sorted(expected(m, txno, ts)),
                        sorted(e.getValue()),
                        () -> "transaction " + expectTxno + " at " + ts + " is partial or wrong");
                Long acked = acks.get(txno);
                if (acked != null) {
                    assertEquals(acked, ts, "transaction " + txno + " was acknowledged with another timestamp");
                }
                for (Delta d : e.getValue()) {
                    m.counts.merge(d.table(), 1L, Long::sum);
                }
                if (retention) {
                    m.retained.put(ts, tableCounts(m.seed, txno));
                }
                assertTrue(ts > m.lastTs, "timestamps do not increase");
                m.lastTs = ts;
                txno++;
            }
            long present = txno - 1;
            if (acksAreDurable && !acks.isEmpty()) {
                assertTrue(
                        present >= acks.lastKey(),
                        () -> "acknowledged transaction " + acks.lastKey() + " lost; recovered up to " + present);
            }
            long attempted = acks.isEmpty() ? m.nextTxno : acks.lastKey() + 1;
            assertTrue(
                    present <= attempted,
                    () -> "more transactions than the child attempted: recovered up to " + present
                            + ", attempted up to " + attempted + ", acks " + acks.size() + " from " + m.nextTxno);
            assertEquals(m.lastTs, log.lastCommitted(), "watermark");
            if (retention) {
                verifyRetention(m, log, mark, ackedTs, acksAreDurable, retentionAcks);
            }
            long total = retention
                    ? m.retained.values().stream()
                            .flatMapToInt(java.util.Arrays::stream)
                            .sum()
                    : m.counts.values().stream().mapToLong(Long::longValue).sum();
            assertEquals(total, log.countAll(), "countAll");

            // The parent continues the sequence on the recovered file; the next child goes on after it.
            for (int i = 0; i < 2; i++) {
                long ts = CrashWorkload.commit(log, m.seed, txno);
                assertTrue(ts > m.lastTs, "a commit after recovery reused an old timestamp");
                for (CrashWorkload.Change c : CrashWorkload.transaction(m.seed, txno)) {
                    m.counts.merge(c.table(), 1L, Long::sum);
                }
                if (retention) {
                    m.retained.put(ts, tableCounts(m.seed, txno));
                }
                m.lastTs = ts;
                txno++;
            }
            m.nextTxno = txno;
        }
    }

    /**
     * Checks the low-water mark and the consumers after a retention round (the transactions above the mark are
     * checked already, and the model holds them), then moves the model's mark and positions on.
     */
    private void verifyRetention(
            Model m, DeltaLog log, long mark, Set<Long> ackedTs, boolean acksAreDurable, List<String> retentionAcks) {
        long lastPurge = 0;
        boolean forced = false;
        Set<Long> purgeMarks = new TreeSet<>();
        Map<String, List<Long>> advances = new HashMap<>();
        for (String a : retentionAcks) {
            String[] p = a.split(" ");
            switch (p[0]) {
                case "ADV" -> {
                    assertEquals(3, p.length, () -> "malformed ack: " + a);
                    retentionFigures[0]++;
                    advances.computeIfAbsent(p[1], k -> new ArrayList<>()).add(Long.parseLong(p[2]));
                }
                case "PURGE" -> {
                    assertEquals(2, p.length, () -> "malformed ack: " + a);
                    long purged = Long.parseLong(p[1]);
                    retentionFigures[1]++;
                    assertTrue(purged >= lastPurge, () -> "the low-water mark went back: " + retentionAcks);
                    lastPurge = purged;
                    purgeMarks.add(purged);
                }
                case "FORCE" -> {
                    forced = true;
                    retentionFigures[2]++;
                }
                case "COMPACT" -> retentionFigures[4]++;
                default -> fail("unexpected line from the child: " + a);
            }
        }
        long watermark = log.lastCommitted();
        long acked = lastPurge;
        // Purges checkpoint before they return: their mark survives whatever the durability.
        assertTrue(mark >= acked, () -> "low-water mark " + mark + " is below the acknowledged purge " + acked);
        assertTrue(mark <= watermark, () -> "low-water mark " + mark + " is beyond the watermark " + watermark);
        assertTrue(
                mark == m.mark || purgeMarks.contains(mark) || ackedTs.contains(mark) || m.retained.containsKey(mark),
                () -> "low-water mark " + mark + " is no commit timestamp");
        assertTrue(mark >= m.mark, () -> "the low-water mark went back from " + m.mark + " to " + mark);
        long retainedCount = 0;
        for (String table : CrashWorkload.TABLES) {
            if (mark > 0) {
                assertThrows(
                        DeltasPurgedException.class,
                        () -> {
                            try (DeltaCursor c = log.changesAfter(table, mark - 1)) {
                                c.forEach(d -> {});
                            }
                        },
                        () -> "read of " + table + " after " + (mark - 1) + ", below the mark " + mark);
                assertThrows(DeltasPurgedException.class, () -> log.count(table, mark - 1));
            }
            retainedCount += log.count(table, mark, watermark);
        }
        // No delta at or below the mark is left over (countAll counts every stored delta).
        assertEquals(retainedCount, log.countAll(), "deltas at or below the low-water mark " + mark + " are left");

        Set<String> names = new TreeSet<>(log.consumers());
        for (String name : advances.keySet()) {
            if (acksAreDurable) {
                assertTrue(names.contains(name), () -> "consumer " + name + " was lost");
            }
        }
        for (String name : names) {
            assertTrue(CrashWriter.CONSUMERS.contains(name), () -> "unknown consumer " + name);
            Consumer c = log.consumer(name);
            long p = c.position();
            Long before = m.positions.get(name);
            List<Long> advanced = advances.getOrDefault(name, List.of());
            String what = "consumer " + name + " at " + p + " (before " + before + ", advances " + advanced + ", mark "
                    + mark + ", watermark " + watermark + ")";
            assertTrue(p <= watermark, () -> what + ": beyond the watermark");
            assertTrue(before == null || p >= before, () -> what + ": moved back");
            // The child sets positions to watermarks: to commits it acknowledged (the ack of the advance may be
            // lost with the kill), or to the parent's last commit when it creates a consumer.
            assertTrue(
                    p == 0
                            || advanced.contains(p)
                            || (before != null && p == before)
                            || ackedTs.contains(p)
                            || m.retained.containsKey(p),
                    () -> what + ": a position the child never set");
            if (acksAreDurable && !advanced.isEmpty()) {
                long last = advanced.get(advanced.size() - 1);
                assertTrue(p >= last, () -> what + ": behind its acknowledged advance " + last);
            }
            assertEquals(mark > 0 && p < mark, c.isStale(), () -> what + ": isStale");
            retentionFigures[3] += c.isStale() ? 1 : 0;
            if (p < mark) {
                boolean wasStale = before != null && p == before && before < m.mark;
                assertTrue(forced || wasStale, () -> what + ": behind the mark without a forced purge");
            }
            m.positions.put(name, p);
        }
        m.mark = mark;
        m.retained.headMap(mark, true).clear();
    }

    private static Map<String, Long> positions(DeltaLog log) {
        Map<String, Long> out = new TreeMap<>();
        for (String name : log.consumers()) {
            out.put(name, log.consumer(name).position());
        }
        return out;
    }

    private static int[] tableCounts(long seed, long txno) {
        int[] counts = new int[CrashWorkload.TABLES.size()];
        for (CrashWorkload.Change c : CrashWorkload.transaction(seed, txno)) {
            counts[CrashWorkload.TABLES.indexOf(c.table())]++;
        }
        return counts;
    }

    private static List<Delta> readAfter(DeltaLog log, long after) {
        List<Delta> out = new ArrayList<>();
        for (String table : CrashWorkload.TABLES) {
            if (!log.isTracked(table) && log.countAll() == 0) {
                continue; // killed before the tables were tracked
            }
            try (DeltaCursor c = log.changesAfter(table, after)) {
                c.forEach(out::add);
            } catch (UntrackedTableException e) {
                // never tracked: the child died before track()
            }
        }
        return out;
    }

    private static List<Delta> expected(Model m, long txno, long ts) {
        List<Delta> out = new ArrayList<>();
        for (CrashWorkload.Change c : CrashWorkload.transaction(m.seed, txno)) {
            out.add(new Delta(c.table(), c.rowId(), ts, c.op()));
        }
        return out;
    }

    private static List<Delta> sorted(List<Delta> deltas) {
        List<Delta> out = new ArrayList<>(deltas);
        out.sort(Comparator.comparing(Delta::table).thenComparingLong(Delta::rowId));
        return out;
    }
}
