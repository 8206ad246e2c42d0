package io.github.deltalog.merge;

import static io.github.deltalog.merge.MergeOutcomes.images;
import static io.github.deltalog.merge.MergeOutcomes.outcome;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.deltalog.Delta;
import io.github.deltalog.DeltaOp;
import io.github.deltalog.Tuple;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The merge by sorting ({@link SortedMerge}) against the hash table path ({@link DeltaMerger#add}) on the same
 * seeded inputs: same merged deltas in the same order, same figures, and under the strict policy the same conflict.
 * Inputs mix several tables, negative, sparse and far-apart row ids, chains of every pair of operations (valid ones,
 * no-ops, equal but not identical images, and conflicting ones), short and long. Seed: {@code -Ddeltalog.seed=N}.
 */
class SortedMergeTest {
    private static final String[] TABLES = {"orders", "b", "a", "zeta"};

    private record Key(String table, long rowId) {}

    @Test
    void sortingGivesWhatTheHashTableGives() {
        long seed = Long.getLong("deltalog.seed", new Random().nextLong());
        Random rnd = new Random(seed);
        String where = "seed " + seed + " (-Ddeltalog.seed=" + seed + ")";
        Tuple[] images = images();
        for (int round = 0; round < 60; round++) {
            int rows = 1 + rnd.nextInt(round < 20 ? 50 : 20_000);
            int deltas = rnd.nextInt(round < 20 ? 200 : 3 * rows + 1);
            int tables = 1 + rnd.nextInt(TABLES.length);
            long offset =
                    switch (round % 3) {
                        case 0 -> -rows / 2;
                        case 1 -> rnd.nextLong();
                        default -> Long.MIN_VALUE / 2;
                    };
            long spread = round % 4 == 0 ? 1 : 1 + rnd.nextInt(1 << 20);
            int invalidOneIn = round % 5 == 0 ? 0 : 2 + rnd.nextInt(400); // 0: every chain valid
            List<Delta> input = history(rnd, images, deltas, rows, tables, offset, spread, invalidOneIn);
            for (MergePolicy policy : MergePolicy.values()) {
                String at = where + " round " + round + " " + policy;
                Object byHash =
                        outcome(() -> new DeltaMerger(policy).addAll(input).result());
                Object bySort = outcome(() -> SortedMerge.merge(input, policy));
                assertEquals(byHash, bySort, at);
                assertEquals(byHash, outcome(() -> DeltaMerger.merge(input, policy)), at + " (chosen path)");
            }
        }
    }

    @Test
    void anInputAlreadyInRowOrderGivesWhatTheHashTableGives() {
        long seed = Long.getLong("deltalog.seed", new Random().nextLong());
        Random rnd = new Random(seed);
        Tuple[] images = images();
        for (int round = 0; round < 20; round++) {
            int rows = 1 + rnd.nextInt(20_000);
            List<Delta> input = new ArrayList<>(
                    history(rnd, images, rnd.nextInt(3 * rows + 1), rows, 1 + round % 3, -rows / 2, 1, 0));
            input.sort(Comparator.comparingLong(Delta::rowId)); // stable: each row's chain keeps its order
            String at = "seed " + seed + " (-Ddeltalog.seed=" + seed + ") round " + round;
            for (MergePolicy policy : MergePolicy.values()) {
                Object byHash =
                        outcome(() -> new DeltaMerger(policy).addAll(input).result());
                assertEquals(byHash, outcome(() -> SortedMerge.merge(input, policy)), at + " " + policy);
            }
        }
    }

    @Test
    void aRowChangedOnceIsHandedBackAsItsOwnDelta() {
        Tuple[] images = images();
        List<Delta> input = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            input.add(new Delta("t", -5_000L + i * 3L, i + 1, new DeltaOp.Insert(images[i % images.length])));
        }
        input.add(new Delta("t", -5_000L, 20_000, new DeltaOp.Delete(images[0])));
        MergeResult bySort = SortedMerge.merge(input, MergePolicy.STRICT);
        MergeResult byHash = new DeltaMerger().addAll(input).result();
        assertEquals(9_999, bySort.size());
        Map<Delta, Boolean> given = new IdentityHashMap<>();
        input.forEach(d -> given.put(d, true));
        for (int i = 0; i < bySort.size(); i++) {
            assertSame(input.get(i + 1), bySort.byRow().get(i), "sorted path, row " + i);
            assertSame(input.get(i + 1), byHash.byRow().get(i), "hash path, row " + i);
        }
    }

    @Test
    void theSampleSendsDistinctRowsToSortingAndRepeatedRowsToTheHashTable() {
        Tuple[] images = images();
        long seed = Long.getLong("deltalog.seed", new Random().nextLong());
        Random rnd = new Random(seed);
        for (int n : new int[] {SortedMerge.MIN_DELTAS, 30_000, 300_000}) {
            assertTrue(SortedMerge.suits(history(rnd, images, n, n * 4, 2, 0, 1, 0)), "seed " + seed + ", rows 4n");
            assertFalse(SortedMerge.suits(history(rnd, images, n, n / 10, 2, 0, 1, 0)), "seed " + seed + ", rows n/10");
        }
        assertFalse(SortedMerge.suits(history(rnd, images, SortedMerge.MIN_DELTAS - 1, 1 << 20, 1, 0, 1, 0)));
    }

    /**
     * A random history: mostly changes that are valid on the row's current image (inserts, updates, no-op updates,
     * deletes, re-inserts), and about one in {@code invalidOneIn} an operation of any kind (a conflict or not).
     */
    static List<Delta> history(
            Random rnd, Tuple[] images, int deltas, int rows, int tables, long offset, long spread, int invalidOneIn) {
        Map<Key, Tuple> state = new HashMap<>();
        List<Delta> out = new ArrayList<>(deltas);
        long ts = rnd.nextInt(1000);
        for (int i = 0; i < deltas; i++) {
            Key key = new Key(TABLES[rnd.nextInt(tables)], offset + rnd.nextInt(rows) * spread);
            Tuple current = state.get(key);
            Tuple next = images[rnd.nextInt(images.length)];
            DeltaOp op;
            if (invalidOneIn > 0 && rnd.nextInt(invalidOneIn) == 0) {
                Tuple any = images[rnd.nextInt(images.length)];
                op = switch (rnd.nextInt(3)) {
                    case 0 -> new DeltaOp.Insert(next);
                    case 1 -> new DeltaOp.Update(any, next);
                    default -> new DeltaOp.Delete(any);
                };
            } else if (current == null) {
                op = new DeltaOp.Insert(next);
            } else if (rnd.nextInt(4) == 0) {
                op = new DeltaOp.Delete(current);
            } else {
                op = new DeltaOp.Update(current, rnd.nextInt(8) == 0 ? current : next);
            }
            if (op instanceof DeltaOp.Delete) {
                state.remove(key);
            } else {
                state.put(key, op.after());
            }
            ts += rnd.nextInt(3); // equal timestamps happen (one transaction)
            out.add(new Delta(key.table(), key.rowId(), ts, op));
        }
        return out;
    }
}
