package io.github.deltalog.merge;

import static io.github.deltalog.merge.MergeOutcomes.images;
import static io.github.deltalog.merge.MergeOutcomes.outcome;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.github.deltalog.Delta;
import io.github.deltalog.DeltaOp;
import io.github.deltalog.MergeConflictException;
import io.github.deltalog.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The merge in arrays indexed by row id ({@link DenseMerge}) against the hash table path ({@link DeltaMerger#add})
 * on the same seeded inputs: same merged deltas in the same order, same figures, under the strict policy the same
 * conflict; ranges at both ends of the longs, ids outside the sampled range (the range widens up and down), and
 * inputs it must give up on (ids too far apart, a second table) merged right by the chosen path all the same.
 * Seed: {@code -Ddeltalog.seed=N}.
 */
class DenseMergeTest {
    /** An input position the range sample never reads when n is 50,000 (it reads positions j * n / 1024). */
    private static final int UNSAMPLED = 1;

    @Test
    void denseIdsGiveWhatTheHashTableGives() {
        long seed = Long.getLong("deltalog.seed", new Random().nextLong());
        Random rnd = new Random(seed);
        String where = "seed " + seed + " (-Ddeltalog.seed=" + seed + ")";
        Tuple[] images = images();
        for (int round = 0; round < 60; round++) {
            int rows = 1 + rnd.nextInt(round < 20 ? 50 : 20_000);
            int deltas = 1 + rnd.nextInt(round < 20 ? 300 : 3 * rows + 1);
            long offset =
                    switch (round % 4) {
                        case 0 -> -rows / 2;
                        case 1 -> Long.MIN_VALUE;
                        case 2 -> Long.MAX_VALUE - rows + 1;
                        default -> rnd.nextLong() / 2;
                    };
            int invalidOneIn = round % 5 == 0 ? 0 : 2 + rnd.nextInt(400); // 0: every chain valid
            List<Delta> input = SortedMergeTest.history(rnd, images, deltas, rows, 1, offset, 1, invalidOneIn);
            for (MergePolicy policy : MergePolicy.values()) {
                String at = where + " round " + round + " " + policy;
                Object byHash =
                        outcome(() -> new DeltaMerger(policy).addAll(input).result());
                // Ids at most n + 4096 apart always suit; further apart they may (only the ids drawn count).
                MergeResult dense = outcomeOrNull(() -> DenseMerge.merge(input, policy));
                if (rows <= deltas + 4096 || dense != null) {
                    assertEquals(byHash, outcome(() -> taken(DenseMerge.merge(input, policy), at)), at);
                }
                assertEquals(byHash, outcome(() -> DeltaMerger.merge(input, policy)), at + " (chosen path)");
            }
        }
    }

    @Test
    void idsOutsideTheSampledRangeWidenItBothWays() {
        long seed = Long.getLong("deltalog.seed", new Random().nextLong());
        Random rnd = new Random(seed);
        Tuple[] images = images();
        for (long offset : new long[] {0, Long.MIN_VALUE + 6_000, Long.MAX_VALUE - 20_000}) {
            List<Delta> input = new ArrayList<>(SortedMergeTest.history(rnd, images, 50_000, 10_000, 1, offset, 1, 50));
            // Rows just under and above the sampled range, at positions the sample skips; each a valid insert.
            long[] outside = {offset - 100, offset + 12_000, offset - 5_000, offset + 20_000};
            for (int k = 0; k < outside.length; k++) {
                input.add(UNSAMPLED + k, new Delta("orders", outside[k], 1, new DeltaOp.Insert(images[k])));
            }
            String at = "seed " + seed + " (-Ddeltalog.seed=" + seed + ") offset " + offset;
            for (MergePolicy policy : MergePolicy.values()) {
                Object byHash =
                        outcome(() -> new DeltaMerger(policy).addAll(input).result());
                assertEquals(byHash, outcome(() -> taken(DenseMerge.merge(input, policy), at)), at + " " + policy);
            }
        }
    }

    @Test
    void idsTooFarApartOrASecondTableGiveUpAndTheChosenPathStillMerges() {
        long seed = Long.getLong("deltalog.seed", new Random().nextLong());
        Random rnd = new Random(seed);
        Tuple[] images = images();
        String at = "seed " + seed + " (-Ddeltalog.seed=" + seed + ")";
        List<Delta> far = new ArrayList<>(SortedMergeTest.history(rnd, images, 50_000, 10_000, 1, 0, 1, 0));
        far.add(UNSAMPLED, new Delta("orders", 50_000 + 4_096 + 10, 1, new DeltaOp.Insert(images[0])));
        List<Delta> farBelow = new ArrayList<>(SortedMergeTest.history(rnd, images, 50_000, 10_000, 1, 0, 1, 0));
        farBelow.add(UNSAMPLED, new Delta("orders", Long.MIN_VALUE, 1, new DeltaOp.Insert(images[0])));
        List<Delta> twoTables = new ArrayList<>(SortedMergeTest.history(rnd, images, 50_000, 10_000, 1, 0, 1, 0));
        twoTables.add(UNSAMPLED, new Delta("orders2", 5, 1, new DeltaOp.Insert(images[0])));
        List<Delta> sparse = SortedMergeTest.history(rnd, images, 50_000, 10_000, 1, 0, 1 << 10, 0);
        for (List<Delta> input : List.of(far, farBelow, twoTables, sparse)) {
            for (MergePolicy policy : MergePolicy.values()) {
                assertNull(DenseMerge.merge(input, policy), at);
                assertEquals(
                        outcome(() -> new DeltaMerger(policy).addAll(input).result()),
                        outcome(() -> DeltaMerger.merge(input, policy)),
                        at + " " + policy);
            }
        }
        // An equal name that is another String object is the same table.
        List<Delta> sameName = new ArrayList<>(SortedMergeTest.history(rnd, images, 50_000, 10_000, 1, 0, 1, 0));
        sameName.add(UNSAMPLED, new Delta(new String("orders"), 20_000, 1, new DeltaOp.Insert(images[0])));
        assertNotNull(DenseMerge.merge(sameName, MergePolicy.STRICT), at);
    }

    @Test
    void aRowChangedOnceIsHandedBackAsItsOwnDelta() {
        Tuple[] images = images();
        List<Delta> input = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            input.add(new Delta("t", -5_000L + i, i + 1, new DeltaOp.Insert(images[i % images.length])));
        }
        input.add(new Delta("t", -5_000L, 20_000, new DeltaOp.Delete(images[0])));
        input.add(new Delta("t", -4_999L, 20_001, new DeltaOp.Update(images[1], images[2])));
        MergeResult dense = DenseMerge.merge(input, MergePolicy.STRICT);
        assertNotNull(dense);
        assertEquals(9_999, dense.size());
        assertEquals(
                new Delta("t", -4_999L, 20_001, new DeltaOp.Insert(images[2])),
                dense.byRow().get(0));
        for (int i = 1; i < dense.size(); i++) {
            assertSame(input.get(i + 1), dense.byRow().get(i), "row " + i);
        }
    }

    /** The dense merge's result, null when it gave up or met a conflict. */
    private static MergeResult outcomeOrNull(Supplier<MergeResult> merge) {
        try {
            return merge.get();
        } catch (MergeConflictException e) {
            return null;
        }
    }

    private static MergeResult taken(MergeResult dense, String at) {
        assertNotNull(dense, at + ": the dense path gave up on a dense input");
        return dense;
    }
}
