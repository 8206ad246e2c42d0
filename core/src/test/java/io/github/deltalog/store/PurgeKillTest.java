package io.github.deltalog.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.github.deltalog.ChildJvm;
import io.github.deltalog.Delta;
import io.github.deltalog.DeltaCursor;
import io.github.deltalog.DeltaLog;
import io.github.deltalog.DeltaOp;
import io.github.deltalog.DeltaTransaction;
import io.github.deltalog.Tuple;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.h2.mvstore.Cursor;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills ({@code SIGKILL}) a child JVM ({@link PurgeKillChild}) while it purges a pre-filled log in partial steps
 * (each one range cut per table) and commits to the same tables, and checks each purge step is all or nothing:
 *
 * <ul>
 *   <li>in the file as the kill left it (read with a plain MVStore, before the log recovers it), each table holds
 *       exactly its pre-filled deltas after some step's mark (or all of them): never a range cut part way, which
 *       a checkpoint during a key-by-key removal would store; the stored counts match the keys;
 *   <li>after the log reopens (and finishes a step a checkpoint stored only the mark of), the low-water mark is
 *       a step's mark, at or after the last acknowledged one; every table reads exactly its pre-filled deltas above
 *       the mark, in order and intact, then every acknowledged commit of the child (and at most the one in
 *       flight); {@code count} and {@code countAll} agree with what is read.
 * </ul>
 *
 * <p>The seed is printed; {@code -Ddeltalog.purgekill.seed=N} replays the cuts, checkpoint intervals and kill delays.
 */
class PurgeKillTest {
    static final List<String> TABLES = List.of("a", "b", "c");
    private static final int TRANSACTIONS = 600;
    private static final int ROWS = 100;
    private static final int ROUNDS = 12;
    private static final int STEPS = 12;

    @TempDir
    Path dir;

    private final long[] ts = new long[TRANSACTIONS];

    @Test
    void aKillLeavesEachPartialPurgeStepWholeOrUndone() throws Exception {
        long seed = Long.getLong("deltalog.purgekill.seed", System.nanoTime());
        System.out.println("PurgeKillTest seed " + seed + " (-Ddeltalog.purgekill.seed=" + seed + ")");
        Random random = new Random(seed);
        Path base = Files.createDirectories(dir.resolve("base"));
        try (DeltaLog log = DeltaLog.open(base.resolve("log.db"))) {
            for (String t : TABLES) {
                log.track(t);
            }
            for (int n = 0; n < TRANSACTIONS; n++) {
                try (DeltaTransaction tx = log.begin()) {
                    for (int k = 0; k < ROWS; k++) {
                        tx.insert(table(n), (long) n * ROWS + k, old(n, k));
                    }
                    ts[n] = tx.commit();
                }
            }
        }
        int insidePurge = 0;
        int fileBetweenSteps = 0;
        for (int round = 0; round < ROUNDS; round++) {
            String where = "seed " + seed + ", round " + round;
            Path folder = Files.createDirectories(dir.resolve("r" + round));
            try (Stream<Path> files = Files.list(base)) {
                for (Path f : files.toList()) {
                    Files.copy(f, folder.resolve(f.getFileName()));
                }
            }
            Path file = folder.resolve("log.db");
            // Transactions 0..n-1 go with the step cutting at ts[n]; steps ascending, the last keeps some.
            TreeSet<Integer> picked = new TreeSet<>();
            while (picked.size() < STEPS) {
                picked.add(1 + random.nextInt(TRANSACTIONS - 2));
            }
            List<Integer> steps = new ArrayList<>(picked);
            List<String> lines = runAndKill(file, steps, 1 + random.nextInt(20), random.nextInt(250), where);
            Outcome o = parse(lines, steps, where);
            if (o.announced > o.acknowledged) {
                insidePurge++;
            }
            if (checkFileAsKilled(file, o, where)) {
                fileBetweenSteps++;
            }
            checkReopened(file, o, where);
        }
        System.out.printf(
                "PurgeKillTest: %d rounds, %d killed inside a purge step, %d files stored with tables at different"
                        + " steps%n",
                ROUNDS, insidePurge, fileBetweenSteps);
    }

    /** What the child acknowledged before the kill. */
    private static final class Outcome {
        /** Transactions purged by each step that was announced, in order, after a leading 0 (nothing purged). */
        final List<Integer> purgedBy = new ArrayList<>(List.of(0));

        int announced;
        int acknowledged;
        /** The child's acknowledged commits: transaction number → commit timestamp. */
        final TreeMap<Long, Long> acks = new TreeMap<>();
    }

    private List<String> runAndKill(
            Path file, List<Integer> steps, long checkpointMillis, long delayMillis, String where) throws Exception {
        Path stdout = file.resolveSibling("child.out");
        Path stderr = file.resolveSibling("child.err");
        String cuts = steps.stream().map(n -> Long.toString(ts[n])).collect(Collectors.joining(","));
        Process child = ChildJvm.start(
                "256m",
                true,
                PurgeKillChild.class,
                stdout,
                stderr,
                file.toString(),
                Long.toString(checkpointMillis),
                cuts);
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!completeLines(stdout).contains("READY")) {
                if (!child.isAlive() || System.nanoTime() > deadline) {
                    fail(where + ": child ended or hung before it was ready: " + Files.readString(stderr));
                }
                Thread.sleep(1);
            }
            Thread.sleep(delayMillis);
            if (!child.isAlive()) {
                fail(where + ": child exited by itself with " + child.exitValue() + ": " + Files.readString(stderr));
            }
        } finally {
            child.destroyForcibly(); // SIGKILL on Linux
            child.waitFor();
        }
        String errors = Files.readString(stderr);
        assertTrue(errors.isBlank(), () -> where + ": child wrote to stderr: " + errors);
        return completeLines(stdout);
    }

    /** Complete lines only: a line cut by the kill has no newline and is dropped. */
    private static List<String> completeLines(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.US_ASCII);
        List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
        lines.remove(lines.size() - 1);
        return lines;
    }

    private Outcome parse(List<String> lines, List<Integer> steps, String where) {
        Outcome o = new Outcome();
        for (String line : lines) {
            String[] p = line.split(" ");
            switch (p[0]) {
                case "CUT" -> {
                    assertEquals(ts[steps.get(o.announced)], Long.parseLong(p[1]), where + ": " + line);
                    o.purgedBy.add(steps.get(o.announced));
                    o.announced++;
                }
                case "PURGED" -> {
                    int step = o.acknowledged;
                    assertEquals(o.announced - 1, step, where + ": " + line);
                    int n = steps.get(step);
                    int before = step == 0 ? 0 : steps.get(step - 1);
                    assertEquals(ts[n - 1], Long.parseLong(p[2]), where + ": low-water mark after " + line);
                    assertEquals((long) (n - before) * ROWS, Long.parseLong(p[3]), where + ": removed by " + line);
                    o.acknowledged++;
                }
                case "ACK" -> o.acks.put(Long.parseLong(p[1]), Long.parseLong(p[2]));
                case "READY", "DONE" -> {}
                default -> fail(where + ": unexpected line " + line);
            }
        }
        return o;
    }

    /**
     * Reads the file as the kill left it: each table's pre-filled deltas must be those after one announced step
     * (a step's cut of one table is whole or absent). Returns whether tables were stored at different steps (a
     * checkpoint between two tables' cuts of one step, which the reopen completes).
     */
    private boolean checkFileAsKilled(Path file, Outcome o, String where) {
        try (MVStore raw =
                new MVStore.Builder().fileName(file.toString()).readOnly().open()) {
            MVMap<DeltaKey, byte[]> deltas = raw.openMap(
                    "deltas",
                    new MVMap.Builder<DeltaKey, byte[]>()
                            .keyType(DeltaKeyType.INSTANCE)
                            .valueType(ValueBytesType.INSTANCE));
            Map<String, TreeSet<Long>> stored = new HashMap<>();
            Map<String, Integer> tableIds = new HashMap<>();
            long keys = 0;
            Cursor<DeltaKey, byte[]> c = deltas.cursor(null);
            while (c.hasNext()) {
                DeltaKey k = c.next();
                keys++;
                if (k.rowId() >= PurgeKillChild.NEW_ROWS) {
                    continue;
                }
                int n = (int) (k.rowId() / ROWS);
                String table = table(n);
                assertEquals(ts[n], k.commitTimestamp(), where + ": stored " + k);
                Integer id = tableIds.putIfAbsent(table, k.tableId());
                assertTrue(id == null || id == k.tableId(), where + ": " + k + " in two tables");
                stored.computeIfAbsent(table, t -> new TreeSet<>()).add(k.rowId());
            }
            assertEquals(keys, deltas.sizeAsLong(), where + ": stored count");
            TreeSet<Integer> stepsSeen = new TreeSet<>();
            for (String table : TABLES) {
                TreeSet<Long> rows = stored.getOrDefault(table, new TreeSet<>());
                Integer matching = null;
                for (int purged : o.purgedBy) {
                    if (rows.equals(originalRows(table, purged))) {
                        matching = purged;
                    }
                }
                Integer found = matching;
                assertTrue(
                        found != null,
                        () -> where + ": table " + table + " stored from row " + (rows.isEmpty() ? "-" : rows.first())
                                + " (" + rows.size() + " rows): not the whole of a purge step " + o.purgedBy);
                stepsSeen.add(found);
            }
            return stepsSeen.size() > 1;
        }
    }

    private void checkReopened(Path file, Outcome o, String where) {
        try (DeltaLog log = DeltaLog.open(file)) {
            long low = log.oldestRetained();
            int purged = -1;
            for (int n : o.purgedBy) {
                if ((n == 0 ? 0 : ts[n - 1]) == low) {
                    purged = n;
                }
            }
            int p = purged;
            assertTrue(p >= 0, () -> where + ": low-water mark " + low + " is no step's mark " + o.purgedBy);
            int lastAcked = o.purgedBy.get(o.acknowledged);
            assertTrue(p >= lastAcked, where + ": mark " + low + " is before the last acknowledged step");
            long total = 0;
            long inFlight = o.acks.isEmpty() ? 0 : o.acks.lastKey() + 1;
            for (String table : TABLES) {
                List<Delta> read = new ArrayList<>();
                try (DeltaCursor c = log.changesAfter(table, low)) {
                    c.forEach(read::add);
                }
                int i = 0;
                for (int n = p; n < TRANSACTIONS; n++) {
                    if (!table(n).equals(table)) {
                        continue;
                    }
                    for (int k = 0; k < ROWS; k++, i++) {
                        String at = where + ", table " + table + ", delta " + i;
                        assertTrue(i < read.size(), at + ": missing");
                        Delta d = read.get(i);
                        assertEquals((long) n * ROWS + k, d.rowId(), at);
                        assertEquals(ts[n], d.commitTimestamp(), at);
                        assertEquals(new DeltaOp.Insert(old(n, k)), d.op(), at);
                    }
                }
                Map<Long, Integer> newRows = new HashMap<>();
                for (; i < read.size(); i++) {
                    Delta d = read.get(i);
                    String at = where + ", table " + table + ", delta " + i + " " + d;
                    long offset = d.rowId() - PurgeKillChild.NEW_ROWS;
                    assertTrue(offset >= 0, at + ": not a new row");
                    long n = offset / 10;
                    assertEquals(table((int) (n % TABLES.size())), table, at);
                    Long acked = o.acks.get(n);
                    assertTrue(acked != null ? acked == d.commitTimestamp() : n == inFlight, at + ": no such commit");
                    assertEquals(new DeltaOp.Insert(Tuple.of(n, (int) (offset % 10), "new")), d.op(), at);
                    newRows.merge(n, 1, Integer::sum);
                }
                for (long n : o.acks.keySet()) {
                    if (table((int) (n % TABLES.size())).equals(table)) {
                        assertEquals(10, newRows.getOrDefault(n, 0), where + ": acknowledged commit " + n);
                    }
                }
                assertEquals(read.size(), log.count(table, low), where + ": count of " + table);
                total += read.size();
            }
            assertEquals(total, log.countAll(), where + ": countAll (a leftover below the mark would count)");
        }
    }

    /** The pre-filled rows of a table in transactions {@code purged} and later. */
    private static TreeSet<Long> originalRows(String table, int purged) {
        TreeSet<Long> rows = new TreeSet<>();
        for (int n = purged; n < TRANSACTIONS; n++) {
            if (table(n).equals(table)) {
                for (int k = 0; k < ROWS; k++) {
                    rows.add((long) n * ROWS + k);
                }
            }
        }
        return rows;
    }

    private static String table(int n) {
        return TABLES.get(n % TABLES.size());
    }

    private static Tuple old(int n, int k) {
        return Tuple.of((long) n, k, "old");
    }
}
