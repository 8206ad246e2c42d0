package io.github.deltalog.merge;

import io.github.deltalog.DeltaOp;
import java.util.Arrays;

/**
 * The per-row state of a merge in parallel primitive arrays, found through an open-addressing hash table keyed
 * by (table index, row id): no boxed key, no entry object per row. Memory grows with the number of distinct
 * rows, never with the number of deltas.
 */
final class RowStates {
    /** The row's chain changes nothing so far, and the row does not exist at its end. */
    static final byte NET_NONE_ABSENT = 1;
    /** The row's chain changes nothing so far, and the row exists at its end. */
    static final byte NET_NONE_PRESENT = 2;
    /** The row's chain has a net change in {@link #op}. */
    static final byte NET_CHANGE = 3;

    private int[] slots = new int[64]; // entry index + 1; 0 = empty
    private int mask = 63;
    private int size;

    int[] tableIndex = new int[32];
    long[] rowId = new long[32];
    DeltaOp[] op = new DeltaOp[32];
    long[] timestamp = new long[32];
    byte[] state = new byte[32];

    int size() {
        return size;
    }

    /** Returns the entry of a row, or -1. Expected O(1). */
    int find(int table, long row) {
        for (int s = hash(table, row) & mask; ; s = (s + 1) & mask) {
            int e = slots[s] - 1;
            if (e < 0) {
                return -1;
            }
            if (rowId[e] == row && tableIndex[e] == table) {
                return e;
            }
        }
    }

    /** Adds a row that {@link #find} did not find; returns its entry. Amortised O(1). */
    int add(int table, long row) {
        if (size == rowId.length) {
            grow();
        }
        int e = size++;
        tableIndex[e] = table;
        rowId[e] = row;
        place(e);
        if (size * 2 > slots.length) {
            rehash();
        }
        return e;
    }

    private void place(int e) {
        int s = hash(tableIndex[e], rowId[e]) & mask;
        while (slots[s] != 0) {
            s = (s + 1) & mask;
        }
        slots[s] = e + 1;
    }

    private void grow() {
        int n = rowId.length * 2;
        tableIndex = Arrays.copyOf(tableIndex, n);
        rowId = Arrays.copyOf(rowId, n);
        op = Arrays.copyOf(op, n);
        timestamp = Arrays.copyOf(timestamp, n);
        state = Arrays.copyOf(state, n);
    }

    private void rehash() {
        slots = new int[slots.length * 2];
        mask = slots.length - 1;
        for (int e = 0; e < size; e++) {
            place(e);
        }
    }

    private static int hash(int table, long row) {
        long h = (row ^ ((long) table << 48)) * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32));
    }
}
