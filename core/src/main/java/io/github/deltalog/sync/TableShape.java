package io.github.deltalog.sync;

import java.util.Arrays;
import java.util.Objects;

/**
 * What SQLite's changeset format needs to know of a table: its name, its number of columns and which columns form
 * its primary key, in key order. deltalog's log does not hold schemas, so callers pass the shape explicitly.
 *
 * <p>deltalog identifies rows by a {@code long} row id; a shape maps it to SQLite's primary key when the key is
 * one column holding integers (SQLite's {@code INTEGER PRIMARY KEY}, its rowid): that column's value is the row
 * id. Tables with other keys can be written but their changes cannot be read back into deltas.
 */
public final class TableShape {
    /** The most columns a table may have (SQLite's {@code SQLITE_MAX_COLUMN} ceiling). */
    public static final int MAX_COLUMNS = 32767;

    private final String table;
    private final int columnCount;
    private final int[] keyColumns;
    private final int[] keyPosition;

    private TableShape(String table, int columnCount, int[] keyColumns) {
        this.table = table;
        this.columnCount = columnCount;
        this.keyColumns = keyColumns;
        this.keyPosition = new int[columnCount];
        for (int i = 0; i < keyColumns.length; i++) {
            keyPosition[keyColumns[i]] = i + 1;
        }
    }

    /**
     * Creates a shape.
     *
     * @param table the table name, not empty, without a NUL character
     * @param columnCount the number of columns, 1 to {@link #MAX_COLUMNS}
     * @param keyColumns the 0-based indexes of the primary-key columns, in key order; at least one, no repeats
     * @return the shape
     * @throws IllegalArgumentException naming the table and the bad value
     */
    public static TableShape of(String table, int columnCount, int... keyColumns) {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(keyColumns, "keyColumns");
        if (table.isEmpty() || table.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("table name '" + table + "' is empty or holds a NUL character");
        }
        if (columnCount < 1 || columnCount > MAX_COLUMNS) {
            throw new IllegalArgumentException(
                    "table '" + table + "': column count " + columnCount + " is not in 1.." + MAX_COLUMNS);
        }
        if (keyColumns.length == 0) {
            throw new IllegalArgumentException("table '" + table + "' needs a primary key (SQLite's session"
                    + " extension records only tables with one)");
        }
        boolean[] seen = new boolean[columnCount];
        for (int c : keyColumns) {
            if (c < 0 || c >= columnCount || seen[c]) {
                throw new IllegalArgumentException("table '" + table + "': primary-key column " + c + " is out of 0.."
                        + (columnCount - 1) + " or repeated");
            }
            seen[c] = true;
        }
        return new TableShape(table, columnCount, keyColumns.clone());
    }

    /**
     * Returns the table name.
     *
     * @return the table name
     */
    public String table() {
        return table;
    }

    /**
     * Returns the number of columns.
     *
     * @return the number of columns
     */
    public int columnCount() {
        return columnCount;
    }

    /**
     * Returns the 0-based primary-key column indexes, in key order (a copy).
     *
     * @return the 0-based primary-key column indexes, in key order (a copy)
     */
    public int[] keyColumns() {
        return keyColumns.clone();
    }

    /**
     * Returns a column's 1-based position in the primary key, or 0 if it is not part of it (the flag byte SQLite
     * 3.40 writes into a changeset's table header).
     *
     * @param column 0-based column index
     * @return the key position, or 0
     */
    public int keyPosition(int column) {
        return keyPosition[column];
    }

    /**
     * Returns the column that holds the row id: the primary key's only column, or -1 if the key has several.
     *
     * @return the 0-based column index, or -1
     */
    public int rowIdColumn() {
        return keyColumns.length == 1 ? keyColumns[0] : -1;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TableShape s
                && s.table.equals(table)
                && s.columnCount == columnCount
                && Arrays.equals(s.keyColumns, keyColumns);
    }

    @Override
    public int hashCode() {
        return table.hashCode() * 31 + columnCount * 17 + Arrays.hashCode(keyColumns);
    }

    @Override
    public String toString() {
        return "TableShape(" + table + ", " + columnCount + " columns, key " + Arrays.toString(keyColumns) + ")";
    }
}
