package io.github.deltalog;

import java.util.Arrays;

/**
 * A transaction's changes, at most one per row: an open-addressing hash table keyed by (table id, row id) over
 * parallel arrays, so that recording a change allocates no key, entry or boxed id (the {@code HashMap} of
 * records it replaces was a large share of the recording cost). Entries stay in insertion order; a row whose
 * changes collapsed to nothing keeps its entry with a null op, so the index never needs deletions. Not
 * thread-safe (a transaction belongs to one thread).
 */
final class PendingRows {
    private static final int INITIAL_ENTRIES = 16;
    /** Sorted runs at most this long use insertion sort. */
    private static final int INSERTION_SORT = 16;

    private int[] tableIds = new int[INITIAL_ENTRIES];
    private long[] rowIds = new long[INITIAL_ENTRIES];
    private String[] tables = new String[INITIAL_ENTRIES];
    private DeltaOp[] ops = new DeltaOp[INITIAL_ENTRIES];
    private byte[][] encoded = new byte[INITIAL_ENTRIES][];
    /** Entry index + 1 per slot, 0 for a free slot; at most half full. */
    private int[] slots = new int[INITIAL_ENTRIES * 2];

    private int entries;
    private int live;

    /** Returns the entry of a row, or -1. The entry may hold no change (a null {@link #op}). */
    int find(int tableId, long rowId) {
        int mask = slots.length - 1;
        for (int s = hash(tableId, rowId) & mask; ; s = (s + 1) & mask) {
            int e = slots[s] - 1;
            if (e < 0) {
                return -1;
            }
            if (rowIds[e] == rowId && tableIds[e] == tableId) {
                return e;
            }
        }
    }

    /** Returns the change held by an entry, or null. */
    DeltaOp op(int entry) {
        return ops[entry];
    }

    /**
     * Sets a row's change, creating its entry when {@code entry} is -1.
     *
     * @param entry the row's entry from {@link #find}, or -1 if it has none
     * @param op the net change, or null if the row's changes cancelled out
     * @param value its encoding, null with a null op
     */
    void set(int entry, int tableId, long rowId, String table, DeltaOp op, byte[] value) {
        if (entry < 0) {
            if (op == null) {
                return;
            }
            entry = add(tableId, rowId);
        }
        if ((ops[entry] == null) != (op == null)) {
            live += op == null ? -1 : 1;
        }
        tables[entry] = table;
        ops[entry] = op;
        encoded[entry] = value;
    }

    /** Returns how many rows hold a change. */
    int size() {
        return live;
    }

    /** Drops every entry. */
    void clear() {
        Arrays.fill(slots, 0);
        Arrays.fill(tables, 0, entries, null);
        Arrays.fill(ops, 0, entries, null);
        Arrays.fill(encoded, 0, entries, null);
        entries = 0;
        live = 0;
    }

    /** The rows that hold a change, ordered by (table id, row id), in parallel arrays. */
    record Sorted(int[] tableIds, long[] rowIds, byte[][] values, String[] tables, DeltaOp[] ops) {}

    /** Returns the rows that hold a change, ordered by (table id, row id). O(n log n). */
    Sorted sorted() {
        int[] order = new int[live];
        int n = 0;
        for (int e = 0; e < entries; e++) {
            if (ops[e] != null) {
                order[n++] = e;
            }
        }
        sort(order, 0, n);
        int[] sortedTableIds = new int[n];
        long[] sortedRowIds = new long[n];
        byte[][] sortedValues = new byte[n][];
        String[] sortedTables = new String[n];
        DeltaOp[] sortedOps = new DeltaOp[n];
        for (int i = 0; i < n; i++) {
            int e = order[i];
            sortedTableIds[i] = tableIds[e];
            sortedRowIds[i] = rowIds[e];
            sortedValues[i] = encoded[e];
            sortedTables[i] = tables[e];
            sortedOps[i] = ops[e];
        }
        return new Sorted(sortedTableIds, sortedRowIds, sortedValues, sortedTables, sortedOps);
    }

    private int add(int tableId, long rowId) {
        if (entries == tableIds.length) {
            grow();
        }
        int e = entries++;
        tableIds[e] = tableId;
        rowIds[e] = rowId;
        insertSlot(e);
        return e;
    }

    private void insertSlot(int entry) {
        int mask = slots.length - 1;
        int s = hash(tableIds[entry], rowIds[entry]) & mask;
        while (slots[s] != 0) {
            s = (s + 1) & mask;
        }
        slots[s] = entry + 1;
    }

    private void grow() {
        int capacity = tableIds.length * 2;
        tableIds = Arrays.copyOf(tableIds, capacity);
        rowIds = Arrays.copyOf(rowIds, capacity);
        tables = Arrays.copyOf(tables, capacity);
        ops = Arrays.copyOf(ops, capacity);
        encoded = Arrays.copyOf(encoded, capacity);
        slots = new int[capacity * 2];
        for (int e = 0; e < entries; e++) {
            insertSlot(e);
        }
    }

    /** Mixes both key parts (Stafford's variant 13 finalizer): row ids are often sequential. */
    private static int hash(int tableId, long rowId) {
        long h = rowId ^ ((long) tableId << 48) ^ ((long) tableId >>> 16);
        h = (h ^ (h >>> 30)) * 0xBF58476D1CE4E5B9L;
        h = (h ^ (h >>> 27)) * 0x94D049BB133111EBL;
        return (int) (h ^ (h >>> 31));
    }

    private boolean less(int a, int b) {
        int c = Integer.compare(tableIds[a], tableIds[b]);
        return c != 0 ? c < 0 : rowIds[a] < rowIds[b];
    }

    /**
     * Sorts entry indexes by their keys: quicksort with a median-of-three pivot, insertion sort for short runs,
     * recursion only into the shorter side (stack depth O(log n)). Keys are distinct.
     */
    private void sort(int[] a, int from, int to) {
        while (to - from > INSERTION_SORT) {
            int mid = (from + to) >>> 1;
            medianToMiddle(a, from, mid, to - 1);
            int pivot = a[mid];
            int i = from;
            int j = to - 1;
            while (i <= j) {
                while (less(a[i], pivot)) {
                    i++;
                }
                while (less(pivot, a[j])) {
                    j--;
                }
                if (i <= j) {
                    swap(a, i++, j--);
                }
            }
            if (j - from < to - i) {
                sort(a, from, j + 1);
                from = i;
            } else {
                sort(a, i, to);
                to = j + 1;
            }
        }
        for (int i = from + 1; i < to; i++) {
            int x = a[i];
            int j = i - 1;
            while (j >= from && less(x, a[j])) {
                a[j + 1] = a[j];
                j--;
            }
            a[j + 1] = x;
        }
    }

    private void medianToMiddle(int[] a, int x, int y, int z) {
        if (less(a[y], a[x])) {
            swap(a, x, y);
        }
        if (less(a[z], a[y])) {
            swap(a, y, z);
            if (less(a[y], a[x])) {
                swap(a, x, y);
            }
        }
    }

    private static void swap(int[] a, int i, int j) {
        int t = a[i];
        a[i] = a[j];
        a[j] = t;
    }
}
