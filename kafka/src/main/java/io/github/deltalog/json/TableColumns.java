package io.github.deltalog.json;

import io.github.deltalog.Column;
import io.github.deltalog.Delta;
import io.github.deltalog.DeltaLog;
import io.github.deltalog.TableSchema;
import io.github.deltalog.Tuple;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * The columns of a table as the named envelope writes them: names in order, each column's Java value type (one of
 * the tuple value types, or null where it is not known, in which case each value's own type is used) and the key
 * columns. {@link #generated} stands for a table without a schema: columns {@code c0}, {@code c1}, ... typed by
 * their values, no key columns (the record key is then the row id).
 *
 * @param names the column names, in tuple order
 * @param types each column's Java value type ({@code Long.class}, {@code BigDecimal.class}, ...) or null
 * @param nullable whether each column may hold null
 * @param key the names of the key columns (empty: the row id is the key)
 */
public record TableColumns(List<String> names, List<Class<?>> types, List<Boolean> nullable, List<String> key) {
    /**
     * Checks and copies the lists.
     *
     * @param names the column names, in tuple order
     * @param types each column's Java value type ({@code Long.class}, {@code BigDecimal.class}, ...) or null
     * @param nullable whether each column may hold null
     * @param key the names of the key columns (empty: the row id is the key)
     * @throws IllegalArgumentException if the lists differ in length, a name repeats, or a key column is not a column
     */
    public TableColumns {
        names = List.copyOf(names);
        types = Collections.unmodifiableList(new ArrayList<>(types));
        nullable = List.copyOf(nullable);
        key = List.copyOf(key);
        if (types.size() != names.size() || nullable.size() != names.size()) {
            throw new IllegalArgumentException("TableColumns: " + names.size() + " names but " + types.size()
                    + " types and " + nullable.size() + " nullable flags");
        }
        if (new java.util.HashSet<>(names).size() != names.size()) {
            throw new IllegalArgumentException("TableColumns: a column name repeats in " + names);
        }
        for (String k : key) {
            if (!names.contains(k)) {
                throw new IllegalArgumentException("TableColumns: key column '" + k + "' is not among " + names);
            }
        }
    }

    /**
     * Returns the columns a delta of a log is written with: the table's schema as of the delta where it has one,
     * else generated columns ({@link #generated}) as wide as the delta's widest image.
     *
     * @param log the log the delta comes from
     * @param delta the delta
     * @return its columns
     */
    public static TableColumns of(DeltaLog log, Delta delta) {
        Objects.requireNonNull(log, "log");
        TableSchema schema = log.schemaAt(delta.table(), delta.commitTimestamp());
        if (schema != null) {
            return of(schema);
        }
        Tuple before = delta.op().before();
        Tuple after = delta.op().after();
        return generated(Math.max(before == null ? 0 : before.size(), after == null ? 0 : after.size()));
    }

    /**
     * Returns the columns of a schema version: its names, value types, nullability and key columns.
     *
     * @param schema a table's schema version
     * @return its columns
     */
    public static TableColumns of(TableSchema schema) {
        List<String> names = new ArrayList<>();
        List<Class<?>> types = new ArrayList<>();
        List<Boolean> nullable = new ArrayList<>();
        for (Column c : schema.columns()) {
            names.add(c.name());
            types.add(c.type().javaType());
            nullable.add(c.nullable());
        }
        return new TableColumns(names, types, nullable, schema.key());
    }

    /**
     * Returns the generated columns of a table without a schema, for images of up to {@code arity} values.
     *
     * @param arity the number of columns
     * @return columns {@code c0..c(arity-1)}, types unknown, all nullable, no key
     */
    public static TableColumns generated(int arity) {
        List<String> names = new ArrayList<>(arity);
        List<Class<?>> types = new ArrayList<>(arity);
        List<Boolean> nullable = new ArrayList<>(arity);
        for (int i = 0; i < arity; i++) {
            names.add(generatedName(i));
            types.add(null);
            nullable.add(Boolean.TRUE);
        }
        return new TableColumns(names, types, nullable, List.of());
    }

    /**
     * Returns the generated name of a column of a table without a schema.
     *
     * @param position the column's position, from 0
     * @return {@code "c" + position}
     */
    public static String generatedName(int position) {
        return "c" + position;
    }

    /**
     * Returns the position of a column.
     *
     * @param name the column's name
     * @return its position, or -1 if there is no such column
     */
    public int indexOf(String name) {
        return names.indexOf(Objects.requireNonNull(name, "name"));
    }
}
