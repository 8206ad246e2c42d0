package io.github.deltalog.jdbc;

import java.util.List;

/**
 * One installed version of a captured table: its columns in order, its primary key and the column that gives the
 * row id. Every install of a table creates a new shape with a new id; outbox rows carry the id of the shape they
 * were captured under, so a change always meets the columns it was written with.
 *
 * @param id the shape id, unique in the database, also the row id of its entry in the log's columns table
 * @param table the table name as the database stores it (also the log's table name)
 * @param rowIdColumn the integer primary key column that gives the row id, or null for the implicit row id
 *     (SQLite's {@code rowid})
 * @param columns the columns in table order
 * @param key the primary key's columns in key order (empty if the table has none)
 */
public record TableShape(int id, String table, String rowIdColumn, List<CapturedColumn> columns, List<String> key) {
    /**
     * Copies the lists.
     *
     * @param id the shape id, unique in the database, also the row id of its entry in the log's columns table
     * @param table the table name as the database stores it (also the log's table name)
     * @param rowIdColumn the integer primary key column that gives the row id, or null for the implicit row id
     *     (SQLite's {@code rowid})
     * @param columns the columns in table order
     * @param key the primary key's columns in key order (empty if the table has none)
     */
    public TableShape {
        columns = List.copyOf(columns);
        key = List.copyOf(key);
    }

    /**
     * Returns the position of the row id column.
     *
     * @return its index in {@link #columns()}, or -1 for the implicit row id
     */
    public int rowIdIndex() {
        for (int i = 0; i < columns.size(); i++) {
            if (columns.get(i).name().equals(rowIdColumn)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Tells whether another shape describes the same table layout (ids aside).
     *
     * @param other another shape
     * @return true if table, row id column, columns and key are equal
     */
    public boolean sameLayout(TableShape other) {
        return table.equals(other.table)
                && java.util.Objects.equals(rowIdColumn, other.rowIdColumn)
                && columns.equals(other.columns)
                && key.equals(other.key);
    }
}
