package io.github.deltalog.sync;

/**
 * Tells when a target's row was last changed locally: the commit timestamp that "later commit wins" compares
 * the incoming change's timestamp with.
 */
@FunctionalInterface
public interface RowTimestamps {
    /** The timestamp of a row nobody knows a local change of: any incoming change is later. */
    long UNKNOWN = Long.MIN_VALUE;

    /** The lookup that knows nothing: every row's timestamp is {@link #UNKNOWN}. */
    RowTimestamps NONE = (table, rowId) -> UNKNOWN;

    /**
     * Returns the commit timestamp of the latest local change of a row.
     *
     * @param table the table
     * @param rowId the row
     * @return the timestamp, or {@link #UNKNOWN}
     */
    long timestampOf(String table, long rowId);
}
