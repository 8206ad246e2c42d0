package io.github.deltalog.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.deltalog.ChangeSet;
import io.github.deltalog.Delta;
import io.github.deltalog.DeltaOp;
import io.github.deltalog.Tuple;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.h2.mvstore.MVStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The applier against a simple reference applier: random base states, random change sets with injected conflicts
 * of every type (DATA, NOTFOUND, CONFLICT, CONSTRAINT), every ready policy and a random handler, into a {@link
 * MapTarget} (with a check constraint) and an {@link MVMapTarget} reopened from its file after every apply. ABORT
 * must leave the target as it was. The seed is printed on failure; rerun one case with {@code -Ddeltalog.seed=N}.
 */
class ChangeApplierProperties {
    private static final int CASES = Integer.getInteger("deltalog.sync.cases", 200);
    private static final List<String> TABLES = List.of("orders", "items/α");
    /** The check constraint of the map target: column 0 must not be negative. */
    private static final MapTarget.RowCheck CHECK =
            (table, rowId, row) -> (Long) row.get(0) < 0 ? "CHECK (qty >= 0) failed for qty " + row.get(0) : null;

    @TempDir
    Path dir;

    private record Row(String table, long rowId) {}

    private enum Policy {
        ABORT,
        OMIT,
        REPLACE,
        LATER_WINS,
        RANDOM
    }

    @Test
    void applierMatchesReference() {
        Long fixed = Long.getLong("deltalog.seed");
        long base = fixed != null ? fixed : new Random().nextLong();
        int cases = fixed != null ? 1 : CASES;
        for (int i = 0; i < cases; i++) {
            long seed = base + i;
            try {
                checkCase(seed, dir.resolve("case" + i + ".mv"));
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("applier property failed; reproduce with -Ddeltalog.seed=" + seed, e);
            }
        }
    }

    private static void checkCase(long seed, Path file) {
        Random rnd = new Random(seed);
        Map<Row, Tuple> state = randomState(rnd);
        Map<Row, Long> localTs = new HashMap<>();
        state.keySet().forEach(r -> localTs.put(r, 1000L + rnd.nextInt(100)));
        Policy policy = Policy.values()[rnd.nextInt(Policy.values().length)];
        ConflictHandler handler = handler(policy, seed);
        RowTimestamps local = (t, id) -> localTs.getOrDefault(new Row(t, id), RowTimestamps.UNKNOWN);

        MapTarget map = new MapTarget(CHECK);
        state.forEach((r, t) -> map.put(r.table(), r.rowId(), t));
        try (MVStore store = new MVStore.Builder().fileName(file.toString()).open()) {
            MVMapTarget mv = new MVMapTarget(store, "rows:");
            state.forEach((r, t) -> mv.put(r.table(), r.rowId(), t));
            store.commit();
        }
        for (int round = 0; round < 3; round++) {
            ChangeSet changes = randomChanges(rnd, state);
            for (boolean withCheck : new boolean[] {true, false}) {
                Map<Row, Tuple> expected = new HashMap<>(withCheck ? state : mvState(file));
                ApplyResult want;
                try {
                    want = reference(expected, changes, handler, local, withCheck);
                } catch (ApplyConflictException e) {
                    want = null;
                }
                ApplyResult got;
                Map<Row, Tuple> before = withCheck ? snapshot(map) : mvState(file);
                if (withCheck) {
                    got = applyOrNull(new ChangeApplier(map, handler), changes, local);
                    assertEquals(want == null ? before : expected, snapshot(map), "map target, " + policy);
                } else {
                    try (MVStore store =
                            new MVStore.Builder().fileName(file.toString()).open()) {
                        got = applyOrNull(new ChangeApplier(new MVMapTarget(store, "rows:"), handler), changes, local);
                    }
                    assertEquals(want == null ? before : expected, mvState(file), "MVMap target, " + policy);
                }
                assertEquals(want, got, "counts, " + policy + (withCheck ? " map" : " MVMap"));
            }
            state = snapshot(map);
        }
    }

    private static ApplyResult applyOrNull(ChangeApplier applier, ChangeSet changes, RowTimestamps local) {
        try {
            return applier.apply(changes, local);
        } catch (ApplyConflictException e) {
            return null;
        }
    }

    private static ConflictHandler handler(Policy policy, long seed) {
        switch (policy) {
            case ABORT:
                return ConflictHandler.abort();
            case OMIT:
                return ConflictHandler.omit();
            case REPLACE:
                return ConflictHandler.replace();
            case LATER_WINS:
                return ConflictHandler.laterCommitWins();
            default:
                // A deterministic function of the conflict, so the reference gets the same answers.
                return c -> {
                    Resolution[] all = Resolution.values();
                    Resolution r = all[
                            Math.floorMod(
                                    Long.hashCode(seed * 31 + c.rowId())
                                            + c.type().ordinal(),
                                    3)];
                    return r == Resolution.REPLACE && c.type() == ConflictType.CONSTRAINT ? Resolution.OMIT : r;
                };
        }
    }

    /** The reference: SQLite's rules written the plainest way; REPLACE on NOTFOUND re-creates an update's row. */
    private static ApplyResult reference(
            Map<Row, Tuple> state, ChangeSet changes, ConflictHandler handler, RowTimestamps local, boolean check) {
        Map<Row, Tuple> work = new HashMap<>(state);
        long applied = 0;
        long omitted = 0;
        long replaced = 0;
        for (Delta d : changes) {
            Row row = new Row(d.table(), d.rowId());
            Tuple current = work.get(row);
            Tuple after = d.op().after();
            ConflictType type = null;
            if (d.op() instanceof DeltaOp.Insert) {
                if (current != null) {
                    type = ConflictType.CONFLICT;
                }
            } else if (current == null) {
                type = ConflictType.NOTFOUND;
            } else if (!current.equals(d.op().before())) {
                type = ConflictType.DATA;
            }
            if (type == null && local.timestampOf(d.table(), d.rowId()) >= d.commitTimestamp()) {
                type = ConflictType.DATA; // a change older than the row's local change
            }
            if (type == null && check && after != null && (Long) after.get(0) < 0) {
                type = ConflictType.CONSTRAINT;
            }
            if (type == null) {
                put(work, row, after);
                applied++;
                continue;
            }
            Resolution r =
                    handler.resolve(new Conflict(type, d, current, local.timestampOf(d.table(), d.rowId()), "x"));
            if (r == Resolution.REPLACE
                    && type != ConflictType.CONSTRAINT
                    && check
                    && after != null
                    && (Long) after.get(0) < 0) {
                r = handler.resolve(new Conflict(ConflictType.CONSTRAINT, d, current, RowTimestamps.UNKNOWN, "x"));
                type = ConflictType.CONSTRAINT;
            }
            if (r == Resolution.ABORT || (r == Resolution.REPLACE && type == ConflictType.CONSTRAINT)) {
                throw new ApplyConflictException("reference abort", null);
            } else if (r == Resolution.OMIT) {
                omitted++;
            } else {
                put(work, row, after);
                replaced++;
            }
        }
        state.clear();
        state.putAll(work);
        return new ApplyResult(applied, omitted, replaced);
    }

    private static void put(Map<Row, Tuple> state, Row row, Tuple image) {
        if (image == null) {
            state.remove(row);
        } else {
            state.put(row, image);
        }
    }

    private static Map<Row, Tuple> randomState(Random rnd) {
        Map<Row, Tuple> state = new HashMap<>();
        for (String table : TABLES) {
            int n = rnd.nextInt(20);
            for (int i = 0; i < n; i++) {
                state.put(new Row(table, rnd.nextInt(40) - 5), randomTuple(rnd, false));
            }
        }
        return state;
    }

    private static Tuple randomTuple(Random rnd, boolean mayViolate) {
        long qty = mayViolate && rnd.nextInt(8) == 0 ? -1 - rnd.nextInt(5) : rnd.nextInt(5);
        Object second = rnd.nextInt(6) == 0 ? null : "v" + rnd.nextInt(4);
        return Tuple.of(qty, second, rnd.nextBoolean() ? new byte[] {(byte) rnd.nextInt(3)} : null);
    }

    /** One change per row at most (a merged set), valid or conflicting, at increasing timestamps. */
    private static ChangeSet randomChanges(Random rnd, Map<Row, Tuple> state) {
        List<Delta> deltas = new ArrayList<>();
        Set<Row> used = new HashSet<>();
        int n = rnd.nextInt(25);
        long ts = 1000 + rnd.nextInt(100);
        for (int i = 0; i < n; i++) {
            Row row = new Row(TABLES.get(rnd.nextInt(TABLES.size())), rnd.nextInt(40) - 5);
            if (!used.add(row)) {
                continue;
            }
            Tuple current = state.get(row);
            Tuple other = randomTuple(rnd, false);
            Tuple after = randomTuple(rnd, true);
            DeltaOp op;
            int kind = rnd.nextInt(3);
            if (kind == 0) {
                op = new DeltaOp.Insert(after);
            } else {
                // Mostly the right before image; sometimes a stale one (DATA).
                Tuple before = current != null && rnd.nextInt(4) != 0 ? current : other;
                op = kind == 1 ? new DeltaOp.Update(before, after) : new DeltaOp.Delete(before);
            }
            ts += rnd.nextInt(30);
            deltas.add(new Delta(row.table(), row.rowId(), ts, op));
        }
        return new ChangeSet(deltas, ts);
    }

    private static Map<Row, Tuple> snapshot(MapTarget target) {
        Map<Row, Tuple> state = new HashMap<>();
        for (String table : TABLES) {
            target.rows(table).forEach((id, t) -> state.put(new Row(table, id), t));
        }
        return state;
    }

    private static Map<Row, Tuple> mvState(Path file) {
        Map<Row, Tuple> state = new HashMap<>();
        try (MVStore store =
                new MVStore.Builder().fileName(file.toString()).readOnly().open()) {
            MVMapTarget mv = new MVMapTarget(store, "rows:");
            for (String table : TABLES) {
                if (store.hasMap("rows:" + table)) {
                    new TreeMap<>(mv.map(table)).forEach((id, v) -> state.put(new Row(table, id), Tuple.of(v)));
                }
            }
        }
        return state;
    }

    @Test
    void abortNamesTheFirstConflictAndChangesNothing() {
        MapTarget target = new MapTarget();
        target.put("orders", 1L, Tuple.of(1L, "a"));
        ChangeSet changes = new ChangeSet(
                List.of(
                        new Delta("orders", 2L, 10L, new DeltaOp.Insert(Tuple.of(2L, "b"))),
                        new Delta("orders", 1L, 11L, new DeltaOp.Update(Tuple.of(1L, "stale"), Tuple.of(1L, "c"))),
                        new Delta("orders", 3L, 12L, new DeltaOp.Delete(Tuple.of(3L, "gone")))),
                12L);
        ApplyConflictException e =
                assertThrows(ApplyConflictException.class, () -> new ChangeApplier(target).apply(changes));
        assertEquals(ConflictType.DATA, e.conflict().type());
        assertEquals(1L, e.conflict().rowId());
        assertEquals(
                "apply aborted: DATA conflict on table 'orders' row 1: change Update[before=(1, 'stale'), after=(1, 'c')]"
                        + " committed at 11, target row (1, 'a'); nothing was applied",
                e.getMessage());
        assertEquals(Map.of(1L, Tuple.of(1L, "a")), target.rows("orders"));
    }
}
