package io.github.deltalog.json;

import io.github.deltalog.Delta;
import io.github.deltalog.DeltaOp;
import io.github.deltalog.Tuple;
import java.util.Objects;

/**
 * Writes a delta in Debezium's envelope with named fields and plain JSON values, the form Flink's {@code
 * debezium-json} and Kafka Connect's {@code JsonConverter} read:
 *
 * <pre>{@code
 * {"before":{"id":1,"customer":"alice","amount":"9.50"},"after":{"id":1,"customer":"alice","amount":"12.00"},
 *  "source":{"version":"deltalog","connector":"deltalog","name":"shop","db":"shop","table":"orders","rowId":1,
 *  "commitTimestamp":1714979289123456,"ts_ms":1714979289123,"ts_us":1714979289123456},"op":"u",
 *  "ts_ms":1714979289123,"ts_us":1714979289123456}
 * }</pre>
 *
 * <p>With the schema block ({@code schema-include} in Flink, {@code schemas.enable=true} in Connect) the text is
 * {@code {"schema":{...},"payload":<the envelope>}}, the schema in Connect's JSON form: a struct named {@code
 * <db>.<table>.Envelope} whose {@code before} and {@code after} structs give each column's Connect type and
 * semantic name ({@link PlainValues}). Each value's encoding is in {@link PlainValues}; {@link ValueEncoding} picks
 * Debezium's numeric forms of decimals and times instead of strings. Stateless, thread-safe.
 */
public final class NamedEnvelope {
    private NamedEnvelope() {}

    /**
     * Appends a delta's envelope in the default encoding ({@link ValueEncoding#DEFAULT}). O(size of the delta).
     *
     * @param out where to append
     * @param delta the delta
     * @param columns the table's columns as of the delta ({@link TableColumns#generated} for a table without a
     *     schema)
     * @param db the log's name, written as {@code source.db} and {@code source.name}
     * @param withSchema whether to write the {@code schema}/{@code payload} form
     * @throws IllegalArgumentException if an image does not have the columns' arity
     */
    public static void appendValue(
            StringBuilder out, Delta delta, TableColumns columns, String db, boolean withSchema) {
        appendValue(out, delta, columns, db, withSchema, ValueEncoding.DEFAULT);
    }

    /**
     * Appends a delta's envelope with values in an encoding. O(size of the delta).
     *
     * @param out where to append
     * @param delta the delta
     * @param columns the table's columns as of the delta ({@link TableColumns#generated} for a table without a
     *     schema)
     * @param db the log's name, written as {@code source.db} and {@code source.name}
     * @param withSchema whether to write the {@code schema}/{@code payload} form
     * @param enc how decimals and times are written
     * @throws IllegalArgumentException if an image does not have the columns' arity, or a value does not fit the
     *     encoding (names the table, row and column)
     */
    public static void appendValue(
            StringBuilder out, Delta delta, TableColumns columns, String db, boolean withSchema, ValueEncoding enc) {
        Objects.requireNonNull(db, "db");
        Objects.requireNonNull(enc, "enc");
        DeltaOp op = delta.op();
        if (withSchema) {
            out.append("{\"schema\":");
            appendEnvelopeSchema(out, delta, columns, db, enc);
            out.append(",\"payload\":");
        }
        out.append("{\"before\":");
        appendImage(out, delta, op.before(), columns, enc);
        out.append(",\"after\":");
        appendImage(out, delta, op.after(), columns, enc);
        long ts = delta.commitTimestamp();
        long ms = Math.floorDiv(ts, 1000L);
        out.append(",\"source\":{\"version\":\"deltalog\",\"connector\":\"deltalog\",\"name\":");
        JsonValues.appendString(out, db);
        out.append(",\"db\":");
        JsonValues.appendString(out, db);
        out.append(",\"table\":");
        JsonValues.appendString(out, delta.table());
        out.append(",\"rowId\":").append(delta.rowId());
        out.append(",\"commitTimestamp\":").append(ts);
        out.append(",\"ts_ms\":").append(ms);
        out.append(",\"ts_us\":").append(ts);
        out.append("},\"op\":\"").append(opCode(op)).append('"');
        out.append(",\"ts_ms\":").append(ms);
        out.append(",\"ts_us\":").append(ts).append('}');
        if (withSchema) {
            out.append('}');
        }
    }

    /**
     * Appends a delta's record key in the default encoding, as {@link #appendKey(StringBuilder, Delta, TableColumns,
     * String, boolean, ValueEncoding)}.
     *
     * @param out where to append
     * @param delta the delta
     * @param columns the table's columns as of the delta
     * @param db the log's name
     * @param withSchema whether to write the {@code schema}/{@code payload} form
     */
    public static void appendKey(StringBuilder out, Delta delta, TableColumns columns, String db, boolean withSchema) {
        appendKey(out, delta, columns, db, withSchema, ValueEncoding.DEFAULT);
    }

    /**
     * Appends a delta's record key: the key columns by name ({@code {"id":1}}) where the table has key columns,
     * else {@code {"rowId":N}}; with the schema block as {@code {"schema":{...},"payload":{...}}}.
     *
     * @param out where to append
     * @param delta the delta
     * @param columns the table's columns as of the delta
     * @param db the log's name
     * @param withSchema whether to write the {@code schema}/{@code payload} form
     * @param enc how decimals and times are written
     * @throws IllegalArgumentException if a key value does not fit the encoding
     */
    public static void appendKey(
            StringBuilder out, Delta delta, TableColumns columns, String db, boolean withSchema, ValueEncoding enc) {
        Tuple image =
                delta.op().after() != null ? delta.op().after() : delta.op().before();
        boolean named = !columns.key().isEmpty();
        if (withSchema) {
            out.append("{\"schema\":{\"type\":\"struct\",\"fields\":[");
            if (named) {
                boolean first = true;
                for (String k : columns.key()) {
                    int i = columns.indexOf(k);
                    if (!first) {
                        out.append(',');
                    }
                    first = false;
                    appendFieldSchema(out, k, typeOf(columns, i, image), false, enc);
                }
            } else {
                out.append("{\"type\":\"int64\",\"optional\":false,\"field\":\"rowId\"}");
            }
            out.append("],\"optional\":false,\"name\":");
            JsonValues.appendString(out, db + "." + delta.table() + ".Key");
            out.append("},\"payload\":");
        }
        if (named) {
            out.append('{');
            boolean first = true;
            for (String k : columns.key()) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                JsonValues.appendString(out, k);
                out.append(':');
                appendColumn(out, delta, k, image.get(columns.indexOf(k)), enc);
            }
            out.append('}');
        } else {
            out.append("{\"rowId\":").append(delta.rowId()).append('}');
        }
        if (withSchema) {
            out.append('}');
        }
    }

    private static void appendColumn(StringBuilder out, Delta delta, String column, Object v, ValueEncoding enc) {
        try {
            PlainValues.append(out, v, enc);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "table '" + delta.table() + "' row " + delta.rowId() + " column '" + column + "': "
                            + e.getMessage(),
                    e);
        }
    }

    private static void appendImage(StringBuilder out, Delta delta, Tuple t, TableColumns columns, ValueEncoding enc) {
        if (t == null) {
            out.append("null");
            return;
        }
        TableColumns cols = columnsFor(delta, t, columns);
        out.append('{');
        for (int i = 0; i < t.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            JsonValues.appendString(out, cols.names().get(i));
            out.append(':');
            appendColumn(out, delta, cols.names().get(i), t.get(i), enc);
        }
        out.append('}');
    }

    /** The columns an image is written with: the given ones, or generated ones for a wider schema-less image. */
    private static TableColumns columnsFor(Delta delta, Tuple t, TableColumns columns) {
        if (t.size() == columns.names().size()) {
            return columns;
        }
        if (columns.key().isEmpty() && isGenerated(columns)) {
            return TableColumns.generated(t.size());
        }
        throw new IllegalArgumentException("table '" + delta.table() + "' row " + delta.rowId() + ": an image of "
                + t.size() + " values does not fit its " + columns.names().size() + " columns " + columns.names());
    }

    private static boolean isGenerated(TableColumns columns) {
        for (int i = 0; i < columns.names().size(); i++) {
            if (!columns.names().get(i).equals(TableColumns.generatedName(i))
                    || columns.types().get(i) != null) {
                return false;
            }
        }
        return true;
    }

    private static void appendEnvelopeSchema(
            StringBuilder out, Delta delta, TableColumns columns, String db, ValueEncoding enc) {
        String prefix = db + "." + delta.table();
        out.append("{\"type\":\"struct\",\"fields\":[");
        appendImageSchema(out, delta, delta.op().before(), columns, prefix, "before", enc);
        out.append(',');
        appendImageSchema(out, delta, delta.op().after(), columns, prefix, "after", enc);
        out.append(",{\"type\":\"struct\",\"fields\":[")
                .append("{\"type\":\"string\",\"optional\":false,\"field\":\"version\"},")
                .append("{\"type\":\"string\",\"optional\":false,\"field\":\"connector\"},")
                .append("{\"type\":\"string\",\"optional\":false,\"field\":\"name\"},")
                .append("{\"type\":\"string\",\"optional\":false,\"field\":\"db\"},")
                .append("{\"type\":\"string\",\"optional\":false,\"field\":\"table\"},")
                .append("{\"type\":\"int64\",\"optional\":false,\"field\":\"rowId\"},")
                .append("{\"type\":\"int64\",\"optional\":false,\"field\":\"commitTimestamp\"},")
                .append("{\"type\":\"int64\",\"optional\":false,\"field\":\"ts_ms\"},")
                .append("{\"type\":\"int64\",\"optional\":false,\"field\":\"ts_us\"}")
                .append("],\"optional\":false,\"name\":\"io.github.deltalog.Source\",\"field\":\"source\"},")
                .append("{\"type\":\"string\",\"optional\":false,\"field\":\"op\"},")
                .append("{\"type\":\"int64\",\"optional\":true,\"field\":\"ts_ms\"},")
                .append("{\"type\":\"int64\",\"optional\":true,\"field\":\"ts_us\"}")
                .append("],\"optional\":false,\"name\":");
        JsonValues.appendString(out, prefix + ".Envelope");
        out.append('}');
    }

    /**
     * The schema of one image: the declared column types, else each value's own type (a table without a schema
     * may hold different types in one column, so before and after are described each by its own values).
     */
    private static void appendImageSchema(
            StringBuilder out,
            Delta delta,
            Tuple t,
            TableColumns columns,
            String prefix,
            String field,
            ValueEncoding enc) {
        TableColumns cols = t == null ? columns : columnsFor(delta, t, columns);
        out.append("{\"type\":\"struct\",\"fields\":[");
        for (int i = 0; i < cols.names().size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            appendFieldSchema(
                    out,
                    cols.names().get(i),
                    typeOf(cols, i, t),
                    cols.nullable().get(i),
                    enc);
        }
        out.append("],\"optional\":true,\"name\":");
        JsonValues.appendString(out, prefix + ".Value");
        out.append(",\"field\":\"").append(field).append("\"}");
    }

    private static Class<?> typeOf(TableColumns cols, int i, Tuple t) {
        Class<?> type = cols.types().get(i);
        if (type == null && t != null && i < t.size() && t.get(i) != null) {
            type = t.get(i).getClass();
        }
        return type;
    }

    private static void appendFieldSchema(
            StringBuilder out, String name, Class<?> type, boolean optional, ValueEncoding enc) {
        out.append("{\"type\":\"")
                .append(type == null ? "string" : PlainValues.connectType(type, enc))
                .append('"');
        out.append(",\"optional\":").append(optional || type == null);
        String semantic = type == null ? null : PlainValues.semanticName(type, enc);
        if (semantic != null) {
            out.append(",\"name\":\"").append(semantic).append('"');
        }
        out.append(",\"field\":");
        JsonValues.appendString(out, name);
        out.append('}');
    }

    private static char opCode(DeltaOp op) {
        if (op instanceof DeltaOp.Insert) {
            return 'c';
        }
        return op instanceof DeltaOp.Update ? 'u' : 'd';
    }
}
