package io.github.deltalog.bench.peers;

import io.github.deltalog.Tuple;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;

/**
 * How the peers store the workload's values: as the plain SQL values every peer has (64-bit integers, doubles,
 * text), and their row images as JSON arrays of those. {@code Integer}, {@code Long}, {@code Boolean} (0/1),
 * {@code Instant} (microseconds since the epoch) and {@code LocalDate} (epoch day) become integers;
 * {@code Double} stays a double; {@code String}, {@code BigDecimal} (plain string) and {@code UUID} become text.
 * Decoding restores the Java types from the table's column types.
 */
public final class PeerValues {
    private static final long MICROS = 1_000_000L;

    private PeerValues() {}

    /** The plain kinds of SQL column. */
    public enum SqlKind {
        /** A 64-bit integer. */
        INTEGER,
        /** A double. */
        REAL,
        /** Text. */
        TEXT
    }

    /**
     * Returns the SQL kind a Java column type is stored as.
     *
     * @param type a workload column type
     * @return its kind
     */
    public static SqlKind kind(Class<?> type) {
        if (type == Double.class) {
            return SqlKind.REAL;
        }
        if (type == String.class || type == BigDecimal.class || type == UUID.class) {
            return SqlKind.TEXT;
        }
        return SqlKind.INTEGER;
    }

    /**
     * Converts a workload value to its SQL value.
     *
     * @param v the value, or null
     * @return a {@code Long}, {@code Double}, {@code String} or null
     */
    public static Object toSql(Object v) {
        if (v == null || v instanceof Long || v instanceof Double || v instanceof String) {
            return v;
        }
        if (v instanceof Integer i) {
            return i.longValue();
        }
        if (v instanceof Boolean b) {
            return b ? 1L : 0L;
        }
        if (v instanceof BigDecimal d) {
            return d.toPlainString();
        }
        if (v instanceof Instant t) {
            return t.getEpochSecond() * MICROS + t.getNano() / 1000;
        }
        if (v instanceof LocalDate d) {
            return d.toEpochDay();
        }
        if (v instanceof UUID u) {
            return u.toString();
        }
        throw new IllegalArgumentException("no SQL form for " + v.getClass().getName());
    }

    /**
     * Converts a SQL (or JSON) value back to the workload's type.
     *
     * @param v a number, string or null
     * @param type the column type
     * @return the value
     */
    public static Object fromSql(Object v, Class<?> type) {
        if (v == null) {
            return null;
        }
        if (type == String.class) {
            return v.toString();
        }
        if (type == Double.class) {
            return ((Number) v).doubleValue();
        }
        if (type == BigDecimal.class) {
            return new BigDecimal(v.toString());
        }
        if (type == UUID.class) {
            return UUID.fromString(v.toString());
        }
        long n = ((Number) v).longValue();
        if (type == Long.class) {
            return n;
        }
        if (type == Integer.class) {
            return (int) n;
        }
        if (type == Boolean.class) {
            return n != 0;
        }
        if (type == Instant.class) {
            return Instant.ofEpochSecond(Math.floorDiv(n, MICROS), Math.floorMod(n, MICROS) * 1000);
        }
        if (type == LocalDate.class) {
            return LocalDate.ofEpochDay(n);
        }
        throw new IllegalArgumentException("no Java form for column type " + type.getName());
    }

    /**
     * Appends a row image of SQL values as a JSON array.
     *
     * @param out where to append
     * @param values the SQL values
     * @param from the first index to write
     */
    public static void appendJson(StringBuilder out, Object[] values, int from) {
        out.append('[');
        for (int i = from; i < values.length; i++) {
            if (i > from) {
                out.append(',');
            }
            Object v = values[i];
            if (v == null) {
                out.append("null");
            } else if (v instanceof String s) {
                MiniJson.appendString(out, s);
            } else {
                out.append(v);
            }
        }
        out.append(']');
    }

    /**
     * Returns a tuple as a JSON array of SQL values.
     *
     * @param tuple the tuple
     * @return the JSON text
     */
    public static String json(Tuple tuple) {
        Object[] values = new Object[tuple.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = toSql(tuple.get(i));
        }
        StringBuilder sb = new StringBuilder(16 * values.length);
        appendJson(sb, values, 0);
        return sb.toString();
    }

    /**
     * Decodes a JSON array of SQL values to a tuple.
     *
     * @param json the JSON text, or null
     * @param types the table's column types
     * @return the tuple, or null for null text
     */
    public static Tuple tuple(String json, List<Class<?>> types) {
        return json == null ? null : tuple((List<?>) MiniJson.parse(json), types);
    }

    /**
     * Converts a parsed JSON array of SQL values to a tuple.
     *
     * @param values the parsed array
     * @param types the table's column types
     * @return the tuple
     */
    public static Tuple tuple(List<?> values, List<Class<?>> types) {
        if (values.size() != types.size()) {
            throw new IllegalArgumentException(
                    "a row image of " + values.size() + " values for a table of " + types.size() + " columns");
        }
        Object[] out = new Object[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = fromSql(values.get(i), types.get(i));
        }
        return Tuple.of(out);
    }
}
