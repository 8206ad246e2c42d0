package io.github.deltalog;

import io.github.deltalog.merge.ChainRule;
import io.github.deltalog.store.LogStore;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Objects;
import java.util.function.IntFunction;

/**
 * A set of changes committed atomically under one commit timestamp. Changes of one row inside a transaction
 * collapse to their net effect as they are recorded (the merge rules), so the transaction holds at most one
 * delta per row. Each change is validated and encoded when it is recorded: a bad change throws there and
 * leaves the transaction as it was. Closing without {@link #commit()} rolls back. Belongs to one thread.
 */
public final class DeltaTransaction implements AutoCloseable {
    private final DeltaLog log;
    /** The changes; taken back by {@link PendingRows#release} when the transaction ends, null after. */
    private PendingRows changes;
    /**
     * Tables whose names were validated and resolved to ids in this transaction, however many, in the order they
     * came ({@link #knownIds} holds their ids); made when a second table comes (a one-table transaction needs only
     * {@link #lastTable}). Searched by identity first: callers pass the same name objects over and over. A
     * transaction past {@link #KNOWN_SCAN} tables also gets {@link #knownMap}.
     */
    private String[] knownNames;

    private int[] knownIds;
    private int knownCount;
    private HashMap<String, Integer> knownMap;
    /** How many tables {@link #knownNames} is scanned for before {@link #knownMap} takes over. */
    private static final int KNOWN_SCAN = 8;

    private String lastTable;
    private int lastTableId;
    private boolean finished;
    /**
     * The log's schema epoch when the transaction began: changes are checked against the current schema as they
     * are recorded, and again at commit (under the write lock) if a schema version was committed since.
     */
    private final long schemaEpoch;

    DeltaTransaction(DeltaLog log) {
        this(log, TransactionTooLargeException.MAX_TRANSACTION_BYTES);
    }

    /** A transaction with a lower size limit than the documented one: tests reach the limit without gigabytes. */
    DeltaTransaction(DeltaLog log, long maxBytes) {
        this.log = log;
        this.changes = PendingRows.take(maxBytes);
        this.schemaEpoch = log.schemaEpoch();
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
     * @throws TransactionTooLargeException if the change would take the transaction past {@link
     *     TransactionTooLargeException#MAX_TRANSACTION_BYTES}; it is not recorded
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
     * @throws TransactionTooLargeException if the change would take the transaction past {@link
     *     TransactionTooLargeException#MAX_TRANSACTION_BYTES}; it is not recorded
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
     * @throws TransactionTooLargeException if the change would take the transaction past {@link
     *     TransactionTooLargeException#MAX_TRANSACTION_BYTES}; it is not recorded
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
        apply(trackedTableId(table), table, rowId, op);
        return this;
    }

    /**
     * Records that rows were inserted: {@code insert(table, rowIds[i], afters.get(i))} for each i in order, with
     * the table resolved once. If one change is refused, none of the batch is recorded.
     *
     * @param table a tracked table
     * @param rowIds the rows
     * @param afters the new row images, one per row id
     * @return this transaction
     * @throws IllegalArgumentException if the lengths differ
     * @throws UntrackedTableException if the table is not tracked
     * @throws MergeConflictException if a row's change conflicts with an earlier one of this transaction (or of
     *     the batch); the transaction is left as it was before the call
     */
    public DeltaTransaction insertAll(String table, long[] rowIds, List<Tuple> afters) {
        checkLengths(rowIds, afters, "after images");
        return recordAll(table, rowIds, i -> new DeltaOp.Insert(afters.get(i)));
    }

    /**
     * Records that rows were updated: {@code update(table, rowIds[i], befores.get(i), afters.get(i))} for each
     * i in order, with the table resolved once. If one change is refused, none of the batch is recorded.
     *
     * @param table a tracked table
     * @param rowIds the rows
     * @param befores the row images before, one per row id
     * @param afters the row images after, one per row id
     * @return this transaction
     * @throws IllegalArgumentException if the lengths differ
     * @throws UntrackedTableException if the table is not tracked
     * @throws MergeConflictException as for {@link #insertAll}; the transaction is left as it was
     */
    public DeltaTransaction updateAll(String table, long[] rowIds, List<Tuple> befores, List<Tuple> afters) {
        checkLengths(rowIds, befores, "before images");
        checkLengths(rowIds, afters, "after images");
        return recordAll(table, rowIds, i -> new DeltaOp.Update(befores.get(i), afters.get(i)));
    }

    /**
     * Records that rows were deleted: {@code delete(table, rowIds[i], befores.get(i))} for each i in order, with
     * the table resolved once. If one change is refused, none of the batch is recorded.
     *
     * @param table a tracked table
     * @param rowIds the rows
     * @param befores the removed row images, one per row id
     * @return this transaction
     * @throws IllegalArgumentException if the lengths differ
     * @throws UntrackedTableException if the table is not tracked
     * @throws MergeConflictException as for {@link #insertAll}; the transaction is left as it was
     */
    public DeltaTransaction deleteAll(String table, long[] rowIds, List<Tuple> befores) {
        checkLengths(rowIds, befores, "before images");
        return recordAll(table, rowIds, i -> new DeltaOp.Delete(befores.get(i)));
    }

    private static void checkLengths(long[] rowIds, List<Tuple> images, String what) {
        Objects.requireNonNull(rowIds, "rowIds");
        Objects.requireNonNull(images, what);
        if (rowIds.length != images.size()) {
            throw new IllegalArgumentException(
                    rowIds.length + " row ids but " + images.size() + " " + what + ": one per row id is needed");
        }
    }

    /** Records a batch of one table's changes, undoing the ones already made if one is refused. */
    private DeltaTransaction recordAll(String table, long[] rowIds, IntFunction<DeltaOp> opAt) {
        checkActive();
        int tableId = trackedTableId(table);
        int n = rowIds.length;
        int[] entries = new int[n];
        DeltaOp[] previousOps = new DeltaOp[n];
        byte[][] previousValues = new byte[n][];
        int done = 0;
        try {
            for (; done < n; done++) {
                long rowId = rowIds[done];
                int entry = changes.find(tableId, rowId);
                if (entry >= 0) {
                    previousOps[done] = changes.op(entry);
                    previousValues[done] = changes.value(entry);
                }
                entries[done] = apply(tableId, table, rowId, opAt.apply(done));
            }
        } catch (RuntimeException e) {
            for (int i = done - 1; i >= 0; i--) {
                if (entries[i] >= 0) {
                    changes.set(entries[i], tableId, rowIds[i], table, previousOps[i], previousValues[i]);
                }
            }
            throw e;
        }
        return this;
    }

    /**
     * Folds one change into the row's net change of this transaction and encodes the result.
     *
     * @return the row's entry, or -1 if the row has none (a change that cancelled out on a new row)
     */
    private int apply(int tableId, String table, long rowId, DeltaOp op) {
        int entry = changes.find(tableId, rowId);
        DeltaOp earlier = entry < 0 ? null : changes.op(entry);
        DeltaOp net = op;
        if (earlier != null) {
            if (ChainRule.conflicts(earlier, op)) {
                throw new MergeConflictException(table, rowId, earlier, op);
            }
            net = ChainRule.combine(earlier, op);
        }
        log.checkSchema(tableId, table, rowId, op);
        if (ChainRule.isNoOp(net)) {
            return changes.set(entry, tableId, rowId, table, null, null);
        }
        return changes.set(entry, tableId, rowId, table, net, LogStore.encode(table, rowId, net));
    }

    /**
     * Resolves a table to its id, validating the name and the id lookup once per table and transaction (names
     * and ids never change meaning); whether the table is still tracked is checked on every call, as before.
     * O(1) whatever the number of tables: the same name as the last call is one comparison, another one a hash
     * lookup.
     */
    private int trackedTableId(String table) {
        int id;
        if (table != null && (table == lastTable || table.equals(lastTable))) {
            id = lastTableId;
        } else {
            int found = table == null ? -1 : knownId(table);
            if (found < 0) {
                id = log.trackedTableId(table);
                if (lastTable != null) {
                    if (knownNames == null) {
                        knownNames = new String[4];
                        knownIds = new int[4];
                        remember(lastTable, lastTableId);
                    }
                    remember(table, id);
                }
            } else {
                id = found;
            }
            lastTable = table;
            lastTableId = id;
        }
        log.checkTracked(id);
        return id;
    }

    /** Returns the id of a table resolved earlier in this transaction, or -1. */
    private int knownId(String table) {
        if (knownMap != null) {
            Integer id = knownMap.get(table);
            return id == null ? -1 : id;
        }
        for (int i = 0; i < knownCount; i++) {
            if (knownNames[i] == table) {
                return knownIds[i];
            }
        }
        for (int i = 0; i < knownCount; i++) {
            if (knownNames[i].equals(table)) {
                return knownIds[i];
            }
        }
        return -1;
    }

    private void remember(String table, int id) {
        if (knownMap != null) {
            knownMap.put(table, id);
            return;
        }
        if (knownCount == KNOWN_SCAN) {
            knownMap = new HashMap<>();
            for (int i = 0; i < knownCount; i++) {
                knownMap.put(knownNames[i], knownIds[i]);
            }
            knownMap.put(table, id);
            return;
        }
        if (knownCount == knownNames.length) {
            knownNames = Arrays.copyOf(knownNames, knownCount * 2);
            knownIds = Arrays.copyOf(knownIds, knownCount * 2);
        }
        knownNames[knownCount] = table;
        knownIds[knownCount++] = id;
    }

    /**
     * Returns how many rows this transaction changes (after collapsing).
     *
     * @return how many rows this transaction changes (after collapsing)
     */
    public int size() {
        return changes == null ? 0 : changes.size();
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
            end();
            return log.lastCommitted();
        }
        PendingRows.Sorted rows = changes.sorted();
        long ts = log.commit(rows.tableIds(), rows.rowIds(), rows.values(), rows.tables(), rows.ops(), schemaEpoch);
        end();
        return ts;
    }

    /** Discards the transaction's changes. Idempotent; a no-op after commit. */
    public void rollback() {
        end();
    }

    private void end() {
        finished = true;
        if (changes != null) {
            PendingRows done = changes;
            changes = null;
            done.release();
        }
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
