package io.github.deltalog.merge;

import static io.github.deltalog.merge.MergeOutcomes.images;
import static io.github.deltalog.merge.MergeOutcomes.outcome;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.github.deltalog.Delta;
import io.github.deltalog.DeltaOp;
import io.github.deltalog.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The merge through the primitive hash table of one table ({@link HashedMerge}) against the row-by-row hash path
 * ({@link DeltaMerger#add}) on the same seeded inputs: same merged deltas in the same order, same figures, under the
 * strict policy the same conflict; ids scattered over the longs, at both ends of them, ids that differ only in their
 * high bits (the hash must still spread them), row counts that grow the table many times and tables sized for a wrong
 * guess of the rows; a second table gives up and the chosen path still merges right. Seed: {@code -Ddeltalog.seed=N}.
 */
class HashedMergeTest {

    @Test
    void givesWhatTheRowByRowHashPathGives() {
        long seed = Long.getLong("deltalog.seed", new Random().nextLong());
        Random rnd = new Random(seed);
        String where = "seed " + seed + " (-Ddeltalog.seed=" + seed + ")";
        Tuple[] images = images();
        for (int round = 0; round < 60; round++) {
            int rows = 1 + rnd.nextInt(round < 20 ? 50 : 20_000);
            int deltas = 1 + rnd.nextInt(round < 20 ? 300 : 5 * rows + 1);
            long offset;
            long spread;
            switch (round % 5) {
                case 0 -> {
                    offset = 0;
                    spread = 0x9E3779B97F4A7C15L; // scattered over the longs, as hashed keys are
                }
                case 1 -> {
                    offset = Long.MIN_VALUE;
                    spread = 1;
                }
                case 2 -> {
                    offset = Long.MAX_VALUE - rows + 1;
                    spread = 1;
                }
                case 3 -> {
                    offset = rnd.nextLong();
                    spread = 1L << 40; // ids differ in their high bits only
                }
                default -> {
                    offset = rnd.nextLong() / 2;
                    spread = 1 + rnd.nextInt(1 << 20);
                }
            }
            int invalidOneIn = round % 4 == 0 ? 0 : 2 + rnd.nextInt(400); // 0: every chain valid
            List<Delta> input = SortedMergeTest.history(rnd, images, deltas, rows, 1, offset, spread, invalidOneIn);
            for (MergePolicy policy : MergePolicy.values()) {
                String at = where + " round " + round + " " + policy;
                Object byRow =
                        outcome(() -> new DeltaMerger(policy).addAll(input).result());
                // A table sized for no rows grows as rows come; one sized for a (wrong) guess still takes them all.
                int guess = rnd.nextBoolean() ? 0 : rnd.nextInt(2 * rows + 1);
                assertEquals(byRow, outcome(() -> taken(HashedMerge.merge(input, policy, guess), at)), at);
                assertEquals(byRow, outcome(() -> DeltaMerger.merge(input, policy)), at + " (chosen path)");
            }
        }
    }

    @Test
    void aSecondTableGivesUpAndTheChosenPathStillMerges() {
        long seed = Long.getLong("deltalog.seed", new Random().nextLong());
        Random rnd = new Random(seed);
        Tuple[] images = images();
        String at = "seed " + seed + " (-Ddeltalog.seed=" + seed + ")";
        for (int tables : new int[] {2, 3}) {
            List<Delta> input = SortedMergeTest.history(rnd, images, 20_000, 500, tables, 7, 0x9E3779B97F4A7C15L, 50);
            for (MergePolicy policy : MergePolicy.values()) {
                assertNull(HashedMerge.merge(input, policy, 500), at);
                assertEquals(
                        outcome(() -> new DeltaMerger(policy).addAll(input).result()),
                        outcome(() -> DeltaMerger.merge(input, policy)),
                        at + " " + policy);
            }
        }
        // An equal name that is another String object is the same table.
        List<Delta> sameName = new ArrayList<>(SortedMergeTest.history(rnd, images, 20_000, 500, 1, 0, 1L << 33, 0));
        sameName.add(1, new Delta(new String("orders"), -3, 1, new DeltaOp.Insert(images[0])));
        assertNotNull(HashedMerge.merge(sameName, MergePolicy.STRICT, 0), at);
    }

    @Test
    void aRowChangedOnceIsHandedBackAsItsOwnDelta() {
        Tuple[] images = images();
        List<Delta> input = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            input.add(new Delta("t", (i - 5_000L) << 32, i + 1, new DeltaOp.Insert(images[i % images.length])));
        }
        input.add(new Delta("t", -5_000L << 32, 20_000, new DeltaOp.Delete(images[0])));
        input.add(new Delta("t", -4_999L << 32, 20_001, new DeltaOp.Update(images[1], images[2])));
        MergeResult hashed = HashedMerge.merge(input, MergePolicy.STRICT, 0);
        assertNotNull(hashed);
        assertEquals(9_999, hashed.size());
        assertEquals(
                new Delta("t", -4_999L << 32, 20_001, new DeltaOp.Insert(images[2])),
                hashed.byRow().get(0));
        for (int i = 1; i < hashed.size(); i++) {
            assertSame(input.get(i + 1), hashed.byRow().get(i), "row " + i);
        }
    }

    private static MergeResult taken(MergeResult hashed, String at) {
        assertNotNull(hashed, at + ": the hashed path gave up on an input of one table");
        return hashed;
    }
}
