package io.github.deltalog.view;

import io.github.deltalog.Tuple;

/**
 * The rows of a view's tables as of the log position the view starts from: the one initial load a view needs
 * when the log's history does not hold every row (rows that existed before the table was tracked, or history
 * purged). Rows must be given exactly as the log would show them; the caller must not commit to these tables
 * while the view is being built from them.
 */
@FunctionalInterface
public interface BaseRows {
    /**
     * Returns every current row of a table.
     *
     * @param table one of the view's tables
     * @return the rows with their ids
     */
    Iterable<Row> rows(String table);

    /**
     * One base row.
     *
     * @param rowId the row's id in its table
     * @param row the row image
     */
    record Row(long rowId, Tuple row) {}
}
