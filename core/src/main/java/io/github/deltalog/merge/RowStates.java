package io.github.deltalog.merge;

import io.github.deltalog.DeltaOp;

/**
 * The per-row state of a merge, held in the slots of an open-addressing hash table keyed by (table index,
 * row id): primitive arrays, no boxed key, no entry object per row. A slot's row id, timestamp and tag sit side
 * by side in one {@code long[]} (three longs a slot), so a lookup and an update touch one cache line there and
 * one in the operation array. Memory grows with the number of distinct rows, never with the number of deltas.
 * A slot index stays valid until the next {@link #add}.
 */
final class RowStates {
    /** The row's chain changes nothing so far, and the row does not exist at its end. */
    static final int NET_NONE_ABSENT = 1;
    /** The row's chain changes nothing so far, and the row exists at its end. */
    static final int NET_NONE_PRESENT = 2;
    /** The row's chain has a net change in {@link #op}. */
    static final int NET_CHANGE = 3;

    private static final int STRIDE = 3;
    private static final int ROW = 0;
    private static final int TS = 1;
    /** 0 for an empty slot, else {@code (tableIndex + 1) << 2 | state}. */
    private static final int TAG = 2;

    private long[] data;
    /** The net change, or in the none states the last change (for conflict messages). */
    private DeltaOp[] op;

    private int mask;
    private int size;

    /** Creates a table with room for {@code expectedRows} rows before it grows (at least 32). */
    RowStates(int expectedRows) {
        int slots = Integer.highestOneBit(Math.max(32, expectedRows) * 2 - 1) << 1;
        data = new long[slots * STRIDE];
        op = new DeltaOp[slots];
        mask = slots - 1;
    }

    /** Returns how many rows are held. */
    int size() {
        return size;
    }

    /** Returns how many slots there are; slots are numbered from 0. */
    int capacity() {
        return op.length;
    }

    /** Returns the slot of a row, or -1. Expected O(1). */
    int find(int table, long row) {
        long tag = (long) (table + 1) << 2;
        for (int s = hash(table, row) & mask; ; s = (s + 1) & mask) {
            int i = s * STRIDE;
            long t = data[i + TAG];
            if (t == 0) {
                return -1;
            }
            if (data[i + ROW] == row && (t & ~3L) == tag) {
                return s;
            }
        }
    }

    /** Adds a row that {@link #find} did not find, with a state; returns its slot. Amortised O(1). */
    int add(int table, long row, int state) {
        if ((size + 1) * 2 > op.length) {
            rehash();
        }
        size++;
        int s = hash(table, row) & mask;
        while (data[s * STRIDE + TAG] != 0) {
            s = (s + 1) & mask;
        }
        data[s * STRIDE + ROW] = row;
        data[s * STRIDE + TAG] = ((long) (table + 1) << 2) | state;
        return s;
    }

    /** Returns the state of a slot, or 0 for an empty one. */
    int state(int slot) {
        return (int) (data[slot * STRIDE + TAG] & 3);
    }

    void setState(int slot, int state) {
        int i = slot * STRIDE + TAG;
        data[i] = (data[i] & ~3L) | state;
    }

    int tableIndex(int slot) {
        return (int) (data[slot * STRIDE + TAG] >>> 2) - 1;
    }

    long rowId(int slot) {
        return data[slot * STRIDE + ROW];
    }

    long timestamp(int slot) {
        return data[slot * STRIDE + TS];
    }

    DeltaOp op(int slot) {
        return op[slot];
    }

    /** Sets a slot's operation and the latest timestamp of its chain. */
    void set(int slot, DeltaOp change, long timestamp) {
        op[slot] = change;
        data[slot * STRIDE + TS] = timestamp;
    }

    private void rehash() {
        long[] oldData = data;
        DeltaOp[] oldOp = op;
        int n = oldOp.length * 2;
        data = new long[n * STRIDE];
        op = new DeltaOp[n];
        mask = n - 1;
        for (int i = 0; i < oldOp.length; i++) {
            long tag = oldData[i * STRIDE + TAG];
            if (tag != 0) {
                long row = oldData[i * STRIDE + ROW];
                int s = hash((int) (tag >>> 2) - 1, row) & mask;
                while (data[s * STRIDE + TAG] != 0) {
                    s = (s + 1) & mask;
                }
                System.arraycopy(oldData, i * STRIDE, data, s * STRIDE, STRIDE);
                op[s] = oldOp[i];
            }
        }
    }

    private static int hash(int table, long row) {
        long h = (row ^ ((long) table << 48)) * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32));
    }
}
