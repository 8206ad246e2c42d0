package io.github.deltalog.json;

import io.github.deltalog.Delta;
import io.github.deltalog.DeltaOp;
import io.github.deltalog.Tuple;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Writes a delta as one JSON object in Debezium's envelope, and reads such an object back into an equal delta:
 *
 * <pre>{@code
 * {"op":"u","before":[{"long":1},"alice",{"decimal":"9.50"}],"after":[{"long":1},"alice",{"decimal":"12.00"}],
 *  "source":{"table":"orders","rowId":1,"commitTimestamp":1714979289123456},"ts_us":1714979289123456}
 * }</pre>
 *
 * <p>{@code op} is {@code c} (insert), {@code u} (update) or {@code d} (delete); {@code before} and {@code after}
 * are the row images as arrays, or null where the operation has none; {@code source} names the table, the row id
 * and the commit timestamp (microseconds since the epoch), which {@code ts_us} repeats; {@link #toJson(Delta,
 * String)} also writes the log's name ({@code source.name}) and the commit time in milliseconds ({@code
 * source.ts_ms}). Values are typed so that
 * they read back as the same Java values: null, booleans and strings are plain JSON; every other type is a
 * one-key object naming it, such as {@code {"int":1}}, {@code {"long":5}}, {@code {"decimal":"9.50"}}, {@code
 * {"double":"NaN"}} or {@code {"bytes":"AAE="}} (the full list is in {@link #toJson(Delta)}). Whole numbers are
 * written exactly as JSON numbers; text that a JSON number cannot hold exactly is a string.
 *
 * <p>The reader is strict: it accepts one JSON value (of at most {@value JsonParser#MAX_DEPTH} nested levels)
 * with nothing after it, and ignores only unknown keys of the envelope and of {@code source}. Stateless and
 * thread-safe.
 */
public final class DeltaJson {
    private DeltaJson() {}

    /**
     * Returns a delta as one line of JSON (no line break inside or after). O(size of the delta).
     *
     * <p>Value types: null as {@code null}, Boolean as {@code true}/{@code false}, String as a JSON string
     * (RFC 8259 escapes; control characters as {@code \}{@code uXXXX}); then {@code {"int":n}}, {@code
     * {"long":n}}, {@code {"short":n}}, {@code {"byte":n}}, {@code {"float":x}} and {@code {"double":x}} (x is
     * a number, or one of the strings {@code "NaN"}, {@code "Infinity"}, {@code "-Infinity"}, {@code "-0.0"}),
     * {@code {"decimal":"9.50"}} (BigDecimal, scale kept), {@code {"bigint":"123"}}, {@code {"uuid":"..."}},
     * {@code {"instant":"2024-05-06T07:08:09.123456789Z"}}, {@code {"date":"2024-01-02"}}, {@code
     * {"time":"10:11:12.5"}}, {@code {"datetime":"2024-01-02T10:11:12"}} and {@code {"bytes":"<base64>"}}.
     *
     * @param delta the delta
     * @return its JSON text
     */
    public static String toJson(Delta delta) {
        StringBuilder sb = new StringBuilder(128);
        appendTo(sb, delta);
        return sb.toString();
    }

    /**
     * Appends a delta's JSON text (as {@link #toJson(Delta)} returns it) to a builder.
     *
     * @param out where to append
     * @param delta the delta
     */
    public static void appendTo(StringBuilder out, Delta delta) {
        appendTo(out, delta, null);
    }

    /**
     * Returns a delta as one line of JSON with the name of the log it comes from: as {@link #toJson(Delta)}, and
     * {@code source} also holds {@code "name"} (the log's name) and {@code "ts_ms"} (the commit timestamp in
     * milliseconds since the epoch, rounded down), as in Debezium's source block:
     *
     * <pre>{@code
     * {"op":"c","before":null,"after":[{"int":1}],"source":{"name":"shop","table":"orders","rowId":1,
     *  "commitTimestamp":1714979289123456,"ts_ms":1714979289123},"ts_us":1714979289123456}
     * }</pre>
     *
     * {@link #fromJson(CharSequence)} reads it back into the same delta. O(size of the delta).
     *
     * @param delta the delta
     * @param logName the name of the log, written as {@code source.name}
     * @return its JSON text
     */
    public static String toJson(Delta delta, String logName) {
        StringBuilder sb = new StringBuilder(160);
        appendTo(sb, delta, Objects.requireNonNull(logName, "logName"));
        return sb.toString();
    }

    /**
     * Appends a delta's JSON text (as {@link #toJson(Delta, String)} returns it) to a builder.
     *
     * @param out where to append
     * @param delta the delta
     * @param logName the name of the log, written as {@code source.name}; null writes neither {@code name} nor
     *     {@code ts_ms} (as {@link #appendTo(StringBuilder, Delta)})
     */
    public static void appendTo(StringBuilder out, Delta delta, String logName) {
        DeltaOp op = delta.op();
        out.append("{\"op\":\"").append(opCode(op)).append("\",\"before\":");
        appendTuple(out, op.before());
        out.append(",\"after\":");
        appendTuple(out, op.after());
        out.append(",\"source\":{");
        if (logName != null) {
            out.append("\"name\":");
            JsonValues.appendString(out, logName);
            out.append(',');
        }
        out.append("\"table\":");
        JsonValues.appendString(out, delta.table());
        out.append(",\"rowId\":").append(delta.rowId());
        out.append(",\"commitTimestamp\":").append(delta.commitTimestamp());
        if (logName != null) {
            out.append(",\"ts_ms\":").append(Math.floorDiv(delta.commitTimestamp(), 1000L));
        }
        out.append("},\"ts_us\":").append(delta.commitTimestamp()).append('}');
    }

    /**
     * Reads one delta from its JSON text.
     *
     * @param json the text of one JSON object, as {@link #toJson(Delta)} writes it (surrounding whitespace
     *     allowed)
     * @return the delta
     * @throws IllegalArgumentException if the text is not valid JSON, or not a delta in this mapping; the message
     *     says what and where
     */
    public static Delta fromJson(CharSequence json) {
        return fromJson(json, null);
    }

    /**
     * Reads one delta from its JSON text in either form: the positional one {@link #toJson(Delta)} writes, or the
     * named one {@link NamedEnvelope} writes (with or without its schema block).
     *
     * @param json the text of one JSON object (surrounding whitespace allowed)
     * @param columns the table's columns, to read named values of the named form without a schema block as their
     *     types; null to take the types from the schema block, or without one from the JSON (whole numbers as
     *     Long, other numbers as Double, text as String)
     * @return the delta
     * @throws IllegalArgumentException if the text is not valid JSON, or not a delta in either form; the message
     *     says what and where
     */
    public static Delta fromJson(CharSequence json, TableColumns columns) {
        Object root = JsonParser.parse(json);
        Map<String, Object> envelope = JsonValues.object(root, "the delta");
        if (NamedEnvelopeReader.isNamed(envelope)) {
            return NamedEnvelopeReader.read(envelope, columns);
        }
        String op = JsonValues.string(JsonValues.required(envelope, "op", "the delta"), "op");
        Map<String, Object> source = JsonValues.object(JsonValues.required(envelope, "source", "the delta"), "source");
        String table = JsonValues.string(JsonValues.required(source, "table", "source"), "source.table");
        long rowId = JsonValues.longNumber(JsonValues.required(source, "rowId", "source"), "source.rowId");
        long ts = JsonValues.longNumber(
                JsonValues.required(source, "commitTimestamp", "source"), "source.commitTimestamp");
        if (envelope.containsKey("ts_us")) {
            JsonValues.longNumber(envelope.get("ts_us"), "ts_us");
        }
        // Written by toJson(Delta, String); checked for their types when present, as ts_us is.
        if (source.containsKey("name")) {
            JsonValues.string(source.get("name"), "source.name");
        }
        if (source.containsKey("ts_ms")) {
            JsonValues.longNumber(source.get("ts_ms"), "source.ts_ms");
        }
        Tuple before = tuple(envelope, "before");
        Tuple after = tuple(envelope, "after");
        DeltaOp deltaOp;
        switch (op) {
            case "c":
                requireImages(op, before == null, after != null);
                deltaOp = new DeltaOp.Insert(after);
                break;
            case "u":
                requireImages(op, before != null, after != null);
                deltaOp = new DeltaOp.Update(before, after);
                break;
            case "d":
                requireImages(op, before != null, after == null);
                deltaOp = new DeltaOp.Delete(before);
                break;
            default:
                throw new IllegalArgumentException("unknown op \"" + op + "\": expected \"c\", \"u\" or \"d\"");
        }
        if (table.isEmpty()) {
            throw new IllegalArgumentException("source.table must not be empty");
        }
        return new Delta(table, rowId, ts, deltaOp);
    }

    private static void requireImages(String op, boolean beforeOk, boolean afterOk) {
        if (!beforeOk || !afterOk) {
            throw new IllegalArgumentException("op \"" + op + "\" needs "
                    + ("c".equals(op)
                            ? "before null and an after image"
                            : "u".equals(op) ? "a before and an after image" : "a before image and after null"));
        }
    }

    private static Tuple tuple(Map<String, Object> envelope, String key) {
        if (!envelope.containsKey(key)) {
            throw new IllegalArgumentException("the delta has no \"" + key + "\" (use null for no image)");
        }
        Object v = envelope.get(key);
        if (v == null) {
            return null;
        }
        if (!(v instanceof List<?> list)) {
            throw new IllegalArgumentException("\"" + key + "\" must be an array or null");
        }
        Object[] values = new Object[list.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = JsonValues.value(list.get(i), key + "[" + i + "]");
        }
        return Tuple.of(values);
    }

    private static void appendTuple(StringBuilder out, Tuple t) {
        if (t == null) {
            out.append("null");
            return;
        }
        out.append('[');
        for (int i = 0; i < t.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            JsonValues.appendValue(out, t.get(i));
        }
        out.append(']');
    }

    private static char opCode(DeltaOp op) {
        if (op instanceof DeltaOp.Insert) {
            return 'c';
        }
        return op instanceof DeltaOp.Update ? 'u' : 'd';
    }
}
