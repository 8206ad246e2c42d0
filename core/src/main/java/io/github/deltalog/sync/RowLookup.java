package io.github.deltalog.sync;

import io.github.deltalog.Tuple;

/** Reads a row of some state (a target, a snapshot): what completes a change that carries only part of a row. */
@FunctionalInterface
public interface RowLookup {
    /** The state that holds no rows. */
    RowLookup EMPTY = (table, rowId) -> null;

    /**
     * Reads a row.
     *
     * @param table the table
     * @param rowId the row id
     * @return the row, or null if there is none
     */
    Tuple get(String table, long rowId);
}
