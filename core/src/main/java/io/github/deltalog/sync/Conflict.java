package io.github.deltalog.sync;

import io.github.deltalog.Delta;
import io.github.deltalog.Tuple;
import java.util.Objects;

/**
 * One change that does not fit the target, as a conflict handler sees it.
 *
 * @param type why it does not fit
 * @param change the incoming change (its table, row id, commit timestamp and operation)
 * @param current the target's current row, or null if it holds none
 * @param localTimestamp the commit timestamp of the target's latest local change to the row, or {@link
 *     RowTimestamps#UNKNOWN} if the applier was given none
 * @param detail for a refused write ({@link ConflictType#isRefusal()}), the target's message; otherwise empty
 */
public record Conflict(ConflictType type, Delta change, Tuple current, long localTimestamp, String detail) {
    /**
     * Creates a conflict; throws NullPointerException if type, change or detail is null.
     *
     * @param type why it does not fit
     * @param change the incoming change (its table, row id, commit timestamp and operation)
     * @param current the target's current row, or null if it holds none
     * @param localTimestamp the commit timestamp of the target's latest local change to the row, or {@link RowTimestamps#UNKNOWN} if the applier was given none
     * @param detail for a refused write ({@link ConflictType#isRefusal()}), the target's message; otherwise empty
     */
    public Conflict {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(change, "change");
        Objects.requireNonNull(detail, "detail");
    }

    /**
     * Returns the table of the conflicting change.
     *
     * @return the table of the conflicting change
     */
    public String table() {
        return change.table();
    }

    /**
     * Returns the row id of the conflicting change.
     *
     * @return the row id of the conflicting change
     */
    public long rowId() {
        return change.rowId();
    }

    /** Describes the conflict for a message: type, table, row, both timestamps, the change and the row found. */
    @Override
    public String toString() {
        return type + " conflict on table '" + change.table() + "' row " + change.rowId() + ": change "
                + change.op() + " committed at " + change.commitTimestamp() + ", target row " + current
                + (localTimestamp == RowTimestamps.UNKNOWN ? "" : " changed locally at " + localTimestamp)
                + (detail.isEmpty() ? "" : " (" + detail + ")");
    }
}
