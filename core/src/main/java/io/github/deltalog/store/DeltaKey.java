package io.github.deltalog.store;

/**
 * The key of one stored delta: ordered by table id, then commit timestamp, then row id, so that one table's
 * changes after a position form one contiguous key range.
 *
 * @param tableId the catalog id of the table
 * @param commitTimestamp the commit timestamp of the delta
 * @param rowId the row id
 */
public record DeltaKey(int tableId, long commitTimestamp, long rowId) implements Comparable<DeltaKey> {

    /**
     * Returns the largest key of a table at or before a timestamp.
     *
     * @param tableId the table
     * @param commitTimestamp the timestamp
     * @return the key with the greatest row id at that timestamp
     */
    public static DeltaKey last(int tableId, long commitTimestamp) {
        return new DeltaKey(tableId, commitTimestamp, Long.MAX_VALUE);
    }

    /**
     * Returns the smallest key of a table at a timestamp.
     *
     * @param tableId the table
     * @param commitTimestamp the timestamp
     * @return the key with the least row id at that timestamp
     */
    public static DeltaKey first(int tableId, long commitTimestamp) {
        return new DeltaKey(tableId, commitTimestamp, Long.MIN_VALUE);
    }

    @Override
    public int compareTo(DeltaKey o) {
        int c = Integer.compare(tableId, o.tableId);
        if (c != 0) {
            return c;
        }
        c = Long.compare(commitTimestamp, o.commitTimestamp);
        return c != 0 ? c : Long.compare(rowId, o.rowId);
    }
}
