package io.github.deltalog.merge;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.deltalog.Delta;
import io.github.deltalog.DeltaOp;
import io.github.deltalog.Tuple;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Merges large enough for the row table to grow many times and for the output to be radix-sorted (tens of
 * thousands of rows, negative and positive ids, two tables), against a reference that folds {@link ChainRule} per
 * row in a sorted map. Seed: {@code -Ddeltalog.seed=N}.
 */
class LargeMergeTest {
    private record Key(String table, long rowId) {}

    @Test
    void mergeOfManyRowsMatchesTheRuleFoldedPerRow() {
        long seed = Long.getLong("deltalog.seed", new Random().nextLong());
        Random rnd = new Random(seed);
        String where = "seed " + seed + " (-Ddeltalog.seed=" + seed + ")";
        Tuple[] images = new Tuple[6];
        for (int i = 0; i < images.length; i++) {
            images[i] = Tuple.of(i, i % 2 == 0 ? "even" : "odd");
        }
        for (int round = 0; round < 4; round++) {
            int rows = 1 + rnd.nextInt(40_000);
            int deltas = rnd.nextInt(3 * rows + 1);
            long offset = round % 2 == 0 ? -rows / 2 : rnd.nextLong() / 4; // ids around 0, or far apart bytes
            Map<Key, Tuple> state = new HashMap<>();
            List<Delta> input = new ArrayList<>(deltas);
            long ts = 0;
            for (int i = 0; i < deltas; i++) {
                Key key = new Key(rnd.nextBoolean() ? "b" : "a", offset + rnd.nextInt(rows) * (round < 2 ? 1 : 977L));
                Tuple current = state.get(key);
                Tuple next = images[rnd.nextInt(images.length)];
                DeltaOp op;
                if (current == null) {
                    op = new DeltaOp.Insert(next);
                    state.put(key, next);
                } else if (rnd.nextInt(4) == 0) {
                    op = new DeltaOp.Delete(current);
                    state.remove(key);
                } else {
                    op = new DeltaOp.Update(current, next);
                    state.put(key, next);
                }
                input.add(new Delta(key.table(), key.rowId(), ++ts, op));
            }
            assertEquals(reference(input), DeltaMerger.merge(input).byRow(), where + " round " + round);
        }
    }

    /** Folds each row's chain with {@link ChainRule#combine}, restarting after a chain that came to nothing. */
    private static List<Delta> reference(List<Delta> input) {
        Map<Key, DeltaOp> net = new HashMap<>();
        Map<Key, Long> latest = new HashMap<>();
        for (Delta d : input) {
            Key key = new Key(d.table(), d.rowId());
            DeltaOp earlier = net.get(key);
            DeltaOp combined = earlier == null ? d.op() : ChainRule.combine(earlier, d.op());
            if (ChainRule.isNoOp(combined)) {
                net.remove(key);
            } else {
                net.put(key, combined);
            }
            latest.put(key, d.commitTimestamp());
        }
        TreeMap<String, TreeMap<Long, Delta>> sorted = new TreeMap<>();
        net.forEach((k, op) -> sorted.computeIfAbsent(k.table(), t -> new TreeMap<>())
                .put(k.rowId(), new Delta(k.table(), k.rowId(), latest.get(k), op)));
        List<Delta> out = new ArrayList<>();
        sorted.values().forEach(m -> out.addAll(m.values()));
        return out;
    }
}
