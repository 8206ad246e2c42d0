package io.github.deltalog;

import io.github.deltalog.merge.ChainRule;
import io.github.deltalog.store.DeltaCodec;
import java.util.Objects;

/**
 * A set of changes committed atomically under one commit timestamp. Changes of one row inside a transaction
 * collapse to their net effect as they are recorded (the merge rules), so the transaction holds at most one
 * delta per row. Each change is validated and encoded when it is recorded: a bad change throws there and
 * leaves the transaction as it was. Closing without {@link #commit()} rolls back. Belongs to one thread.
 */
public final class DeltaTransaction implements AutoCloseable {
    /** Tables whose names were validated and resolved to ids in this transaction, at most this many. */
    private static final int KNOWN_TABLES = 8;

    private final DeltaLog log;
    private final PendingRows changes = new PendingRows();
    private final String[] knownNames = new String[KNOWN_TABLES];
    private final int[] knownIds = new int[KNOWN_TABLES];
    private int known;
    private boolean finished;

    DeltaTransaction(DeltaLog log) {
        this.log = log;
    }

    /**
     * Records that a row was inserted.
     *
     * @param table a tracked table
     * @param rowId the row
     * @param after the new row image
     * @return this transaction
     * @throws UntrackedTableException if the table is not tracked
     * @throws MergeConflictException if the row was already inserted or updated in this transaction
     * @throws DeltaTooLargeException if the encoded change exceeds 16 MiB
     */
    public DeltaTransaction insert(String table, long rowId, Tuple after) {
        return record(table, rowId, new DeltaOp.Insert(after));
    }

    /**
     * Records that a row was updated.
     *
     * @param table a tracked table
     * @param rowId the row
     * @param before the row image before the change
     * @param after the row image after the change
     * @return this transaction
     * @throws UntrackedTableException if the table is not tracked
     * @throws MergeConflictException if the row was deleted earlier in this transaction
     * @throws DeltaTooLargeException if the encoded change exceeds 16 MiB
     */
    public DeltaTransaction update(String table, long rowId, Tuple before, Tuple after) {
        return record(table, rowId, new DeltaOp.Update(before, after));
    }

    /**
     * Records that a row was deleted.
     *
     * @param table a tracked table
     * @param rowId the row
     * @param before the removed row image
     * @return this transaction
     * @throws UntrackedTableException if the table is not tracked
     * @throws MergeConflictException if the row was deleted earlier in this transaction
     * @throws DeltaTooLargeException if the encoded change exceeds 16 MiB
     */
    public DeltaTransaction delete(String table, long rowId, Tuple before) {
        return record(table, rowId, new DeltaOp.Delete(before));
    }

    /**
     * Records any change.
     *
     * @param table a tracked table
     * @param rowId the row
     * @param op the change
     * @return this transaction
     * @throws NullPointerException if {@code op} is null
     */
    public DeltaTransaction record(String table, long rowId, DeltaOp op) {
        // A null op would read as a no-op below and silently drop the row's earlier change in this transaction.
        Objects.requireNonNull(op, "op");
        checkActive();
        int tableId = trackedTableId(table);
        int entry = changes.find(tableId, rowId);
        DeltaOp earlier = entry < 0 ? null : changes.op(entry);
        DeltaOp net = op;
        if (earlier != null) {
            if (ChainRule.conflicts(earlier, op)) {
                throw new MergeConflictException(table, rowId, earlier, op);
            }
            net = ChainRule.combine(earlier, op);
        }
        if (ChainRule.isNoOp(net)) {
            changes.set(entry, tableId, rowId, table, null, null);
        } else {
            changes.set(entry, tableId, rowId, table, net, DeltaCodec.encode(table, rowId, net));
        }
        return this;
    }

    /**
     * Resolves a table to its id, validating the name and the id lookup once per table and transaction (names
     * and ids never change meaning); whether the table is still tracked is checked on every call, as before.
     */
    private int trackedTableId(String table) {
        if (table != null) {
            for (int i = 0; i < known; i++) {
                if (table.equals(knownNames[i])) {
                    log.checkTracked(knownIds[i]);
                    return knownIds[i];
                }
            }
        }
        int id = log.trackedTableId(table);
        if (known < KNOWN_TABLES) {
            knownNames[known] = table;
            knownIds[known++] = id;
        }
        return id;
    }

    /** Returns how many rows this transaction changes (after collapsing). */
    public int size() {
        return changes.size();
    }

    /**
     * Commits the transaction atomically: readers see all of its changes or none. An empty transaction writes
     * nothing and returns the current watermark.
     *
     * @return the commit timestamp
     * @throws UntrackedTableException if a table was untracked meanwhile; nothing is written
     * @throws IllegalStateException if the transaction was already committed or rolled back
     * @throws LogClosedException if the log is closed
     */
    public long commit() {
        checkActive();
        if (changes.size() == 0) {
            finished = true;
            return log.lastCommitted();
        }
        PendingRows.Sorted rows = changes.sorted();
        long ts = log.commit(rows.tableIds(), rows.rowIds(), rows.values(), rows.tables(), rows.ops());
        finished = true;
        changes.clear();
        return ts;
    }

    /** Discards the transaction's changes. Idempotent; a no-op after commit. */
    public void rollback() {
        finished = true;
        changes.clear();
    }

    /** Rolls back unless committed. */
    @Override
    public void close() {
        rollback();
    }

    private void checkActive() {
        if (finished) {
            throw new IllegalStateException("transaction already committed or rolled back");
        }
        log.checkOpen();
    }
}
