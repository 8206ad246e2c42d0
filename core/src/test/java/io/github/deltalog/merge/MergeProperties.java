package io.github.deltalog.merge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.deltalog.ChangeSet;
import io.github.deltalog.Delta;
import io.github.deltalog.DeltaOp;
import io.github.deltalog.Tuple;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The merge laws of DESIGN §6 over seeded random valid histories. The seed is printed on failure; rerun one
 * case with {@code -Ddeltalog.seed=N}.
 */
class MergeProperties {
    private static final int CASES = Integer.getInteger("deltalog.merge.cases", 3000);

    private record Row(String table, long rowId) {}

    @Test
    void mergeLaws() {
        Long fixed = Long.getLong("deltalog.seed");
        long base = fixed != null ? fixed : new Random().nextLong();
        int cases = fixed != null ? 1 : CASES;
        for (int i = 0; i < cases; i++) {
            long seed = base + i;
            try {
                checkCase(new Random(seed));
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("merge law failed; reproduce with -Ddeltalog.seed=" + seed, e);
            }
        }
    }

    private static void checkCase(Random rnd) {
        Map<Row, Tuple> x = randomState(rnd);
        List<Delta> s1 = randomHistory(rnd, x, 0);
        Map<Row, Tuple> afterS1 = apply(x, s1);
        List<Delta> s2 = randomHistory(rnd, afterS1, s1.size());
        List<Delta> s = new ArrayList<>(s1);
        s.addAll(s2);
        Map<Row, Tuple> afterS = apply(x, s);

        MergeResult merged = DeltaMerger.merge(s);
        assertEquals(afterS, apply(x, merged.byRow()), "apply(X, merge(S)) = apply(X, S)");
        assertEquals(afterS, apply(x, merged.byTimestamp()), "in timestamp order too");

        Set<Row> seen = new HashSet<>();
        for (Delta d : merged.byRow()) {
            assertTrue(seen.add(new Row(d.table(), d.rowId())), "at most one delta per row: " + d);
            assertTrue(!ChainRule.isNoOp(d.op()), "no no-op in the output: " + d);
        }

        List<Delta> twice = new ArrayList<>(DeltaMerger.merge(s1).byRow());
        twice.addAll(DeltaMerger.merge(s2).byRow());
        // Timestamps may differ where a later part collapsed to nothing; the net changes may not.
        assertEquals(ops(merged.byRow()), ops(DeltaMerger.merge(twice).byRow()), "merge is associative");

        ChangeSet undo = merged.toChangeSet(0).invert();
        assertEquals(x, apply(afterS, undo.deltas()), "apply(apply(X, S), invert(merge(S))) = X");

        Map<List<Object>, Integer> weights = new HashMap<>();
        for (WeightedTuple w : merged.weighted()) {
            weights.merge(List.of(w.table(), w.rowId(), w.tuple()), w.weight(), Integer::sum);
        }
        weights.values().removeIf(v -> v == 0);
        Map<List<Object>, Integer> diff = new HashMap<>();
        afterS.forEach((r, t) -> diff.merge(List.of(r.table(), r.rowId(), t), 1, Integer::sum));
        x.forEach((r, t) -> diff.merge(List.of(r.table(), r.rowId(), t), -1, Integer::sum));
        diff.values().removeIf(v -> v == 0);
        assertEquals(diff, weights, "weights sum to the multiset difference of the states");

        long noOps = merged.stats().noOpsDropped();
        assertEquals(s.size(), merged.stats().deltasIn());
        assertEquals(merged.size(), merged.stats().deltasOut());
        assertTrue(noOps >= 0 && merged.stats().conflictsIgnored() == 0);
        assertEquals(
                merged.byRow(),
                DeltaMerger.merge(s, MergePolicy.IGNORE_LATER).byRow(),
                "both policies agree on valid histories");
    }

    private static List<List<Object>> ops(List<Delta> deltas) {
        List<List<Object>> out = new ArrayList<>();
        for (Delta d : deltas) {
            out.add(List.of(d.table(), d.rowId(), d.op()));
        }
        return out;
    }

    private static Map<Row, Tuple> randomState(Random rnd) {
        Map<Row, Tuple> x = new HashMap<>();
        int n = rnd.nextInt(6);
        for (int i = 0; i < n; i++) {
            x.put(randomRow(rnd), randomTuple(rnd));
        }
        return x;
    }

    private static Row randomRow(Random rnd) {
        return new Row(rnd.nextBoolean() ? "a" : "b", rnd.nextInt(8) - 2);
    }

    private static Tuple randomTuple(Random rnd) {
        // Few distinct images, so that chains often restore an earlier image.
        return Tuple.of(rnd.nextInt(3), rnd.nextBoolean() ? "x" : null);
    }

    /** A random history valid on state x, with timestamps after {@code firstTs}. */
    private static List<Delta> randomHistory(Random rnd, Map<Row, Tuple> x, long firstTs) {
        Map<Row, Tuple> state = new HashMap<>(x);
        List<Delta> out = new ArrayList<>();
        int n = rnd.nextInt(30);
        long ts = firstTs;
        for (int i = 0; i < n; i++) {
            if (rnd.nextInt(4) != 0) {
                ts++; // sometimes several rows share a timestamp, as in one transaction
            }
            Row row = randomRow(rnd);
            Tuple current = state.get(row);
            DeltaOp op;
            if (current == null) {
                op = new DeltaOp.Insert(randomTuple(rnd));
            } else if (rnd.nextInt(3) == 0) {
                op = new DeltaOp.Delete(current);
            } else {
                op = new DeltaOp.Update(current, randomTuple(rnd));
            }
            state.compute(row, (r, t) -> op.after());
            out.add(new Delta(row.table(), row.rowId(), ts, op));
        }
        return out;
    }

    /** Applies deltas to a state, checking that each is valid on it. */
    private static Map<Row, Tuple> apply(Map<Row, Tuple> x, List<Delta> deltas) {
        Map<Row, Tuple> state = new HashMap<>(x);
        for (Delta d : deltas) {
            Row row = new Row(d.table(), d.rowId());
            Tuple current = state.get(row);
            DeltaOp op = d.op();
            if (op instanceof DeltaOp.Insert) {
                assertEquals(null, current, "insert of an existing row " + d);
            } else {
                assertTrue(Objects.equals(current, op.before()), "before image mismatch " + d + " on " + current);
            }
            if (op.after() == null) {
                state.remove(row);
            } else {
                state.put(row, op.after());
            }
        }
        return state;
    }
}
