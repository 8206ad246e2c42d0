package io.github.deltalog;

import java.time.Instant;
import java.util.Objects;

/**
 * One change to one row, as read back from the log.
 *
 * @param table the table the row belongs to
 * @param rowId the row's identifier within its table
 * @param commitTimestamp the commit timestamp of the transaction that made the change, in microseconds since
 *     the epoch; also the change's position in the log
 * @param op what the change did
 */
public record Delta(String table, long rowId, long commitTimestamp, DeltaOp op) {

    /**
     * Creates a delta.
     *
     * @param table the table the row belongs to
     * @param rowId the row's identifier within its table
     * @param commitTimestamp the commit timestamp, in microseconds since the epoch
     * @param op what the change did
     * @throws NullPointerException if {@code table} or {@code op} is null
     */
    public Delta {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(op, "op");
    }

    /**
     * Returns the commit timestamp as an instant (microsecond precision).
     *
     * @return the commit time
     */
    public Instant timestamp() {
        return Instant.ofEpochSecond(
                Math.floorDiv(commitTimestamp, 1_000_000L), Math.floorMod(commitTimestamp, 1_000_000L) * 1_000L);
    }

    /**
     * Returns the same change with its operation inverted (see {@link DeltaOp#invert()}).
     *
     * @return the undoing delta, with the same table, row and timestamp
     */
    public Delta invert() {
        return new Delta(table, rowId, commitTimestamp, op.invert());
    }
}
