package io.github.deltalog.view;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.h2.mvstore.WriteBuffer;
import org.junit.jupiter.api.Test;

/**
 * The inline multiset against a sorted map: random changes of counts (new values, removed values, changed counts)
 * applied with {@link ValueCounts#with} to stored forms read back with {@link ValueCounts#decode} (decimals of
 * one scale and longs are looked up on their stored bytes, others on built values); after each
 * step size, values in order, counts and lookups equal the reference, and the bytes equal a fresh encoding of the
 * reference (the copied entries are exactly what writing them anew gives). Seed: {@code
 * -Dviews.counts.seed=N}.
 */
class ValueCountsTest {
    @Test
    void changesEqualASortedMap() {
        long seed = Long.getLong("views.counts.seed", new SplittableRandom().nextLong());
        SplittableRandom rnd = new SplittableRandom(seed);
        String why = "seed " + seed + " (rerun with -Dviews.counts.seed=" + seed + ")";
        for (int round = 0; round < 200; round++) {
            int type = rnd.nextInt(6);
            TreeMap<Object, Long> ref = new TreeMap<>(ValueOrder.COMPARATOR);
            ValueCounts counts = ValueCounts.EMPTY;
            WriteBuffer scratch = new WriteBuffer(16);
            int steps = 1 + rnd.nextInt(30);
            for (int step = 0; step < steps; step++) {
                TreeMap<Object, Long> changes = new TreeMap<>(ValueOrder.COMPARATOR);
                int n = rnd.nextInt(8);
                for (int j = 0; j < n; j++) {
                    Object v = !ref.isEmpty() && rnd.nextBoolean()
                            ? new ArrayList<>(ref.keySet()).get(rnd.nextInt(ref.size()))
                            : value(type, rnd);
                    changes.put(v, rnd.nextInt(4) == 0 ? 0L : 1L + rnd.nextInt(1000));
                }
                Object[] v = changes.keySet().toArray();
                long[] after =
                        changes.values().stream().mapToLong(Long::longValue).toArray();
                int[] found = new int[v.length];
                for (int j = 0; j < v.length; j++) {
                    found[j] = counts.find(v[j]);
                }
                counts = ValueCounts.decode(
                        counts.with(found, v, after, v.length, scratch).encode(), "v");
                for (Map.Entry<Object, Long> e : changes.entrySet()) {
                    if (e.getValue() == 0) {
                        ref.remove(e.getKey());
                    } else {
                        ref.put(e.getKey(), e.getValue());
                    }
                }
                String at = why + ", round " + round + ", step " + step;
                assertEquals(ref.size(), counts.size(), at);
                int i = 0;
                for (Map.Entry<Object, Long> e : ref.entrySet()) {
                    assertEquals(e.getKey(), counts.value(i), at);
                    assertEquals(e.getValue(), counts.count(i), at);
                    i++;
                }
                for (int j = 0; j < 5; j++) {
                    Object probe = value(type, rnd);
                    assertEquals(ref.getOrDefault(probe, 0L), counts.count(probe), at + ", count of " + probe);
                }
                assertArrayEquals(encoded(ref), counts.encode(), at);
            }
        }
    }

    @Test
    void damagedBytesFailWithTheViewsName() {
        TreeMap<Object, Long> ref = new TreeMap<>(ValueOrder.COMPARATOR);
        ref.put(5L, 2L);
        ref.put("x", 1L);
        byte[] good = encoded(ref);
        ViewException cut = assertThrows(
                ViewException.class, () -> ValueCounts.decode(java.util.Arrays.copyOf(good, good.length - 1), "v"));
        assertEquals(true, cut.getMessage().contains("view 'v'"), cut.getMessage());
        byte[] zero = good.clone();
        zero[zero.length - 1] = 0; // the last count
        assertThrows(ViewException.class, () -> ValueCounts.decode(zero, "v"));
        byte[] longer = java.util.Arrays.copyOf(good, good.length + 1);
        assertThrows(ViewException.class, () -> ValueCounts.decode(longer, "v"));
    }

    private static Object value(int type, SplittableRandom rnd) {
        return switch (type) {
            case 0 -> BigDecimal.valueOf(rnd.nextInt(2000) - 1000, rnd.nextInt(3));
            case 1 -> (long) rnd.nextInt(500) - 250;
            case 2 -> "s" + rnd.nextInt(300);
            case 3 -> rnd.nextInt(100) / 4.0;
                // unscaled values of 1 to 10 bytes either side of 0, mostly of one scale: compared on their bytes
            case 5 -> new BigDecimal(
                    BigInteger.valueOf(rnd.nextLong() >> rnd.nextInt(64))
                            .multiply(BigInteger.valueOf(rnd.nextInt(300) - 150)),
                    rnd.nextInt(8) == 0 ? 3 : 2);
            default -> rnd.nextBoolean() ? (Object) (long) rnd.nextInt(100) : (Object) ("t" + rnd.nextInt(100));
        };
    }

    /** The stored form of a sorted multiset, written entry by entry. */
    private static byte[] encoded(TreeMap<Object, Long> ref) {
        WriteBuffer w = new WriteBuffer(64);
        w.putVarInt(ref.size());
        List<Map.Entry<Object, Long>> entries = new ArrayList<>(ref.entrySet());
        for (Map.Entry<Object, Long> e : entries) {
            KeyType.writeValue(w, e.getKey());
            w.putVarLong(e.getValue());
        }
        return java.util.Arrays.copyOf(w.getBuffer().array(), w.getBuffer().position());
    }
}
