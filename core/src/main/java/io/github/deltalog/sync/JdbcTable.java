package io.github.deltalog.sync;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * How a deltalog table maps onto an SQL table for {@link JdbcTarget}: the row id lives in {@code idColumn}, the
 * tuple's values in {@code columns} (in order, read back as {@code types}). The id column may be one of the
 * columns (SQLite's {@code INTEGER PRIMARY KEY} kept in the tuple) or not. Names are quoted as given, so they are
 * case-sensitive (H2 stores unquoted names in upper case). An optional {@link ValueMapping} converts values
 * between the tuple's types and what the database holds (the {@code deltalog-jdbc} module builds tables with one
 * from the database's metadata); without one, values are read by {@code types} and bound as they are.
 *
 * @param table the deltalog table name
 * @param sqlTable the SQL table name
 * @param idColumn the column that holds the row id (a key of the SQL table)
 * @param columns the columns of the tuple's values, in order
 * @param types the Java type each column reads back as: Long, Integer, Short, Byte, Double, Float, String,
 *     byte[], Boolean, BigDecimal, or the class the driver's {@code getObject(int)} returns
 * @param mapping converts values read and written, or null to read by {@code types} and bind values as they are
 */
public record JdbcTable(
        String table,
        String sqlTable,
        String idColumn,
        List<String> columns,
        List<Class<?>> types,
        ValueMapping mapping) {

    /** Converts one table's values between the tuple's types and the database's. */
    public interface ValueMapping {
        /**
         * Reads a column of the current row as a tuple value.
         *
         * @param rs positioned on a row
         * @param index the result column (1-based)
         * @param column the tuple position (0-based)
         * @return the tuple value, or null for SQL NULL
         * @throws SQLException if the value cannot be read or has no lossless form of the column's tuple type
         *     (the message names the column and the value)
         */
        Object read(ResultSet rs, int index, int column) throws SQLException;

        /**
         * Converts a tuple value to what is bound to the statement ({@code setBytes} for a byte[], else
         * {@code setObject}).
         *
         * @param column the tuple position (0-based)
         * @param value the tuple value, not null
         * @return the value to bind
         */
        Object toDatabase(int column, Object value);
    }

    /**
     * Creates a mapping; throws IllegalArgumentException if columns and types differ in number.
     *
     * @param table the deltalog table name
     * @param sqlTable the SQL table name
     * @param idColumn the column that holds the row id (a key of the SQL table)
     * @param columns the columns of the tuple's values, in order
     * @param types the Java type each column reads back as: Long, Integer, Short, Byte, Double, Float, String,
     *     byte[], Boolean, BigDecimal, or the class the driver's {@code getObject(int)} returns
     * @param mapping converts values read and written, or null to read by {@code types} and bind values as they
     *     are
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

    /**
     * Creates a mapping without a {@link ValueMapping}: values are read by {@code types} and bound as they are.
     *
     * @param table the deltalog table name
     * @param sqlTable the SQL table name
     * @param idColumn the column that holds the row id (a key of the SQL table)
     * @param columns the columns of the tuple's values, in order
     * @param types the Java type each column reads back as: Long, Integer, Short, Byte, Double, Float, String,
     *     byte[], Boolean, BigDecimal, or the class the driver's {@code getObject(int)} returns
     * @throws IllegalArgumentException if columns and types differ in number
     */
    public JdbcTable(String table, String sqlTable, String idColumn, List<String> columns, List<Class<?>> types) {
        this(table, sqlTable, idColumn, columns, types, null);
    }

    /** Tells whether the id column is one of the tuple's columns. */
    boolean idInColumns() {
        return columns.contains(idColumn);
    }

    static String quote(String name) {
        return '"' + name.replace("\"", "\"\"") + '"';
    }
}
