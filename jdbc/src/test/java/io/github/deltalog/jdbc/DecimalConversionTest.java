package io.github.deltalog.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.deltalog.ColumnType;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * SQLite hands a DECIMAL(p,s) column's value over as a double: the relay's decimal is the one of scale s that reads
 * back as that double, else the double's shortest decimal form. Checked against the conversion through the decimal
 * string, for seeded random doubles: decimals of up to 12 digits at scales 0 to 9, raw bit patterns, values past
 * 2^50 units and the edges. Seed: {@code -Ddeltalog.jdbc.decimal.seed=N}.
 */
class DecimalConversionTest {
    @Test
    void aRealStoredDecimalGetsItsDeclaredScaleWhereExact() {
        long seed = Long.getLong("deltalog.jdbc.decimal.seed", new SplittableRandom().nextLong());
        SplittableRandom random = new SplittableRandom(seed);
        double[] edges = {0.0, -0.0, 1.0, -1.0, 0.1, 0.3, 1e-9, 123456789.12, 0x1p50, 0x1p53, 1e300, Double.MIN_VALUE};
        for (double d : edges) {
            for (int scale = -1; scale <= 10; scale++) {
                check(d, scale, seed);
            }
        }
        for (int i = 0; i < 200_000; i++) {
            int scale = random.nextInt(-1, 11);
            double d =
                    switch (random.nextInt(4)) {
                        case 0 -> BigDecimal.valueOf(
                                        random.nextLong(-999_999_999_999L, 1_000_000_000_000L), random.nextInt(10))
                                .doubleValue();
                        case 1 -> Double.longBitsToDouble(random.nextLong());
                        case 2 -> random.nextDouble(-1e6, 1e6);
                        default -> random.nextLong(-(1L << 55), 1L << 55) / 100.0;
                    };
            if (!Double.isNaN(d) && !Double.isInfinite(d)) {
                check(d, scale, seed);
            }
        }
    }

    private static void check(double d, int scale, long seed) {
        assertEquals(
                expected(d, scale),
                ValueConversions.conform(d, ColumnType.DECIMAL, scale),
                () -> d + " at scale " + scale + " (-Ddeltalog.jdbc.decimal.seed=" + seed + ")");
    }

    /**
     * The conversion by the decimal string (what the relay did before its exact shortcut): the double's string set to
     * the scale where exact, else the string's shortest form. Where JDK 17's {@code Double.toString} gives more digits
     * than the shortest that reads back (it is not always the shortest), the decimal of the scale nearest to the
     * double, if that reads back as the double and is the only one that can (below 2^50 units of the scale).
     */
    private static BigDecimal expected(double d, int scale) {
        BigDecimal viaString = BigDecimal.valueOf(d);
        if (scale >= 0) {
            try {
                return viaString.setScale(scale, RoundingMode.UNNECESSARY);
            } catch (ArithmeticException e) {
                BigDecimal nearest = new BigDecimal(d).setScale(scale, RoundingMode.HALF_EVEN);
                if (nearest.doubleValue() == d && Math.abs(d) * Math.pow(10, scale) < 0x1p49) {
                    return nearest;
                }
            }
        }
        BigDecimal s = viaString.stripTrailingZeros();
        return s.scale() < 0 ? s.setScale(0) : s;
    }
}
