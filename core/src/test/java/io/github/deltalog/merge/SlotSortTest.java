package io.github.deltalog.merge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link SlotSort} against {@link Arrays#sort(long[])}, with the slots kept beside their ids; runs long enough for the
 * radix sort (ids spread evenly over the longs, some repeated, or bunched with a few far out) and short ones for the
 * quicksort, sorted in the middle of a larger array; the stable sort also keeps equal ids in their slots' order. Seed:
 * {@code -Dslotsort.seed=N}.
 */
class SlotSortTest {
    @Test
    void sortsIdsAndCarriesTheirSlots() {
        check(false);
    }

    @Test
    void stableSortKeepsEqualIdsInOrder() {
        check(true);
    }

    private static void check(boolean stable) {
        long seed = Long.getLong("slotsort.seed", new Random().nextLong());
        Random rnd = new Random(seed);
        for (int round = 0; round < 300; round++) {
            int n = rnd.nextInt(round < 100 ? 40 : round < 200 ? 5000 : 40_000);
            int margin = rnd.nextInt(3);
            long[] ids = new long[n + 2 * margin];
            int[] slots = new int[n + 2 * margin];
            int shape = rnd.nextInt(11);
            for (int i = 0; i < ids.length; i++) {
                ids[i] = switch (shape) {
                    case 0 -> rnd.nextLong();
                    case 1 -> i; // already sorted
                    case 2 -> n - i; // reversed
                    case 3 -> rnd.nextInt(5); // many equal ids
                    case 4 -> rnd.nextInt(2 * n + 1) - n; // negative and positive, few bytes differ
                    case 5 -> Long.MIN_VALUE + rnd.nextInt(3) + (rnd.nextBoolean() ? -1 : 0); // around the sign flip
                    case 6 -> i == ids.length - margin - 1 ? -1 : i / 3; // in order with repeats but the last one
                    case 7 -> (long) rnd.nextInt() << 24; // low bytes all equal
                    case 8 -> rnd.nextInt(50) == 0 ? rnd.nextLong() : rnd.nextInt(n + 1); // bunched, a few far out
                    case 9 -> rnd.nextInt(n / 2 + 1) * 0x9E3779B97F4A7C15L; // spread over the longs, repeated
                    default -> i * 0x9E3779B97F4A7C15L; // spread evenly over the longs, as hashed keys are
                };
                slots[i] = i;
            }
            long[] original = ids.clone();
            long[] expected = ids.clone();
            Arrays.sort(expected, margin, margin + n);
            if (stable) {
                SlotSort.sortStable(ids, slots, margin, margin + n);
            } else {
                SlotSort.sort(ids, slots, margin, margin + n);
            }
            String where = "seed " + seed + " round " + round + " (-Dslotsort.seed=" + seed + ")";
            assertArrayEquals(expected, ids, where);
            for (int i = 0; i < ids.length; i++) {
                assertEquals(original[slots[i]], ids[i], "slot moved with its id, " + where);
                if (stable && i > 0 && ids[i - 1] == ids[i]) {
                    assertTrue(slots[i - 1] < slots[i], "equal ids keep their order at " + i + ", " + where);
                }
            }
            assertEquals(ids.length, Arrays.stream(slots).distinct().count(), "slots are a permutation, " + where);
        }
    }
}
