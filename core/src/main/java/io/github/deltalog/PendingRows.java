package io.github.deltalog;

import io.github.deltalog.merge.RowTable;
import java.util.Arrays;

/**
 * A transaction's changes, at most one per row, indexed by (table id, row id) in a {@link RowTable} (the merge's
 * row index), with the change, its encoding and its table's name in arrays indexed by entry: recording a change
 * allocates no key, entry or boxed id. Entries stay in insertion order; a row whose changes collapsed to nothing
 * keeps its entry with a null op, so the index never needs deletions. Not thread-safe (a transaction belongs to
 * one thread).
 */
final class PendingRows {
    /** Small: most transactions recorded one by one hold a few rows, and the arrays double as needed. */
    private static final int INITIAL_ENTRIES = 4;
    /** Table ids below this are remembered in {@link #seenSmall}; others by a scan of {@link #distinct}. */
    private static final int SMALL_IDS = 1 << 12;
    /**
     * The largest capacity (entries) a finished transaction's set is kept at for the thread's next transaction:
     * about 55 KB per thread. Larger ones are dropped, so a thread never holds a big transaction's arrays.
     */
    private static final int MAX_SPARE_ENTRIES = 1024;
    /**
     * Each thread's set from its last finished transaction, cleared, for its next one: a transaction of 100 rows
     * grew a fresh set five times (arrays and hash slots), about 160 bytes per delta and 7 % of the time it took
     * to record a delta.
     */
    private static final ThreadLocal<PendingRows> SPARE = new ThreadLocal<>();

    /** What a delta adds to its journal record besides its value, at most: varint table id, row id, varint length. */
    static final int RECORD_OVERHEAD = 5 + 8 + 5;

    /** The most bytes the transaction's journal record may take ({@link #bytes}). */
    private final long maxBytes;
    /** The bytes the held changes take in a journal record, kept as they are set: the limit is checked early. */
    private long bytes;

    private RowTable index = new RowTable(INITIAL_ENTRIES);
    private String[] tables = new String[INITIAL_ENTRIES];
    private DeltaOp[] ops = new DeltaOp[INITIAL_ENTRIES];
    private byte[][] encoded = new byte[INITIAL_ENTRIES][];
    /** The distinct table ids of the entries, in the order they first came. */
    private int[] distinct = new int[4];

    private int distinctCount;
    private boolean[] seenSmall = new boolean[0];
    private int lastTable = -1;
    private int live;

    /**
     * Creates an empty set of changes.
     *
     * @param maxBytes the most bytes the changes may take encoded ({@link
     *     TransactionTooLargeException#MAX_TRANSACTION_BYTES}; lower in tests)
     */
    PendingRows(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    /**
     * Returns an empty set: the calling thread's spare one if it has one of this limit, else a new one.
     *
     * @param maxBytes as for {@link #PendingRows(long)}
     */
    static PendingRows take(long maxBytes) {
        PendingRows spare = SPARE.get();
        if (spare != null && spare.maxBytes == maxBytes) {
            SPARE.set(null);
            return spare;
        }
        return new PendingRows(maxBytes);
    }

    /**
     * Clears this set and keeps it as the calling thread's spare for {@link #take}, unless it is large. The
     * caller must not use it afterwards.
     */
    void release() {
        clear();
        if (ops.length <= MAX_SPARE_ENTRIES) {
            SPARE.set(this);
        }
    }

    /** Returns the entry of a row, or -1. The entry may hold no change (a null {@link #op}). */
    int find(int tableId, long rowId) {
        return index.find(tableId, rowId);
    }

    /** Returns the change held by an entry, or null. */
    DeltaOp op(int entry) {
        return ops[entry];
    }

    /** Returns the encoding of an entry's change, or null. */
    byte[] value(int entry) {
        return encoded[entry];
    }

    /**
     * Sets a row's change, creating its entry when {@code entry} is -1.
     *
     * @param entry the row's entry from {@link #find}, or -1 if it has none
     * @param tableId the table's id, at least 0
     * @param op the net change, or null if the row's changes cancelled out
     * @param value its encoding, null with a null op
     * @return the row's entry, or -1 if it has none (a null op for a row without an entry)
     * @throws TransactionTooLargeException if the change would take the transaction past its limit; nothing is
     *     changed. Checked here, as changes come, so that a transaction over the limit fails before it holds
     *     gigabytes, not at commit.
     */
    int set(int entry, int tableId, long rowId, String table, DeltaOp op, byte[] value) {
        long before = entry < 0 ? 0 : footprint(encoded[entry]);
        long after = bytes - before + footprint(value);
        if (after > maxBytes && after > bytes) {
            throw new TransactionTooLargeException("transaction too large: row " + rowId + " of table '" + table
                    + "' would take its deltas to " + after + " bytes encoded, above the limit of " + maxBytes
                    + " bytes (" + (maxBytes >> 20) + " MiB); the change was not recorded (commit or roll back,"
                    + " and split the work into smaller transactions)");
        }
        if (entry < 0) {
            if (op == null) {
                return -1;
            }
            entry = add(tableId, rowId);
        }
        if ((ops[entry] == null) != (op == null)) {
            live += op == null ? -1 : 1;
        }
        tables[entry] = table;
        ops[entry] = op;
        encoded[entry] = value;
        bytes = after;
        return entry;
    }

    private static long footprint(byte[] value) {
        return value == null ? 0 : value.length + RECORD_OVERHEAD;
    }

    /** Returns the bytes the held changes take in a journal record, at most. */
    long bytes() {
        return bytes;
    }

    /** Returns how many rows hold a change. */
    int size() {
        return live;
    }

    /** Drops every entry; shrinks arrays much larger than the entries held (a clear costs their size). */
    void clear() {
        int entries = index.size();
        if (ops.length > 64 && entries * 8 < ops.length) {
            int capacity = Math.max(INITIAL_ENTRIES, Integer.highestOneBit(Math.max(1, entries) * 2));
            index = new RowTable(capacity);
            tables = new String[capacity];
            ops = new DeltaOp[capacity];
            encoded = new byte[capacity][];
        } else {
            index.clear();
            Arrays.fill(tables, 0, entries, null);
            Arrays.fill(ops, 0, entries, null);
            Arrays.fill(encoded, 0, entries, null);
        }
        for (int i = 0; i < distinctCount; i++) {
            if (distinct[i] < seenSmall.length) {
                seenSmall[distinct[i]] = false;
            }
        }
        distinctCount = 0;
        lastTable = -1;
        live = 0;
        bytes = 0;
    }

    /** The rows that hold a change, ordered by (table id, row id), in parallel arrays. */
    record Sorted(int[] tableIds, long[] rowIds, byte[][] values, String[] tables, DeltaOp[] ops) {}

    /** Returns the rows that hold a change, ordered by (table id, row id). O(n log n). */
    Sorted sorted() {
        int entries = index.size();
        int[] order = new int[live];
        int n = 0;
        for (int e = 0; e < entries; e++) {
            if (ops[e] != null) {
                order[n++] = e;
            }
        }
        int[] tableOrder = Arrays.copyOf(distinct, distinctCount);
        Arrays.sort(tableOrder);
        order = index.sortedEntries(order, n, tableOrder);
        int[] sortedTableIds = new int[n];
        long[] sortedRowIds = new long[n];
        byte[][] sortedValues = new byte[n][];
        String[] sortedTables = new String[n];
        DeltaOp[] sortedOps = new DeltaOp[n];
        for (int i = 0; i < n; i++) {
            int e = order[i];
            sortedTableIds[i] = index.table(e);
            sortedRowIds[i] = index.row(e);
            sortedValues[i] = encoded[e];
            sortedTables[i] = tables[e];
            sortedOps[i] = ops[e];
        }
        return new Sorted(sortedTableIds, sortedRowIds, sortedValues, sortedTables, sortedOps);
    }

    private int add(int tableId, long rowId) {
        int e = index.add(tableId, rowId);
        if (e == ops.length) {
            int capacity = ops.length * 2;
            tables = Arrays.copyOf(tables, capacity);
            ops = Arrays.copyOf(ops, capacity);
            encoded = Arrays.copyOf(encoded, capacity);
        }
        if (tableId != lastTable) {
            noteTable(tableId);
            lastTable = tableId;
        }
        return e;
    }

    /** Remembers a table id among the distinct ones: O(1) for small ids, a scan of the distinct ones otherwise. */
    private void noteTable(int tableId) {
        if (tableId < SMALL_IDS) {
            if (tableId >= seenSmall.length) {
                seenSmall = Arrays.copyOf(seenSmall, Math.min(SMALL_IDS, Math.max(tableId + 1, seenSmall.length * 2)));
            }
            if (seenSmall[tableId]) {
                return;
            }
            seenSmall[tableId] = true;
        } else {
            for (int i = 0; i < distinctCount; i++) {
                if (distinct[i] == tableId) {
                    return;
                }
            }
        }
        if (distinctCount == distinct.length) {
            distinct = Arrays.copyOf(distinct, distinctCount * 2);
        }
        distinct[distinctCount++] = tableId;
    }
}
