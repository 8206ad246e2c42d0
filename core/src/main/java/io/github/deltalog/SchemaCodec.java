package io.github.deltalog;

import java.util.ArrayList;
import java.util.List;

/**
 * A schema version as the tuple the log stores it in (an insert of the hidden schema history, keyed by the
 * table's id and the version's commit timestamp, see {@code LogStore#commitSchema}): {@code (table, version,
 * nextColumnId, columnCount, then per column id, name, type name, nullable, default, then keyCount, key
 * names)}. The commit timestamp is the key's, not part of the tuple.
 */
final class SchemaCodec {
    private SchemaCodec() {}

    static Tuple encode(TableSchema schema) {
        List<Object> v = new ArrayList<>();
        v.add(schema.table());
        v.add(schema.version());
        v.add(schema.nextColumnId());
        v.add(schema.columns().size());
        for (int i = 0; i < schema.columns().size(); i++) {
            Column c = schema.columns().get(i);
            v.add(schema.columnId(i));
            v.add(c.name());
            v.add(c.type().name());
            v.add(c.nullable());
            v.add(schema.defaultValue(i));
        }
        v.add(schema.key().size());
        v.addAll(schema.key());
        return Tuple.of(v);
    }

    /**
     * Reads a stored schema version.
     *
     * @throws CorruptLogException if the tuple is not a schema version
     */
    static TableSchema decode(Tuple t, long since, String file) {
        try {
            int at = 0;
            String table = (String) t.raw(at++);
            int version = (Integer) t.raw(at++);
            int next = (Integer) t.raw(at++);
            int n = (Integer) t.raw(at++);
            List<Column> columns = new ArrayList<>(n);
            int[] ids = new int[n];
            Object[] defaults = new Object[n];
            for (int i = 0; i < n; i++) {
                ids[i] = (Integer) t.raw(at++);
                String name = (String) t.raw(at++);
                ColumnType type = ColumnType.valueOf((String) t.raw(at++));
                boolean nullable = (Boolean) t.raw(at++);
                defaults[i] = t.raw(at++);
                columns.add(new Column(name, type, nullable));
            }
            int k = (Integer) t.raw(at++);
            List<String> key = new ArrayList<>(k);
            for (int i = 0; i < k; i++) {
                key.add((String) t.raw(at++));
            }
            if (at != t.size()) {
                throw new IllegalArgumentException(t.size() - at + " values too many");
            }
            return new TableSchema(table, columns, key, version, since, ids, defaults, next);
        } catch (RuntimeException e) {
            throw new CorruptLogException(
                    file + ": the schema version stored at " + since + " is not readable (" + e + ")", e);
        }
    }
}
