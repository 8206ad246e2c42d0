package io.github.deltalog;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.UUID;

/**
 * The type of a column of a {@link TableSchema}: one per supported {@link Tuple} value type.
 *
 * <p>Widening ({@link #widensTo}) is allowed only where every value converts without loss: an integer type to a
 * larger integer type, to {@link #BIG_INTEGER} or {@link #DECIMAL}; {@link #BYTE} and {@link #SHORT} also to
 * {@link #FLOAT}, and those and {@link #INT} to {@link #DOUBLE}; {@link #FLOAT} to {@link #DOUBLE}; {@link
 * #BIG_INTEGER} to {@link #DECIMAL}; {@link #DATE} to {@link #TIMESTAMP} (at midnight). Nothing else, and no type
 * widens to itself.
 */
public enum ColumnType {
    /** {@link Boolean}. */
    BOOLEAN(Boolean.class),
    /** {@link Byte}. */
    BYTE(Byte.class),
    /** {@link Short}. */
    SHORT(Short.class),
    /** {@link Integer}. */
    INT(Integer.class),
    /** {@link Long}. */
    LONG(Long.class),
    /** {@link Float}. */
    FLOAT(Float.class),
    /** {@link Double}. */
    DOUBLE(Double.class),
    /** {@link String}. */
    STRING(String.class),
    /** {@code byte[]}. */
    BYTES(byte[].class),
    /** {@link BigDecimal}. */
    DECIMAL(BigDecimal.class),
    /** {@link BigInteger}. */
    BIG_INTEGER(BigInteger.class),
    /** {@link UUID}. */
    UUID(java.util.UUID.class),
    /** {@link Instant}. */
    INSTANT(Instant.class),
    /** {@link LocalDate}. */
    DATE(LocalDate.class),
    /** {@link LocalTime}. */
    TIME(LocalTime.class),
    /** {@link LocalDateTime}. */
    TIMESTAMP(LocalDateTime.class);

    private static final ColumnType[] ALL = values();

    private final Class<?> javaType;

    ColumnType(Class<?> javaType) {
        this.javaType = javaType;
    }

    /**
     * Returns the Java class of this type's values.
     *
     * @return the class a value of a column of this type has
     */
    public Class<?> javaType() {
        return javaType;
    }

    /**
     * Returns the column type of a Java class.
     *
     * @param type one of the supported value classes
     * @return its column type
     * @throws IllegalArgumentException if the class is not a supported value type
     */
    public static ColumnType of(Class<?> type) {
        for (ColumnType t : ALL) {
            if (t.javaType == type) {
                return t;
            }
        }
        throw new IllegalArgumentException("unsupported column type " + (type == null ? "null" : type.getName())
                + " (supported: Boolean, Byte, Short, Integer, Long, Float, Double, String, byte[], BigDecimal,"
                + " BigInteger, UUID, Instant, LocalDate, LocalTime, LocalDateTime)");
    }

    /**
     * Tells whether a column of this type may be widened to another type: every value converts without loss.
     *
     * @param wider the new type
     * @return true if {@link SchemaChange#widenColumn} from this type to {@code wider} is allowed
     */
    public boolean widensTo(ColumnType wider) {
        if (wider == null || wider == this) {
            return false;
        }
        return switch (this) {
            case BYTE -> wider == SHORT
                    || wider == INT
                    || wider == LONG
                    || wider == FLOAT
                    || wider == DOUBLE
                    || wider == DECIMAL
                    || wider == BIG_INTEGER;
            case SHORT -> wider == INT
                    || wider == LONG
                    || wider == FLOAT
                    || wider == DOUBLE
                    || wider == DECIMAL
                    || wider == BIG_INTEGER;
            case INT -> wider == LONG || wider == DOUBLE || wider == DECIMAL || wider == BIG_INTEGER;
            case LONG -> wider == DECIMAL || wider == BIG_INTEGER;
            case FLOAT -> wider == DOUBLE;
            case BIG_INTEGER -> wider == DECIMAL;
            case DATE -> wider == TIMESTAMP;
            default -> false;
        };
    }

    /**
     * Converts a value of this type to a wider type ({@link #widensTo} must hold). Null stays null.
     *
     * @param value a value of this type, or null
     * @param wider the target type
     * @return the same value as the wider type
     */
    Object widen(Object value, ColumnType wider) {
        if (value == null || wider == this) {
            return value;
        }
        if (value instanceof LocalDate d) {
            return d.atStartOfDay();
        }
        if (value instanceof BigInteger b) {
            return new BigDecimal(b);
        }
        if (value instanceof Float f) {
            return f.doubleValue();
        }
        long v = ((Number) value).longValue();
        return switch (wider) {
            case SHORT -> (short) v;
            case INT -> (int) v;
            case LONG -> v;
            case FLOAT -> (float) v;
            case DOUBLE -> (double) v;
            case DECIMAL -> BigDecimal.valueOf(v);
            case BIG_INTEGER -> BigInteger.valueOf(v);
            default -> throw new IllegalArgumentException(this + " does not widen to " + wider);
        };
    }
}
