package io.github.deltalog.merge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link SlotSort} against {@link Arrays#sort(long[])}, with the slots kept beside their ids. */
class SlotSortTest {
    @Test
    void sortsIdsAndCarriesTheirSlots() {
        long seed = new Random().nextLong();
        Random rnd = new Random(seed);
        for (int round = 0; round < 300; round++) {
            int n = rnd.nextInt(round < 100 ? 40 : 5000);
            long[] ids = new long[n];
            int[] slots = new int[n];
            int shape = rnd.nextInt(4);
            for (int i = 0; i < n; i++) {
                ids[i] = switch (shape) {
                    case 0 -> rnd.nextLong();
                    case 1 -> i; // already sorted
                    case 2 -> n - i; // reversed
                    default -> rnd.nextInt(5); // many equal ids
                };
                slots[i] = i;
            }
            long[] original = ids.clone();
            long[] expected = ids.clone();
            Arrays.sort(expected);
            SlotSort.sort(ids, slots, 0, n);
            assertArrayEquals(expected, ids, "seed " + seed + " round " + round);
            for (int i = 0; i < n; i++) {
                assertEquals(original[slots[i]], ids[i], "slot moved with its id, seed " + seed);
            }
            assertEquals(n, Arrays.stream(slots).distinct().count(), "slots are a permutation, seed " + seed);
        }
    }
}
