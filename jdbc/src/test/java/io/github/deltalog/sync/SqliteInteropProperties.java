package io.github.deltalog.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.deltalog.ChangeSet;
import io.github.deltalog.Delta;
import io.github.deltalog.DeltaOp;
import io.github.deltalog.Tuple;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Round trips with real SQLite on random tables (integers, reals, text, blobs, NULLs): changesets and patchsets
 * recorded by the sqlite3 shell's session extension decode to the deltas of a reference model, and changesets and
 * patchsets written by deltalog apply in libsqlite3 without a conflict and give the model's rows. The seed is
 * printed on failure; rerun one case with {@code -Ddeltalog.seed=N}.
 */
class SqliteInteropProperties {
    private static final int CASES = Integer.getInteger("deltalog.sqlite.cases", 6);
    private static final String[] WORDS = {"", "a", "it's", "é", "日本", "\uD83D\uDE00", "x y", "NULL", "0"};

    @TempDir
    Path dir;

    /** A random table: name, column count (column 0 is the INTEGER PRIMARY KEY), base rows, rows after edits. */
    private record Case(String table, int columns, Map<Long, Tuple> base, Map<Long, Tuple> after, List<String> sql) {}

    @Test
    void sqliteRecordedChangesetsDecodeToTheModelsDeltas() throws Exception {
        forEachSeed((seed, i) -> {
            Case c = randomCase(new Random(seed));
            Path db = dir.resolve("rec" + i + ".db");
            StringBuilder script = new StringBuilder(schemaAndBase(c));
            if (net(c, 7L).isEmpty()) {
                return; // the shell refuses to write an empty changeset (a 3.40 quirk)
            }
            script.append(".session open main s\n.session s attach \"")
                    .append(c.table())
                    .append("\"\n");
            c.sql().forEach(s -> script.append(s).append(";\n"));
            script.append(".session s changeset ").append(dir.resolve("cs" + i)).append('\n');
            script.append(".session s patchset ").append(dir.resolve("ps" + i)).append("\n.session s close\n");
            RealSqlite.shell(db, script.toString());
            assertEquals(c.after(), RealSqlite.rows(db, c.table(), c.columns()), "the shell ran the edits");
            for (String name : new String[] {"cs" + i, "ps" + i}) {
                byte[] blob = Files.readAllBytes(dir.resolve(name));
                SqliteChangeset decoded = SqliteChangesets.decode(blob);
                assertEquals(name.startsWith("ps"), decoded.isPatchset());
                assertEquals(List.of(TableShape.of(c.table(), c.columns(), 0)), decoded.shapes(), name);
                ChangeSet deltas = decoded.toChangeSet((t, id) -> c.base().get(id), 7L);
                assertEquals(byRow(net(c, 7L)), byRow(deltas), name + ": the model's net changes");
                MapTarget target = new MapTarget();
                c.base().forEach((id, t) -> target.put(c.table(), id, t));
                new ChangeApplier(target).apply(deltas);
                assertEquals(c.after(), target.rows(c.table()), name + " applied by deltalog");
            }
        });
    }

    @Test
    void deltalogChangesetsApplyInRealSqlite() throws Exception {
        forEachSeed((seed, i) -> {
            Case c = randomCase(new Random(seed));
            ChangeSet net = net(c, 5L);
            List<TableShape> shapes = List.of(TableShape.of(c.table(), c.columns(), 0));
            for (boolean patch : new boolean[] {false, true}) {
                Path db = dir.resolve("app" + i + (patch ? "p" : "c") + ".db");
                RealSqlite.shell(db, schemaAndBase(c));
                byte[] blob =
                        patch ? SqliteChangesets.encodePatchset(net, shapes) : SqliteChangesets.encode(net, shapes);
                if (net.isEmpty()) {
                    assertEquals(0, blob.length);
                    continue;
                }
                assertEquals("0", RealSqlite.apply(db, blob, "abort"), "no conflict, SQLITE_OK");
                assertEquals(c.after(), RealSqlite.rows(db, c.table(), c.columns()), patch ? "patchset" : "changeset");
                SqliteChangeset back = SqliteChangesets.decode(blob);
                assertEquals(
                        byRow(net), byRow(back.toChangeSet((t, id) -> c.base().get(id), 5L)), "decoded back");
            }
        });
    }

    @Test
    void realSqliteReportsTheConflictsOfAStaleChangeset() throws Exception {
        Path db = dir.resolve("conflict.db");
        RealSqlite.shell(
                db,
                "CREATE TABLE t(id INTEGER PRIMARY KEY, a, b);"
                        + "INSERT INTO t VALUES(1, 'now', 1.5), (2, 'x', NULL), (3, 'y', X'01');");
        List<TableShape> shapes = List.of(TableShape.of("t", 3, 0));
        ChangeSet stale = new ChangeSet(
                List.of(
                        new Delta("t", 1, 1, new DeltaOp.Update(Tuple.of(1L, "then", 1.5), Tuple.of(1L, "new", 1.5))),
                        new Delta("t", 4, 1, new DeltaOp.Delete(Tuple.of(4L, "gone", null))),
                        new Delta("t", 2, 1, new DeltaOp.Insert(Tuple.of(2L, "dup", null)))),
                1);
        assertEquals("0 1 2 3", RealSqlite.apply(db, SqliteChangesets.encode(stale, shapes), "omit"));
        Map<Long, Tuple> rows = RealSqlite.rows(db, "t", 3);
        assertEquals(Tuple.of(1L, "now", 1.5), rows.get(1L), "the DATA conflict was omitted");
        MapTarget target = new MapTarget();
        rows.forEach((id, t) -> target.put("t", id, t));
        List<ConflictType> seen = new ArrayList<>();
        new ChangeApplier(target, c -> {
                    seen.add(c.type());
                    return Resolution.OMIT;
                })
                .apply(stale);
        assertEquals(List.of(ConflictType.DATA, ConflictType.NOTFOUND, ConflictType.CONFLICT), seen, "same as SQLite");
    }

    private interface SeedCase {
        void run(long seed, int index) throws Exception;
    }

    private static void forEachSeed(SeedCase body) throws Exception {
        Long fixed = Long.getLong("deltalog.seed");
        long base = fixed != null ? fixed : new Random().nextLong();
        int cases = fixed != null ? 1 : CASES;
        for (int i = 0; i < cases; i++) {
            long seed = base + i;
            try {
                body.run(seed, i);
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("SQLite round trip failed; reproduce with -Ddeltalog.seed=" + seed, e);
            }
        }
    }

    private static String schemaAndBase(Case c) {
        StringBuilder sql = new StringBuilder("CREATE TABLE \"" + c.table() + "\"(id INTEGER PRIMARY KEY");
        for (int col = 1; col < c.columns(); col++) {
            sql.append(", c").append(col);
        }
        sql.append(");\n");
        c.base().values().forEach(t -> sql.append(insert(c.table(), t)).append(";\n"));
        return sql.toString();
    }

    private static String insert(String table, Tuple t) {
        StringBuilder sql = new StringBuilder("INSERT INTO \"" + table + "\" VALUES(");
        for (int i = 0; i < t.size(); i++) {
            sql.append(i == 0 ? "" : ", ").append(RealSqlite.literal(t.get(i)));
        }
        return sql.append(')').toString();
    }

    private static Case randomCase(Random rnd) {
        String table = rnd.nextBoolean() ? "orders" : "line items ü";
        int columns = 2 + rnd.nextInt(4);
        Map<Long, Tuple> base = new TreeMap<>();
        int n = rnd.nextInt(15);
        for (int i = 0; i < n; i++) {
            long id = randomId(rnd);
            base.put(id, randomRow(rnd, id, columns));
        }
        Map<Long, Tuple> rows = new TreeMap<>(base);
        List<String> sql = new ArrayList<>();
        int edits = 1 + rnd.nextInt(25);
        for (int e = 0; e < edits; e++) {
            long id = rows.isEmpty() || rnd.nextInt(3) == 0
                    ? randomId(rnd)
                    : new ArrayList<>(rows.keySet()).get(rnd.nextInt(rows.size()));
            Tuple current = rows.get(id);
            if (current == null) {
                Tuple row = randomRow(rnd, id, columns);
                rows.put(id, row);
                sql.add(insert(table, row));
            } else if (rnd.nextInt(3) == 0) {
                rows.remove(id);
                sql.add("DELETE FROM \"" + table + "\" WHERE id = " + id);
            } else {
                Object[] values = current.values().toArray();
                StringBuilder set = new StringBuilder();
                for (int col = 1; col < columns; col++) {
                    if (rnd.nextBoolean()) {
                        values[col] = randomValue(rnd);
                        set.append(set.length() == 0 ? "" : ", ")
                                .append("c")
                                .append(col)
                                .append(" = ");
                        set.append(RealSqlite.literal(values[col]));
                    }
                }
                if (set.length() > 0) {
                    rows.put(id, Tuple.of(values));
                    sql.add("UPDATE \"" + table + "\" SET " + set + " WHERE id = " + id);
                }
            }
        }
        return new Case(table, columns, base, rows, sql);
    }

    private static long randomId(Random rnd) {
        switch (rnd.nextInt(10)) {
            case 0:
                return Long.MAX_VALUE - rnd.nextInt(3);
            case 1:
                return Long.MIN_VALUE + rnd.nextInt(3);
            default:
                return rnd.nextInt(60) - 10;
        }
    }

    private static Tuple randomRow(Random rnd, long id, int columns) {
        Object[] values = new Object[columns];
        values[0] = id;
        for (int col = 1; col < columns; col++) {
            values[col] = randomValue(rnd);
        }
        return Tuple.of(values);
    }

    private static Object randomValue(Random rnd) {
        switch (rnd.nextInt(5)) {
            case 0:
                return null;
            case 1:
                return rnd.nextInt(4) == 0 ? rnd.nextLong() : (long) rnd.nextInt(100) - 50;
            case 2:
                return rnd.nextInt(4) == 0 ? rnd.nextDouble() * 1e12 : (rnd.nextInt(20000) - 10000) / 8.0 + 0.5;
            case 3:
                StringBuilder s = new StringBuilder();
                for (int i = rnd.nextInt(4); i > 0; i--) {
                    s.append(WORDS[rnd.nextInt(WORDS.length)]);
                }
                return s.toString();
            default:
                byte[] b = new byte[rnd.nextInt(6)];
                rnd.nextBytes(b);
                return b;
        }
    }

    /** The net change of each row from the base to the rows after the edits, as deltas at one timestamp. */
    private static ChangeSet net(Case c, long ts) {
        List<Delta> deltas = new ArrayList<>();
        Map<Long, Tuple> all = new TreeMap<>(c.base());
        all.putAll(c.after());
        for (Long id : all.keySet()) {
            Tuple before = c.base().get(id);
            Tuple after = c.after().get(id);
            if (before == null) {
                deltas.add(new Delta(c.table(), id, ts, new DeltaOp.Insert(after)));
            } else if (after == null) {
                deltas.add(new Delta(c.table(), id, ts, new DeltaOp.Delete(before)));
            } else if (!before.equals(after)) {
                deltas.add(new Delta(c.table(), id, ts, new DeltaOp.Update(before, after)));
            }
        }
        return new ChangeSet(deltas, ts);
    }

    private static Map<Long, DeltaOp> byRow(ChangeSet changes) {
        Map<Long, DeltaOp> ops = new TreeMap<>();
        changes.forEach(d -> ops.put(d.rowId(), d.op()));
        return ops;
    }
}
