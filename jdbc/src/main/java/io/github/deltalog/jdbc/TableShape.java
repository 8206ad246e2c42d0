package io.github.deltalog.jdbc;

import java.util.List;

/**
 * One installed version of a captured table: its columns in order and the column that gives the row id. Every
 * install of a table creates a new shape with a new id; outbox rows carry the id of the shape they were captured
 * under, so a change always meets the columns it was written with.
 *
 * @param id the shape id, unique in the database, also the row id of its entry in the log's columns table
 * @param table the table name as the database stores it (also the log's table name)
 * @param rowIdColumn the integer primary key column that gives the row id, or null for the implicit row id
 *     (SQLite's {@code rowid})
 * @param columns the columns in table order
 */
public record TableShape(int id, String table, String rowIdColumn, List<CapturedColumn> columns) {
    /**
     * Copies the column list.
     *
     * @param id the shape id, unique in the database, also the row id of its entry in the log's columns table
     * @param table the table name as the database stores it (also the log's table name)
     * @param rowIdColumn the integer primary key column that gives the row id, or null for the implicit row id
     *     (SQLite's {@code rowid})
     * @param columns the columns in table order
     */
    public TableShape {
        columns = List.copyOf(columns);
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
}
