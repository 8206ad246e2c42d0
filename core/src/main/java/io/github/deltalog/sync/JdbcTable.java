package io.github.deltalog.sync;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * How a deltalog table maps onto an SQL table for {@link JdbcTarget}: the row id lives in {@code idColumn}, the
 * tuple's values in {@code columns} (in order, read back as {@code types}). The id column may be one of the
 * columns (SQLite's {@code INTEGER PRIMARY KEY} kept in the tuple) or not. Names are quoted as given, so they are
 * case-sensitive (H2 stores unquoted names in upper case).
 *
 * @param table the deltalog table name
 * @param sqlTable the SQL table name
 * @param idColumn the column that holds the row id (a key of the SQL table)
 * @param columns the columns of the tuple's values, in order
 * @param types the Java type each column reads back as: Long, Integer, Short, Byte, Double, Float, String,
 *     byte[], Boolean, BigDecimal, or the class the driver's {@code getObject(int)} returns
 */
public record JdbcTable(String table, String sqlTable, String idColumn, List<String> columns, List<Class<?>> types) {
    /**
     * Creates a mapping; throws IllegalArgumentException if columns and types differ in number.
     *
     * @param table the deltalog table name
     * @param sqlTable the SQL table name
     * @param idColumn the column that holds the row id (a key of the SQL table)
     * @param columns the columns of the tuple's values, in order
     * @param types the Java type each column reads back as: Long, Integer, Short, Byte, Double, Float, String,
     *     byte[], Boolean, BigDecimal, or the class the driver's {@code getObject(int)} returns
     */
    public JdbcTable {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(sqlTable, "sqlTable");
        Objects.requireNonNull(idColumn, "idColumn");
        columns = Collections.unmodifiableList(new ArrayList<>(columns));
        types = Collections.unmodifiableList(new ArrayList<>(types));
        if (columns.size() != types.size() || columns.isEmpty()) {
            throw new IllegalArgumentException("table '" + table + "': " + columns.size() + " columns but "
                    + types.size() + " types (at least one column)");
        }
    }

    /** Tells whether the id column is one of the tuple's columns. */
    boolean idInColumns() {
        return columns.contains(idColumn);
    }

    static String quote(String name) {
        return '"' + name.replace("\"", "\"\"") + '"';
    }
}
