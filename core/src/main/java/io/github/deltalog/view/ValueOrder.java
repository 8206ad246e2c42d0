package io.github.deltalog.view;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Comparator;

/**
 * The total order of tuple values inside views: null first, then numbers by their exact value (so MIN and MAX of
 * a column mixing Integer and Long are right), then the other types by a fixed type rank and their natural
 * order ({@code byte[]} unsigned lexicographic). Values that compare equal are equal in the sense of {@link
 * io.github.deltalog.Tuple#equals}: numbers of equal value but different class (or scale) are told apart after
 * their value, so a sorted map keyed by these values agrees with tuple equality.
 */
final class ValueOrder {
    /** The order as a comparator. */
    static final Comparator<Object> COMPARATOR = ValueOrder::compare;

    private ValueOrder() {}

    /**
     * Compares two supported values.
     *
     * @throws IllegalArgumentException for an unsupported type
     */
    static int compare(Object a, Object b) {
        if (a == b) {
            return 0;
        }
        if (a == null) {
            return -1;
        }
        if (b == null) {
            return 1;
        }
        if (a.getClass() == b.getClass()) {
            return compareSameClass(a, b);
        }
        int ra = rank(a);
        int rb = rank(b);
        if (ra <= NUMBER_RANKS && rb <= NUMBER_RANKS) {
            int c = compareNumbers(a, b);
            if (c != 0) {
                return c;
            }
            if (ra != rb) {
                return Integer.compare(ra, rb);
            }
            return compareSameNumberClass(a, b);
        }
        if (ra != rb) {
            return Integer.compare(ra, rb);
        }
        if (a instanceof byte[] x) {
            return compareBytes(x, (byte[]) b);
        }
        @SuppressWarnings("unchecked")
        Comparable<Object> ca = (Comparable<Object>) a;
        return ca.compareTo(b);
    }

    /**
     * The order of two values of one class, without ranks or conversions: what the general path gives for them
     * (numbers of one class by value, then a BigDecimal's scale; a Double or Float as {@code Double.compare} orders
     * it, -0.0 before 0.0 and NaN last).
     */
    private static int compareSameClass(Object a, Object b) {
        if (a instanceof String x) {
            return x.compareTo((String) b);
        } else if (a instanceof Long x) {
            return Long.compare(x, (Long) b);
        } else if (a instanceof Integer x) {
            return Integer.compare(x, (Integer) b);
        } else if (a instanceof BigDecimal x) {
            BigDecimal y = (BigDecimal) b;
            int c = x.compareTo(y);
            return c != 0 ? c : Integer.compare(x.scale(), y.scale());
        } else if (a instanceof Double x) {
            return Double.compare(x, (Double) b);
        } else if (a instanceof Float x) {
            return Float.compare(x, (Float) b);
        } else if (a instanceof byte[] x) {
            return compareBytes(x, (byte[]) b);
        } else if (a instanceof Short x) {
            return Short.compare(x, (Short) b);
        } else if (a instanceof Byte x) {
            return Byte.compare(x, (Byte) b);
        }
        rank(a); // refuses an unsupported type
        @SuppressWarnings("unchecked")
        Comparable<Object> ca = (Comparable<Object>) a;
        return ca.compareTo(b);
    }

    private static int compareBytes(byte[] x, byte[] y) {
        int n = Math.min(x.length, y.length);
        for (int i = 0; i < n; i++) {
            int c = Integer.compare(x[i] & 0xFF, y[i] & 0xFF);
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(x.length, y.length);
    }

    /** The number classes take ranks 0 to this one. */
    private static final int NUMBER_RANKS = 7;

    private static int rank(Object v) {
        if (v instanceof Byte) {
            return 0;
        } else if (v instanceof Short) {
            return 1;
        } else if (v instanceof Integer) {
            return 2;
        } else if (v instanceof Long) {
            return 3;
        } else if (v instanceof BigInteger) {
            return 4;
        } else if (v instanceof BigDecimal) {
            return 5;
        } else if (v instanceof Float) {
            return 6;
        } else if (v instanceof Double) {
            return 7;
        } else if (v instanceof Boolean) {
            return 10;
        } else if (v instanceof String) {
            return 11;
        } else if (v instanceof byte[]) {
            return 12;
        } else if (v instanceof java.util.UUID) {
            return 13;
        } else if (v instanceof java.time.Instant) {
            return 14;
        } else if (v instanceof java.time.LocalDate) {
            return 15;
        } else if (v instanceof java.time.LocalTime) {
            return 16;
        } else if (v instanceof java.time.LocalDateTime) {
            return 17;
        }
        throw new IllegalArgumentException(
                "unsupported value type " + v.getClass().getName());
    }

    private static int compareNumbers(Object a, Object b) {
        boolean fa = isFloating(a);
        boolean fb = isFloating(b);
        if (fa || fb) {
            double da = ((Number) a).doubleValue();
            double db = ((Number) b).doubleValue();
            if (!Double.isFinite(da) || !Double.isFinite(db)) {
                return Double.compare(da, db); // -Inf < finite < +Inf < NaN
            }
        }
        if (a instanceof Long || a instanceof Integer || a instanceof Short || a instanceof Byte) {
            if (b instanceof Long || b instanceof Integer || b instanceof Short || b instanceof Byte) {
                return Long.compare(((Number) a).longValue(), ((Number) b).longValue());
            }
        }
        return Numbers.toDecimal(a).compareTo(Numbers.toDecimal(b));
    }

    private static boolean isFloating(Object v) {
        return v instanceof Double || v instanceof Float;
    }

    private static int compareSameNumberClass(Object a, Object b) {
        if (a instanceof BigDecimal x) {
            return Integer.compare(x.scale(), ((BigDecimal) b).scale());
        }
        if (a instanceof Double x) {
            return Double.compare(x, (Double) b); // -0.0 before 0.0, as Double.equals tells them apart
        }
        if (a instanceof Float x) {
            return Float.compare(x, (Float) b);
        }
        return 0;
    }

    /** Compares two value arrays element by element; a proper prefix comes first. */
    static int compareArrays(Object[] a, Object[] b) {
        int n = Math.min(a.length, b.length);
        for (int i = 0; i < n; i++) {
            int c = compare(a[i], b[i]);
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.length, b.length);
    }
}
