package io.github.deltalog;

import io.github.deltalog.store.TupleAccess;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * An immutable row image: an ordered list of values of the supported types.
 *
 * <p>Supported value types are {@code null}, {@link Boolean}, {@link Byte}, {@link Short}, {@link Integer},
 * {@link Long}, {@link Float}, {@link Double}, {@link String}, {@code byte[]}, {@link BigDecimal},
 * {@link BigInteger}, {@link UUID}, {@link Instant}, {@link LocalDate}, {@link LocalTime} and
 * {@link LocalDateTime}. Tuples compare by content; {@code byte[]} values compare by their bytes, and
 * {@code byte[]} values are copied on the way in and on the way out, so a tuple can never be changed.
 */
public final class Tuple {
    // Not Set.of: core keeps to the API level of Android 8 (see README, Platforms).
    private static final Set<Class<?>> SUPPORTED = new HashSet<>(Arrays.asList(
            Boolean.class,
            Byte.class,
            Short.class,
            Integer.class,
            Long.class,
            Float.class,
            Double.class,
            String.class,
            byte[].class,
            BigDecimal.class,
            BigInteger.class,
            UUID.class,
            Instant.class,
            LocalDate.class,
            LocalTime.class,
            LocalDateTime.class));

    private static final Tuple EMPTY = new Tuple(new Object[0]);

    static {
        // The codec's trusted path: tuples it decoded from what the log wrote need neither a copy nor a check.
        TupleAccess.install(new TupleAccess.Internals() {
            @Override
            public Tuple wrap(Object[] values) {
                return values.length == 0 ? EMPTY : new Tuple(values);
            }

            @Override
            public Object value(Tuple tuple, int index) {
                return tuple.values[index];
            }

            @Override
            public Tuple wrap(Object[] values, TableSchema schema) {
                return new Tuple(values, schema);
            }
        });
    }

    private final Object[] values;
    /** The schema the tuple was read or recorded with, or null: names its values; not part of equality. */
    private final TableSchema schema;

    private int hash;

    private Tuple(Object[] values) {
        this(values, null);
    }

    private Tuple(Object[] values, TableSchema schema) {
        this.values = values;
        this.schema = schema;
    }

    /** The same values named by a schema (no copy). */
    Tuple withSchema(TableSchema schema) {
        return schema == this.schema ? this : new Tuple(values, schema);
    }

    /** A tuple of values the caller vouches for (converted from checked values), named by a schema. */
    static Tuple trusted(Object[] values, TableSchema schema) {
        return new Tuple(values, schema);
    }

    /** The value at an index without the defensive copy of byte[]. */
    Object raw(int index) {
        return values[index];
    }

    /**
     * Returns the value of a column, by name, through the schema this tuple was read or recorded with. O(1).
     *
     * @param column the column's name
     * @return its value (a copy for byte[]), possibly null
     * @throws IllegalStateException if the tuple has no schema (its table has none, it was recorded before the
     *     table's first schema, or it was built with {@link #of})
     * @throws IllegalArgumentException if the schema has no such column; names the table and its columns
     */
    public Object get(String column) {
        if (schema == null) {
            throw new IllegalStateException("cannot read column '" + column + "' by name: this tuple has no schema"
                    + " (its table was tracked without one, or the tuple was built by Tuple.of); read it by position");
        }
        int i = schema.indexOf(column);
        if (i < 0) {
            throw new IllegalArgumentException("table '" + schema.table() + "' has no column '" + column
                    + "' in schema version " + schema.version() + " (columns: " + schema.names() + ")");
        }
        return get(i);
    }

    /**
     * Returns the names of this tuple's values, in order, from the schema it was read or recorded with.
     *
     * @return the column names, or an empty list if the tuple has no schema
     */
    public List<String> columnNames() {
        return schema == null ? Collections.<String>emptyList() : Collections.unmodifiableList(schema.names());
    }

    /**
     * Returns the schema version this tuple was read or recorded with.
     *
     * @return the schema, or empty if the tuple has none
     */
    public java.util.Optional<TableSchema> schema() {
        return java.util.Optional.ofNullable(schema);
    }

    /**
     * Creates a tuple of the given values, in order. O(n) in the number of values.
     *
     * @param values the column values; {@code null} elements are allowed
     * @return the tuple
     * @throws IllegalArgumentException if a value has an unsupported type, or is a string with an unpaired
     *     surrogate; the message names the type and the position
     * @throws NullPointerException if {@code values} itself is null
     */
    public static Tuple of(Object... values) {
        Objects.requireNonNull(values, "values");
        if (values.length == 0) {
            return EMPTY;
        }
        Object[] copy = new Object[values.length];
        for (int i = 0; i < values.length; i++) {
            copy[i] = checked(values[i], i);
        }
        return new Tuple(copy);
    }

    /**
     * Creates a tuple from a list of values, in order.
     *
     * @param values the column values; {@code null} elements are allowed
     * @return the tuple
     * @throws IllegalArgumentException if a value has an unsupported type
     */
    public static Tuple of(List<?> values) {
        return of(values.toArray());
    }

    private static Object checked(Object value, int position) {
        if (value == null) {
            return null;
        }
        if (!SUPPORTED.contains(value.getClass())) {
            throw new IllegalArgumentException("unsupported value type "
                    + value.getClass().getName()
                    + " at position " + position + " (supported: null, Boolean, Byte, Short, Integer, Long, Float,"
                    + " Double, String, byte[], BigDecimal, BigInteger, UUID, Instant, LocalDate, LocalTime,"
                    + " LocalDateTime)");
        }
        if (value instanceof String s) {
            checkWellFormed(s, position);
        }
        return value instanceof byte[] bytes ? bytes.clone() : value;
    }

    /** Strings are stored as UTF-8, which cannot carry a lone surrogate (it would read back as '?'). */
    private static void checkWellFormed(String s, int position) {
        int at = unpairedSurrogate(s);
        if (at >= 0) {
            throw new IllegalArgumentException("string at position " + position + " has an unpaired surrogate at index "
                    + at + "; it cannot be stored as UTF-8");
        }
    }

    /** Returns the index of the first unpaired surrogate of a string, or -1 if it is well-formed UTF-16. */
    static int unpairedSurrogate(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                } else {
                    return i;
                }
            }
        }
        return -1;
    }

    /**
     * Tells whether a class is one of the supported value types.
     *
     * @param type the class to check
     * @return true if values of exactly this class can be stored
     */
    public static boolean isSupportedType(Class<?> type) {
        return SUPPORTED.contains(type);
    }

    /**
     * Returns the number of values. O(1).
     *
     * @return the number of values
     */
    public int size() {
        return values.length;
    }

    /**
     * Returns the value at a position; a {@code byte[]} value is returned as a copy.
     *
     * @param index the position, from 0
     * @return the value, possibly null
     * @throws IndexOutOfBoundsException if the position is outside the tuple
     */
    public Object get(int index) {
        if (index < 0 || index >= values.length) {
            throw new IndexOutOfBoundsException("index " + index + " outside a tuple of size " + values.length);
        }
        Object v = values[index];
        return v instanceof byte[] bytes ? bytes.clone() : v;
    }

    /**
     * Returns the values as an unmodifiable list ({@code byte[]} values copied). O(n).
     *
     * @return the values in order
     */
    public List<Object> values() {
        List<Object> list = new ArrayList<>(values.length);
        for (int i = 0; i < values.length; i++) {
            list.add(get(i));
        }
        return Collections.unmodifiableList(list);
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Tuple other) || values.length != other.values.length) {
            return false;
        }
        // What Arrays.deepEquals gives for the supported types (byte[] by content, the rest by equals), without
        // its per-element probe of every array type: every recorded update is compared this way (no-op check).
        Object[] theirs = other.values;
        for (int i = 0; i < values.length; i++) {
            Object a = values[i];
            Object b = theirs[i];
            if (a == b) {
                continue;
            }
            if (a == null || b == null) {
                return false;
            }
            if (a instanceof byte[] x) {
                if (!(b instanceof byte[] y) || !Arrays.equals(x, y)) {
                    return false;
                }
            } else if (!a.equals(b)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        int h = hash;
        if (h == 0) {
            h = Arrays.deepHashCode(values);
            hash = h;
        }
        return h;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            Object v = values[i];
            if (v instanceof byte[] bytes) {
                sb.append("0x");
                for (byte b : bytes) {
                    sb.append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
                }
            } else if (v instanceof String s) {
                sb.append('\'').append(s).append('\'');
            } else {
                sb.append(v);
            }
        }
        return sb.append(')').toString();
    }
}
