package io.github.deltalog.view;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.Random;
import java.util.SplittableRandom;
import org.h2.mvstore.WriteBuffer;
import org.junit.jupiter.api.Test;

/**
 * Keys of decimals and strings read back equal to what was written, through each of {@link KeyType}'s read paths:
 * decimals whose unscaled value fits a long (built from it) and larger ones, strings read in place from a heap
 * buffer (also a slice that starts inside its array) or copied out of a direct one.
 */
class KeyTypeRoundTripTest {
    private static final long SEED = Long.getLong("views.keytype.seed", System.nanoTime());

    @Test
    void decimalsAndStringsReadBackEqual() {
        SplittableRandom rnd = new SplittableRandom(SEED);
        String msg = "seed " + SEED + " (-Dviews.keytype.seed=" + SEED + ")";
        for (int round = 0; round < 2000; round++) {
            Object[] parts = {decimal(rnd), string(rnd), decimal(rnd), (long) round};
            WriteBuffer w = new WriteBuffer(64);
            w.put((byte) 0x5A); // something before the key, so that a slice starts inside its array
            KeyType.INSTANCE.write(w, Key.of(parts));
            ByteBuffer written = w.getBuffer();
            written.flip();
            byte[] bytes = new byte[written.remaining()];
            written.get(bytes);

            ByteBuffer slice = ByteBuffer.wrap(bytes, 1, bytes.length - 1).slice();
            ByteBuffer direct = ByteBuffer.allocateDirect(bytes.length - 1);
            direct.put(bytes, 1, bytes.length - 1).flip();
            for (ByteBuffer in : new ByteBuffer[] {slice, direct}) {
                Key read = KeyType.INSTANCE.read(in);
                assertArrayEquals(parts, read.parts, msg + ", round " + round);
                assertEquals(0, in.remaining(), msg + ", round " + round + ": bytes left over");
                for (int i : new int[] {0, 2}) {
                    BigDecimal want = (BigDecimal) parts[i];
                    BigDecimal got = (BigDecimal) read.parts[i];
                    assertEquals(want.scale(), got.scale(), msg);
                    assertEquals(want.unscaledValue(), got.unscaledValue(), msg);
                }
            }
        }
    }

    /**
     * A decimal is written as its scale, then its unscaled value's {@link BigInteger#toByteArray} with its length,
     * whether the writer takes the long path (at most 18 digits) or the BigInteger one: the format the stored
     * states and golden files hold.
     */
    @Test
    void decimalsAreWrittenAsTheirUnscaledTwosComplement() {
        SplittableRandom rnd = new SplittableRandom(SEED);
        String msg = "seed " + SEED + " (-Dviews.keytype.seed=" + SEED + ")";
        for (int round = 0; round < 5000; round++) {
            BigDecimal d =
                    round < 40 ? BigDecimal.valueOf((round % 2 == 0 ? 1 : -1) * (1L << (round / 2)), 2) : decimal(rnd);
            WriteBuffer w = new WriteBuffer(32);
            KeyType.writeValue(w, d);
            WriteBuffer want = new WriteBuffer(32);
            byte[] unscaled = d.unscaledValue().toByteArray();
            want.put(KeyType.DECIMAL)
                    .putVarInt(d.scale())
                    .putVarInt(unscaled.length)
                    .put(unscaled);
            assertArrayEquals(bytes(want), bytes(w), msg + ", " + d);
        }
    }

    /**
     * A multiset of decimals finds every probe where {@link ValueOrder} puts it, whether the probe's unscaled
     * value fits a long or not and whatever the stored values' lengths.
     */
    @Test
    void valueCountsFindDecimalsInValueOrder() {
        SplittableRandom rnd = new SplittableRandom(SEED);
        String msg = "seed " + SEED + " (-Dviews.keytype.seed=" + SEED + ")";
        for (int round = 0; round < 300; round++) {
            int scale = rnd.nextInt(0, 3);
            java.util.TreeSet<Object> sorted = new java.util.TreeSet<>(ValueOrder.COMPARATOR);
            for (int i = 0; i < 20; i++) {
                sorted.add(decimal(rnd).setScale(scale, java.math.RoundingMode.DOWN));
            }
            Object[] values = sorted.toArray();
            int[] found = new int[values.length];
            long[] counts = new long[values.length];
            for (int i = 0; i < values.length; i++) {
                found[i] = -1;
                counts[i] = 1;
            }
            ValueCounts vc = ValueCounts.EMPTY.with(found, values, counts, values.length, new WriteBuffer(64));
            vc = ValueCounts.decode(vc.encode(), "v");
            for (int probe = 0; probe < 40; probe++) {
                BigDecimal p = decimal(rnd).setScale(scale, java.math.RoundingMode.DOWN);
                int want = java.util.Arrays.binarySearch(values, p, ValueOrder.COMPARATOR);
                assertEquals(want, vc.find(p), msg + ", probe " + p + " in " + sorted);
            }
        }
    }

    private static byte[] bytes(WriteBuffer w) {
        ByteBuffer b = w.getBuffer();
        return java.util.Arrays.copyOf(b.array(), b.position());
    }

    /** Decimals of every unscaled length from 1 to 10 bytes, both signs, the long range's ends. */
    private static BigDecimal decimal(SplittableRandom rnd) {
        int scale = rnd.nextInt(-3, 12);
        switch (rnd.nextInt(6)) {
            case 0:
                return BigDecimal.valueOf(rnd.nextBoolean() ? Long.MAX_VALUE : Long.MIN_VALUE, scale);
            case 1:
                return new BigDecimal(
                        BigInteger.valueOf(Long.MAX_VALUE).add(BigInteger.valueOf(rnd.nextInt(1, 1000))), scale);
            case 2:
                return new BigDecimal(
                        BigInteger.valueOf(Long.MIN_VALUE).subtract(BigInteger.valueOf(rnd.nextInt(1, 1000))), scale);
            default:
                int bits = rnd.nextInt(1, 80);
                BigInteger v = new BigInteger(bits, new Random(rnd.nextLong()));
                return new BigDecimal(rnd.nextBoolean() ? v.negate() : v, scale);
        }
    }

    private static String string(SplittableRandom rnd) {
        StringBuilder b = new StringBuilder();
        int n = rnd.nextInt(0, 20);
        for (int i = 0; i < n; i++) {
            b.appendCodePoint(rnd.nextInt(4) == 0 ? rnd.nextInt(0x80, 0x2FFF) : rnd.nextInt(0x20, 0x7F));
        }
        return b.toString();
    }
}
