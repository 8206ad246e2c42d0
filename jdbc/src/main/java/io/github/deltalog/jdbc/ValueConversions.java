package io.github.deltalog.jdbc;

import io.github.deltalog.ColumnType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.UUID;

/**
 * Brings a tuple value (as {@link Values} makes of a driver's value) to a column's log type, where that loses
 * nothing. SQLite types values, not columns, so an SQLite column may hold values of several storage classes
 * (sqlite-jdbc returns Integer or Long by magnitude for INTEGER, Double for REAL, String for TEXT, byte[] for
 * BLOB); and a table in one database read with the log types of a table captured from another meets the other
 * database's classes. Capture reads SQLite's values through it, and so does a sync target built from metadata
 * ({@link JdbcTables}), so both see the same values. Stateless.
 *
 * <p>Decimals: with a known scale (a column declared {@code DECIMAL(p,s)}) a decimal gets that scale where exact;
 * without one, its shortest form (no trailing zeros, scale at least 0). Dates and times read from text parse ISO-8601
 * (a timestamp with {@code T} or a space); written as text, a timestamp uses a space, as SQLite's
 * {@code datetime()} does.
 */
final class ValueConversions {
    /** The largest magnitude up to which every long is exactly a double. */
    private static final long EXACT_DOUBLE = 1L << 53;

    /** {@code 2024-01-02 03:04:05}, then the fraction of a second with as many digits as it needs. */
    static final DateTimeFormatter SQL_TIMESTAMP = new DateTimeFormatterBuilder()
            .append(DateTimeFormatter.ISO_LOCAL_DATE)
            .appendLiteral(' ')
            .appendPattern("HH:mm:ss")
            .appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true)
            .toFormatter();

    private ValueConversions() {}

    /**
     * Converts a non-null value to a type.
     *
     * @param v a tuple value, not null
     * @param type the column's log type
     * @param scale the column's decimal scale, or -1 if unknown
     * @return the value as that type, or null if it has no lossless form of it
     */
    static Object conform(Object v, ColumnType type, int scale) {
        if (type == ColumnType.DECIMAL) {
            if (v instanceof Double x && scale >= 0 && scale < POWERS_OF_TEN.length) {
                BigDecimal exact = atScale(x, scale);
                if (exact != null) {
                    return exact;
                }
            }
            BigDecimal d = decimal(v);
            return d == null ? null : scaled(d, scale);
        }
        if (type.javaType().isInstance(v)) {
            return v;
        }
        try {
            return switch (type) {
                case LONG, INT, SHORT, BYTE -> integral(v, type);
                case DOUBLE -> v instanceof Float f
                        ? Double.valueOf(f)
                        : isIntegral(v) && Math.abs(((Number) v).longValue()) <= EXACT_DOUBLE
                                ? Double.valueOf(((Number) v).longValue())
                                : null;
                case FLOAT -> v instanceof Double d && (double) d.floatValue() == d
                        ? Float.valueOf(d.floatValue())
                        : null;
                case BOOLEAN -> isIntegral(v) && (((Number) v).longValue() & ~1L) == 0
                        ? Boolean.valueOf(((Number) v).longValue() == 1)
                        : null;
                case STRING -> text(v);
                case BYTES -> v instanceof String s ? s.getBytes(StandardCharsets.UTF_8) : null;
                case BIG_INTEGER -> isIntegral(v) ? BigInteger.valueOf(((Number) v).longValue()) : null;
                case UUID -> v instanceof String s ? UUID.fromString(s) : null;
                case DATE -> v instanceof String s ? LocalDate.parse(s) : null;
                case TIME -> v instanceof String s ? LocalTime.parse(s) : null;
                case TIMESTAMP -> v instanceof String s
                        ? LocalDateTime.parse(s.length() > 10 && s.charAt(10) == ' ' ? s.replace(' ', 'T') : s)
                        : null;
                default -> null;
            };
        } catch (DateTimeParseException | IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * Converts a tuple value to what sqlite-jdbc stores faithfully: java.time values and UUIDs as text (the
     * driver would write {@code toString()}, a timestamp with a {@code T}), the rest as it is.
     *
     * @param v a tuple value, not null
     * @return the value to bind
     */
    static Object toSqlite(Object v) {
        if (v instanceof LocalDateTime t) {
            return SQL_TIMESTAMP.format(t);
        }
        if (v instanceof LocalDate || v instanceof LocalTime || v instanceof UUID || v instanceof BigInteger) {
            return v.toString();
        }
        if (v instanceof Byte || v instanceof Short) {
            return ((Number) v).intValue();
        }
        return v;
    }

    private static boolean isIntegral(Object v) {
        return v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte;
    }

    private static Object integral(Object v, ColumnType type) {
        long l;
        if (isIntegral(v)) {
            l = ((Number) v).longValue();
        } else if (v instanceof BigDecimal d) {
            try {
                l = d.longValueExact();
            } catch (ArithmeticException e) {
                return null;
            }
        } else {
            return null;
        }
        return switch (type) {
            case LONG -> l;
            case INT -> l == (int) l ? Integer.valueOf((int) l) : null;
            case SHORT -> l == (short) l ? Short.valueOf((short) l) : null;
            default -> l == (byte) l ? Byte.valueOf((byte) l) : null;
        };
    }

    private static final double[] POWERS_OF_TEN = {1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9};

    /**
     * The decimal of {@code scale} fraction digits that is {@code d} when read as a double, without the decimal
     * string {@code BigDecimal.valueOf(double)} formats (profiled: most of the relay's conversions of SQLite's
     * REAL-stored decimals): below 2<sup>50</sup> units of the scale a double's rounding interval holds at most one
     * such decimal, so this is exactly what the string, set to the scale, gives. Null if there is none or the value
     * is too large (then the general path decides).
     */
    private static BigDecimal atScale(double d, int scale) {
        double units = d * POWERS_OF_TEN[scale];
        if (!(Math.abs(units) < 0x1p50)) {
            return null;
        }
        BigDecimal candidate = BigDecimal.valueOf(Math.round(units), scale);
        // doubleValue() is correctly rounded: the candidate reads back as d only if it is that decimal.
        return candidate.doubleValue() == d ? candidate : null;
    }

    private static BigDecimal decimal(Object v) {
        if (v instanceof BigDecimal d) {
            return d;
        }
        if (isIntegral(v)) {
            return BigDecimal.valueOf(((Number) v).longValue());
        }
        if (v instanceof BigInteger i) {
            return new BigDecimal(i);
        }
        if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            return Double.isInfinite(d) || Double.isNaN(d) ? null : BigDecimal.valueOf(d);
        }
        if (v instanceof String s) {
            try {
                return new BigDecimal(s.trim());
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    private static BigDecimal scaled(BigDecimal d, int scale) {
        if (scale >= 0) {
            try {
                return d.setScale(scale, RoundingMode.UNNECESSARY);
            } catch (ArithmeticException e) {
                // More digits than the declared scale (SQLite does not enforce it): the value as it is.
            }
        }
        BigDecimal s = d.stripTrailingZeros();
        return s.scale() < 0 ? s.setScale(0) : s;
    }

    private static String text(Object v) {
        if (v instanceof LocalDateTime t) {
            return SQL_TIMESTAMP.format(t);
        }
        if (v instanceof byte[]) {
            return null;
        }
        return v.toString();
    }

    /**
     * Describes a value for a message: its class and a short form.
     *
     * @param v a value
     * @return e.g. {@code String 'abc'}
     */
    static String describe(Object v) {
        if (v instanceof byte[] b) {
            return "a byte[] of " + b.length + " bytes";
        }
        String s = String.valueOf(v);
        return v.getClass().getSimpleName() + " '" + (s.length() > 40 ? s.substring(0, 40) + "..." : s) + "'";
    }

    /**
     * Reads the scale of a declared type such as {@code DECIMAL(10,2)}.
     *
     * @param declared the declared type
     * @return the scale, or -1 if the type names none
     */
    static int declaredScale(String declared) {
        int open = declared.indexOf('(');
        int comma = declared.indexOf(',', open + 1);
        int close = declared.indexOf(')', comma + 1);
        if (open < 0 || comma < 0 || close < 0) {
            return -1;
        }
        try {
            return Integer.parseInt(declared.substring(comma + 1, close).trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
