package io.github.deltalog.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * H2's outbox images give back every decimal with its unscaled value and scale: seeded random unscaled values of 0
 * to 150 bits, both signs, at scales -10 to 40, and the edges of the 8-byte form the reader decodes without a
 * BigInteger (0, ±1, ±2^7, ±2^63 and their neighbours). Seed: {@code -Ddeltalog.jdbc.codec.seed=N}.
 */
class ValueCodecDecimalTest {
    @Test
    void decimalsComeBackWithTheirValueAndScale() throws Exception {
        long seed = Long.getLong("deltalog.jdbc.codec.seed", new SplittableRandom().nextLong());
        SplittableRandom random = new SplittableRandom(seed);
        BigInteger two63 = BigInteger.ONE.shiftLeft(63);
        BigInteger[] edges = {
            BigInteger.ZERO,
            BigInteger.ONE,
            BigInteger.ONE.negate(),
            BigInteger.valueOf(127),
            BigInteger.valueOf(128),
            BigInteger.valueOf(-128),
            BigInteger.valueOf(-129),
            BigInteger.valueOf(Long.MAX_VALUE),
            BigInteger.valueOf(Long.MIN_VALUE),
            two63,
            two63.negate().subtract(BigInteger.ONE)
        };
        for (BigInteger unscaled : edges) {
            for (int scale : new int[] {-3, 0, 2, 30}) {
                check(new BigDecimal(unscaled, scale), seed);
            }
        }
        for (int i = 0; i < 20_000; i++) {
            BigInteger unscaled = new BigInteger(random.nextInt(151), new Random(random.nextLong()));
            if (random.nextBoolean()) {
                unscaled = unscaled.negate();
            }
            check(new BigDecimal(unscaled, random.nextInt(-10, 41)), seed);
        }
    }

    private static void check(BigDecimal d, long seed) throws Exception {
        ValueCodec.Writer writer = new ValueCodec.Writer();
        writer.start(2);
        writer.value(d);
        writer.value(null);
        Object[] image = ValueCodec.decode(writer.bytes());
        BigDecimal back = (BigDecimal) image[0];
        assertEquals(d, back, () -> d + " (-Ddeltalog.jdbc.codec.seed=" + seed + ")");
        assertEquals(d.scale(), back.scale(), () -> d + " (-Ddeltalog.jdbc.codec.seed=" + seed + ")");
        assertNull(image[1], () -> "the value after " + d + " (-Ddeltalog.jdbc.codec.seed=" + seed + ")");
    }
}
