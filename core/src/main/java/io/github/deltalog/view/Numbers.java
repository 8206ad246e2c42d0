package io.github.deltalog.view;

import java.math.BigDecimal;
import java.math.BigInteger;

/** Conversions of tuple values for aggregation: exact decimals for sums, and orderable keys for MIN/MAX. */
final class Numbers {
    private Numbers() {}

    /** Returns a number as an exact decimal, or null for a value that is not a number. */
    static BigDecimal toDecimal(Object v) {
        if (v instanceof BigDecimal d) {
            return d;
        }
        if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
            return BigDecimal.valueOf(((Number) v).longValue());
        }
        if (v instanceof BigInteger b) {
            return new BigDecimal(b);
        }
        if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            return Double.isFinite(d) ? new BigDecimal(d) : null;
        }
        return null;
    }

    /**
     * Returns the value as it is ordered for MIN/MAX: numbers of different classes compare by value (wrapped
     * so that 2 and 2.0 are one key, with the original kept for display); others as they are.
     */
    static Comparable<?> comparable(Object v) {
        BigDecimal d = toDecimal(v);
        if (d != null) {
            return new NumberKey(d.stripTrailingZeros(), v);
        }
        if (v instanceof Comparable<?> c) {
            return c;
        }
        throw new IllegalArgumentException("values of type " + v.getClass().getName() + " have no order");
    }

    /** Returns the value a MIN/MAX key stands for. */
    static Object plain(Object key) {
        return key instanceof NumberKey k ? k.original : key;
    }

    /** A number ordered by its exact value. */
    private record NumberKey(BigDecimal value, Object original) implements Comparable<NumberKey> {
        @Override
        public int compareTo(NumberKey o) {
            return value.compareTo(o.value);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof NumberKey k && value.compareTo(k.value) == 0;
        }

        @Override
        public int hashCode() {
            return value.hashCode();
        }
    }
}
