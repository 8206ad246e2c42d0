package io.github.deltalog.view;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.junit.jupiter.api.Test;

/**
 * {@link SortedLookup} answers as {@code MVMap.get} on the snapshot it was made on: ascending runs of keys
 * (present, absent, repeated, beyond both ends), keys that go back, maps of one leaf and of several levels, and
 * writes after it was made are not seen.
 */
class SortedLookupTest {
    private static final long SEED = Long.getLong("views.lookup.seed", System.nanoTime());

    @Test
    void answersAsGetOnItsSnapshot() {
        SplittableRandom rnd = new SplittableRandom(SEED);
        String msg = "seed " + SEED + " (-Dviews.lookup.seed=" + SEED + ")";
        for (int round = 0; round < 40; round++) {
            try (MVStore s =
                    new MVStore.Builder().keysPerPage(rnd.nextInt(3, 12)).open()) {
                MVMap<Long, Long> map = s.openMap("m");
                java.util.Map<Long, Long> expected = new java.util.HashMap<>();
                int size = rnd.nextInt(0, 5000);
                for (int i = 0; i < size; i++) {
                    long k = rnd.nextLong(-10_000, 10_000);
                    long v = rnd.nextLong();
                    map.put(k, v);
                    expected.put(k, v);
                }
                SortedLookup<Long, Long> lookup = new SortedLookup<>(map);
                map.put(20_001L, 1L); // after the lookup was made: not seen
                if (!expected.isEmpty()) {
                    map.remove(map.firstKey()); // likewise
                }
                List<Long> probes = new ArrayList<>();
                for (int i = rnd.nextInt(1, 3000); i > 0; i--) {
                    probes.add(rnd.nextLong(-10_100, 20_100));
                }
                if (rnd.nextBoolean()) {
                    Collections.sort(probes);
                }
                for (long k : probes) {
                    assertEquals(expected.get(k), lookup.get(k), msg + ", round " + round + ", key " + k);
                }
                assertNull(lookup.get(20_001L), msg);
                assertEquals(1L, new SortedLookup<>(map).get(20_001L), msg);
            }
        }
    }
}
