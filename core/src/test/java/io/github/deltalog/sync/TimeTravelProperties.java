package io.github.deltalog.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.deltalog.ChangeSet;
import io.github.deltalog.Delta;
import io.github.deltalog.DeltaLog;
import io.github.deltalog.DeltaOp;
import io.github.deltalog.DeltaTransaction;
import io.github.deltalog.DeltasPurgedException;
import io.github.deltalog.Tuple;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Time travel against a reference model that keeps the rows after every commit: for random histories (with the
 * log closed and reopened in between), {@code diff(t1, t2)} turns the rows at t1 into the rows at t2 and is their
 * net difference, {@code rewind(t)} turns the current rows into the rows at t, and positions before a purge throw
 * {@link DeltasPurgedException}. Rerun one case with {@code -Ddeltalog.seed=N}.
 */
class TimeTravelProperties {
    private static final int CASES = Integer.getInteger("deltalog.timetravel.cases", 20);
    private static final List<String> TABLES = List.of("orders", "users");

    @TempDir
    Path dir;

    private record Row(String table, long rowId) {}

    @Test
    void diffAndRewindMatchTheModel() {
        Long fixed = Long.getLong("deltalog.seed");
        long base = fixed != null ? fixed : new Random().nextLong();
        int cases = fixed != null ? 1 : CASES;
        for (int i = 0; i < cases; i++) {
            long seed = base + i;
            try {
                checkCase(new Random(seed), dir.resolve("tt" + i + ".deltas"));
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("time travel failed; reproduce with -Ddeltalog.seed=" + seed, e);
            }
        }
    }

    private static void checkCase(Random rnd, Path file) {
        TreeMap<Long, Map<Row, Tuple>> history = new TreeMap<>();
        Map<Row, Tuple> rows = new HashMap<>();
        history.put(0L, new HashMap<>(rows));
        int commits = 5 + rnd.nextInt(30);
        DeltaLog open = DeltaLog.open(file);
        try {
            TABLES.forEach(open::track);
            for (int c = 0; c < commits; c++) {
                if (rnd.nextInt(8) == 0) {
                    open.close();
                    open = DeltaLog.open(file);
                }
                long ts = commit(open, rnd, rows);
                history.put(ts, new HashMap<>(rows));
                if (rnd.nextInt(4) == 0) {
                    check(open, rnd, history);
                }
            }
        } finally {
            open.close();
        }
        try (DeltaLog log = DeltaLog.open(file)) {
            for (int k = 0; k < 5; k++) {
                check(log, rnd, history);
            }
            List<Long> positions = new ArrayList<>(history.keySet());
            long cut = positions.get(1 + rnd.nextInt(positions.size() - 1));
            log.purgeBefore(cut);
            long low = log.oldestRetained();
            if (low > 0) {
                long before = history.lowerKey(low);
                assertThrows(DeltasPurgedException.class, () -> log.diff(TABLES, before, log.lastCommitted()));
                assertThrows(DeltasPurgedException.class, () -> log.rewind(TABLES, before));
            }
            assertEquals(rows, applied(rows, log.rewind(TABLES, log.lastCommitted())), "rewind to now is nothing");
        }
    }

    private static void check(DeltaLog log, Random rnd, TreeMap<Long, Map<Row, Tuple>> history) {
        List<Long> positions = new ArrayList<>(history.keySet());
        long t1 = positions.get(rnd.nextInt(positions.size()));
        long t2 = positions.get(rnd.nextInt(positions.size()));
        if (t1 > t2) {
            long x = t1;
            t1 = t2;
            t2 = x;
        }
        ChangeSet diff = log.diff(TABLES, t1, t2);
        assertEquals(history.get(t2), applied(history.get(t1), diff), "diff(" + t1 + ", " + t2 + ") applied");
        assertEquals(net(history.get(t1), history.get(t2)), byRow(diff), "diff is the net difference");
        for (Delta d : diff) {
            assertTrue(d.commitTimestamp() > t1 && d.commitTimestamp() <= t2, d.toString());
        }
        Map<Row, Tuple> now = history.lastEntry().getValue();
        assertEquals(history.get(t1), applied(now, log.rewind(TABLES, t1)), "rewind to " + t1);
    }

    private static long commit(DeltaLog log, Random rnd, Map<Row, Tuple> rows) {
        try (DeltaTransaction tx = log.begin()) {
            for (int n = 1 + rnd.nextInt(6); n > 0; n--) {
                Row row = new Row(TABLES.get(rnd.nextInt(TABLES.size())), rnd.nextInt(12));
                Tuple current = rows.get(row);
                Tuple next = Tuple.of(row.rowId(), "v" + rnd.nextInt(1000));
                if (current == null) {
                    tx.insert(row.table(), row.rowId(), next);
                    rows.put(row, next);
                } else if (rnd.nextInt(3) == 0) {
                    tx.delete(row.table(), row.rowId(), current);
                    rows.remove(row);
                } else {
                    tx.update(row.table(), row.rowId(), current, next);
                    rows.put(row, next);
                }
            }
            return tx.commit();
        }
    }

    private static Map<Row, Tuple> applied(Map<Row, Tuple> state, ChangeSet changes) {
        MapTarget target = new MapTarget();
        state.forEach((r, t) -> target.put(r.table(), r.rowId(), t));
        new ChangeApplier(target).apply(changes);
        Map<Row, Tuple> out = new HashMap<>();
        for (String table : TABLES) {
            target.rows(table).forEach((id, t) -> out.put(new Row(table, id), t));
        }
        return out;
    }

    private static Map<Row, DeltaOp> net(Map<Row, Tuple> from, Map<Row, Tuple> to) {
        Map<Row, DeltaOp> ops = new HashMap<>();
        Map<Row, Tuple> all = new HashMap<>(from);
        all.putAll(to);
        for (Row r : all.keySet()) {
            Tuple a = from.get(r);
            Tuple b = to.get(r);
            if (a == null) {
                ops.put(r, new DeltaOp.Insert(b));
            } else if (b == null) {
                ops.put(r, new DeltaOp.Delete(a));
            } else if (!a.equals(b)) {
                ops.put(r, new DeltaOp.Update(a, b));
            }
        }
        return ops;
    }

    private static Map<Row, DeltaOp> byRow(ChangeSet changes) {
        Map<Row, DeltaOp> ops = new HashMap<>();
        changes.forEach(d -> ops.put(new Row(d.table(), d.rowId()), d.op()));
        return ops;
    }
}
