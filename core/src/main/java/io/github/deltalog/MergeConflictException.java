package io.github.deltalog;

/**
 * Thrown when two changes of one row cannot follow each other (an insert of a row that exists, an update or
 * delete of a row that does not) and the merge policy is strict. Names the table, the row and both commit
 * timestamps.
 */
public class MergeConflictException extends DeltaLogException {
    private static final long serialVersionUID = 1L;

    /** The table of the row. */
    private final String table;
    /** The row. */
    private final long rowId;
    /** The commit timestamp of the earlier change. */
    private final long earlierTimestamp;
    /** The commit timestamp of the later change, which cannot follow the earlier one. */
    private final long laterTimestamp;

    /**
     * Creates the exception.
     *
     * @param table the table of the row
     * @param rowId the row
     * @param earlier the earlier change
     * @param earlierTimestamp the commit timestamp of the earlier change
     * @param later the later change
     * @param laterTimestamp the commit timestamp of the later change
     */
    public MergeConflictException(
            String table, long rowId, DeltaOp earlier, long earlierTimestamp, DeltaOp later, long laterTimestamp) {
        super("merge conflict in table '" + table + "', row " + rowId + ": " + name(later) + " at " + laterTimestamp
                + " cannot follow " + name(earlier) + " at " + earlierTimestamp);
        this.table = table;
        this.rowId = rowId;
        this.earlierTimestamp = earlierTimestamp;
        this.laterTimestamp = laterTimestamp;
    }

    /**
     * Creates the exception for two changes of one row inside one uncommitted transaction (no timestamps yet).
     *
     * @param table the table of the row
     * @param rowId the row
     * @param earlier the change already in the transaction
     * @param later the change that cannot follow it
     */
    public MergeConflictException(String table, long rowId, DeltaOp earlier, DeltaOp later) {
        super("merge conflict in table '" + table + "', row " + rowId + ": " + name(later) + " cannot follow "
                + name(earlier) + " in the same transaction");
        this.table = table;
        this.rowId = rowId;
        this.earlierTimestamp = -1;
        this.laterTimestamp = -1;
    }

    private static String name(DeltaOp op) {
        return op.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * Returns the table of the conflicting row.
     *
     * @return the table of the conflicting row
     */
    public String table() {
        return table;
    }

    /**
     * Returns the conflicting row.
     *
     * @return the conflicting row
     */
    public long rowId() {
        return rowId;
    }

    /**
     * Returns the commit timestamp of the earlier change, or -1 inside an uncommitted transaction.
     *
     * @return the commit timestamp of the earlier change, or -1 inside an uncommitted transaction
     */
    public long earlierTimestamp() {
        return earlierTimestamp;
    }

    /**
     * Returns the commit timestamp of the later change, or -1 inside an uncommitted transaction.
     *
     * @return the commit timestamp of the later change, or -1 inside an uncommitted transaction
     */
    public long laterTimestamp() {
        return laterTimestamp;
    }
}
