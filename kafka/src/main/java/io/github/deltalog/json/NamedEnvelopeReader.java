package io.github.deltalog.json;

import io.github.deltalog.Delta;
import io.github.deltalog.DeltaOp;
import io.github.deltalog.Tuple;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a delta back from the named envelope {@link NamedEnvelope} writes, with or without its schema block. With
 * the schema block each value reads back as its recorded type; without it the JSON decides (a whole number is a
 * Long, another number a Double, text a String), unless the caller gives the table's columns.
 */
final class NamedEnvelopeReader {
    private NamedEnvelopeReader() {}

    /** Whether a parsed envelope is in the named form (else it is the positional one). */
    static boolean isNamed(Map<String, Object> root) {
        return root.containsKey("payload") || root.get("before") instanceof Map || root.get("after") instanceof Map;
    }

    static Delta read(Map<String, Object> root, TableColumns columns) {
        Map<String, Object> envelope = root;
        Map<String, Class<?>> beforeTypes = null;
        Map<String, Class<?>> afterTypes = null;
        if (root.containsKey("payload")) {
            envelope = JsonValues.object(JsonValues.required(root, "payload", "the record"), "payload");
            Object schema = root.get("schema");
            if (schema != null) {
                Map<String, Object> s = JsonValues.object(schema, "schema");
                beforeTypes = fieldTypes(s, "before");
                afterTypes = fieldTypes(s, "after");
            }
        }
        String op = JsonValues.string(JsonValues.required(envelope, "op", "the delta"), "op");
        Map<String, Object> source = JsonValues.object(JsonValues.required(envelope, "source", "the delta"), "source");
        String table = JsonValues.string(JsonValues.required(source, "table", "source"), "source.table");
        if (table.isEmpty()) {
            throw new IllegalArgumentException("source.table must not be empty");
        }
        long rowId = JsonValues.longNumber(JsonValues.required(source, "rowId", "source"), "source.rowId");
        long ts = JsonValues.longNumber(
                JsonValues.required(source, "commitTimestamp", "source"), "source.commitTimestamp");
        Tuple before = image(envelope, "before", beforeTypes, columns);
        Tuple after = image(envelope, "after", afterTypes, columns);
        DeltaOp deltaOp;
        switch (op) {
            case "c":
            case "r":
                check(op, before == null && after != null);
                deltaOp = new DeltaOp.Insert(after);
                break;
            case "u":
                check(op, before != null && after != null);
                deltaOp = new DeltaOp.Update(before, after);
                break;
            case "d":
                check(op, before != null && after == null);
                deltaOp = new DeltaOp.Delete(before);
                break;
            default:
                throw new IllegalArgumentException("unknown op \"" + op + "\": expected \"c\", \"u\" or \"d\"");
        }
        return new Delta(table, rowId, ts, deltaOp);
    }

    private static void check(String op, boolean ok) {
        if (!ok) {
            throw new IllegalArgumentException("op \"" + op + "\" has the wrong images: "
                    + ("d".equals(op)
                            ? "a delete needs before and no after"
                            : "an insert needs after and no before;" + " an update needs both"));
        }
    }

    /** The column types a schema block gives an image, by name, in field order. */
    private static Map<String, Class<?>> fieldTypes(Map<String, Object> schema, String image) {
        Object fields = JsonValues.required(schema, "fields", "schema");
        if (!(fields instanceof List<?> list)) {
            throw new IllegalArgumentException("schema.fields must be an array");
        }
        for (Object f : list) {
            Map<String, Object> field = JsonValues.object(f, "schema.fields[]");
            if (!image.equals(field.get("field"))) {
                continue;
            }
            Object inner = JsonValues.required(field, "fields", "schema of " + image);
            if (!(inner instanceof List<?> columns)) {
                throw new IllegalArgumentException("schema of " + image + ": fields must be an array");
            }
            Map<String, Class<?>> types = new LinkedHashMap<>();
            for (Object c : columns) {
                Map<String, Object> col = JsonValues.object(c, "schema of " + image + " field");
                String name = JsonValues.string(JsonValues.required(col, "field", "schema of " + image), "field");
                String where = "schema of " + image + "." + name;
                String type = JsonValues.string(JsonValues.required(col, "type", where), where + ".type");
                Object semantic = col.get("name");
                types.put(name, PlainValues.typeOf(type, semantic instanceof String s ? s : null, where));
            }
            return types;
        }
        throw new IllegalArgumentException("the schema has no field \"" + image + "\"");
    }

    private static Tuple image(
            Map<String, Object> envelope, String key, Map<String, Class<?>> types, TableColumns columns) {
        if (!envelope.containsKey(key)) {
            throw new IllegalArgumentException("the delta has no \"" + key + "\" (use null for no image)");
        }
        Object v = envelope.get(key);
        if (v == null) {
            return null;
        }
        Map<String, Object> fields = JsonValues.object(v, key);
        List<Object> values = new ArrayList<>(fields.size());
        if (columns != null) {
            if (fields.size() != columns.names().size() || !fields.keySet().containsAll(columns.names())) {
                throw new IllegalArgumentException(
                        key + " has fields " + fields.keySet() + " but the table's columns are " + columns.names());
            }
            for (int i = 0; i < columns.names().size(); i++) {
                String name = columns.names().get(i);
                values.add(PlainValues.read(fields.get(name), columns.types().get(i), key + "." + name));
            }
        } else if (types != null) {
            if (!fields.keySet().equals(types.keySet())) {
                throw new IllegalArgumentException(
                        key + " has fields " + fields.keySet() + " but its schema names " + types.keySet());
            }
            for (Map.Entry<String, Class<?>> e : types.entrySet()) {
                values.add(PlainValues.read(fields.get(e.getKey()), e.getValue(), key + "." + e.getKey()));
            }
        } else {
            for (Map.Entry<String, Object> e : fields.entrySet()) {
                values.add(PlainValues.read(e.getValue(), null, key + "." + e.getKey()));
            }
        }
        return Tuple.of(values.toArray());
    }
}
