package io.github.deltalog;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The columns of a table at one schema version: ordered named columns with their types and nullability, and the
 * key columns. Immutable. Built with {@link #builder()} and given to {@link DeltaLog#track(String, TableSchema)}
 * (version 1); {@link DeltaLog#alterTable} makes the next versions.
 *
 * <p>Each column also has a stable internal id, kept across renames and never reused after a drop, so that a row
 * written under an old version can be upcast to a newer one ({@link ReadAs#CURRENT}).
 */
public final class TableSchema {
    private final String table;
    private final List<Column> columns;
    private final List<String> key;
    private final int version;
    private final long since;
    private final int[] columnIds;
    private final Object[] defaults;
    private final int nextColumnId;
    private final Class<?>[] classes;
    private final boolean[] nullable;
    private final Map<String, Integer> index;

    TableSchema(
            String table,
            List<Column> columns,
            List<String> key,
            int version,
            long since,
            int[] columnIds,
            Object[] defaults,
            int nextColumnId) {
        this.table = table;
        this.columns = Collections.unmodifiableList(new ArrayList<>(columns));
        this.key = Collections.unmodifiableList(new ArrayList<>(key));
        this.version = version;
        this.since = since;
        this.columnIds = columnIds.clone();
        this.defaults = defaults.clone();
        this.nextColumnId = nextColumnId;
        int n = columns.size();
        this.classes = new Class<?>[n];
        this.nullable = new boolean[n];
        this.index = new HashMap<>();
        for (int i = 0; i < n; i++) {
            Column c = columns.get(i);
            classes[i] = c.type().javaType();
            nullable[i] = c.nullable();
            if (index.put(c.name(), i) != null) {
                throw new IllegalArgumentException("column '" + c.name() + "' appears twice");
            }
        }
        for (String k : key) {
            if (!index.containsKey(k)) {
                throw new IllegalArgumentException("key column '" + k + "' is not a column (columns: " + names() + ")");
            }
        }
        if (key.size() != key.stream().distinct().count()) {
            throw new IllegalArgumentException("a key column appears twice in " + key);
        }
    }

    /**
     * Returns a builder of a new schema.
     *
     * @return an empty builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns the columns in tuple order.
     *
     * @return an unmodifiable list
     */
    public List<Column> columns() {
        return columns;
    }

    /**
     * Returns the names of the key columns, in key order (empty if none were declared).
     *
     * @return an unmodifiable list
     */
    public List<String> key() {
        return key;
    }

    /**
     * Returns the column names in tuple order.
     *
     * @return a new list
     */
    public List<String> names() {
        List<String> names = new ArrayList<>(columns.size());
        for (Column c : columns) {
            names.add(c.name());
        }
        return names;
    }

    /**
     * Returns the position of a column in a tuple. O(1).
     *
     * @param column a column name
     * @return its index, or -1 if there is no such column
     */
    public int indexOf(String column) {
        Integer i = column == null ? null : index.get(column);
        return i == null ? -1 : i;
    }

    /**
     * Returns the version: 1 for the schema given to {@code track}, one more per {@code alterTable}; 0 for a
     * schema that was only built, not registered.
     *
     * @return the version
     */
    public int version() {
        return version;
    }

    /**
     * Returns the commit timestamp at which this version took effect (0 for a schema only built): deltas
     * committed after it and before the next version were written under it.
     *
     * @return the commit timestamp
     */
    public long since() {
        return since;
    }

    /**
     * Returns the table this version belongs to, or null for a schema only built.
     *
     * @return the table name or null
     */
    public String table() {
        return table;
    }

    /**
     * Tells whether two schemas have the same columns and key (versions, tables and times aside).
     *
     * @param other another schema
     * @return true if the columns and key are equal
     */
    public boolean sameColumns(TableSchema other) {
        return columns.equals(other.columns) && key.equals(other.key);
    }

    int columnId(int index) {
        return columnIds[index];
    }

    Object defaultValue(int index) {
        return defaults[index];
    }

    int nextColumnId() {
        return nextColumnId;
    }

    /** The same columns registered for a table as a version that took effect at a timestamp. */
    TableSchema as(String table, int version, long since) {
        return new TableSchema(table, columns, key, version, since, columnIds, defaults, nextColumnId);
    }

    /**
     * Checks that a tuple fits: its arity, each value's class (one identity compare per value), null only where
     * nullable. O(columns), no allocation unless it fails.
     *
     * @throws SchemaMismatchException naming table, column and the value's type
     */
    void check(String table, long rowId, Tuple tuple, String image) {
        int n = classes.length;
        if (tuple.size() != n) {
            throw new SchemaMismatchException("table '" + table + "' row " + rowId + ": the " + image + " image has "
                    + tuple.size() + " values but schema version " + version + " has " + n + " columns " + names());
        }
        for (int i = 0; i < n; i++) {
            Object v = tuple.raw(i);
            if (v == null) {
                if (!nullable[i]) {
                    throw new SchemaMismatchException("table '" + table + "' row " + rowId + ": column '"
                            + columns.get(i).name() + "' is not nullable but the " + image + " image holds null");
                }
            } else if (v.getClass() != classes[i]) {
                throw new SchemaMismatchException("table '" + table + "' row " + rowId + ": column '"
                        + columns.get(i).name() + "' is " + columns.get(i).type() + " ("
                        + classes[i].getSimpleName() + ") but the " + image + " image holds a "
                        + v.getClass().getName());
            }
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TableSchema t
                && Objects.equals(table, t.table)
                && version == t.version
                && since == t.since
                && columns.equals(t.columns)
                && key.equals(t.key)
                && Arrays.equals(columnIds, t.columnIds)
                && Arrays.deepEquals(defaults, t.defaults);
    }

    @Override
    public int hashCode() {
        return Objects.hash(table, version, since, columns, key);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        sb.append(table == null ? "schema" : table).append(" v").append(version).append(" (");
        for (int i = 0; i < columns.size(); i++) {
            Column c = columns.get(i);
            sb.append(i == 0 ? "" : ", ").append(c.name()).append(' ').append(c.type());
            sb.append(c.nullable() ? "" : " not null");
        }
        return sb.append(key.isEmpty() ? ")" : ") key " + key).toString();
    }

    /** Builds a {@link TableSchema}. Not thread-safe. */
    public static final class Builder {
        private final List<Column> columns = new ArrayList<>();
        private List<String> key = Collections.emptyList();

        Builder() {}

        /**
         * Adds a non-null column.
         *
         * @param name the column's name
         * @param type its type
         * @return this builder
         */
        public Builder column(String name, ColumnType type) {
            columns.add(new Column(name, type, false));
            return this;
        }

        /**
         * Adds a nullable column.
         *
         * @param name the column's name
         * @param type its type
         * @return this builder
         */
        public Builder nullableColumn(String name, ColumnType type) {
            columns.add(new Column(name, type, true));
            return this;
        }

        /**
         * Declares the key columns (for envelopes and keyed exports; the log itself keys rows by row id).
         *
         * @param columns names of columns added to this builder
         * @return this builder
         */
        public Builder key(String... columns) {
            key = Arrays.asList(columns.clone());
            return this;
        }

        /**
         * Builds the schema.
         *
         * @return the schema (version 0 until registered)
         * @throws IllegalArgumentException if a column name repeats or a key column is not a column
         */
        public TableSchema build() {
            int n = columns.size();
            int[] ids = new int[n];
            for (int i = 0; i < n; i++) {
                ids[i] = i + 1;
            }
            return new TableSchema(null, columns, key, 0, 0, ids, new Object[n], n + 1);
        }
    }
}
