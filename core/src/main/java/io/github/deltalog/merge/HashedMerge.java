package io.github.deltalog.merge;

import io.github.deltalog.Delta;
import io.github.deltalog.DeltaOp;
import io.github.deltalog.MergeConflictException;
import io.github.deltalog.Tuple;
import java.util.Arrays;
import java.util.List;

/**
 * The merge of a whole random-access input of one table whose row ids are neither dense nor mostly distinct: an
 * open-addressing table from row id to entry over two primitive arrays (row ids, entries), grown with the distinct
 * rows, and per entry a state byte, the chain's before image and the input position of the last accepted delta (an
 * int, not a reference: no write barrier and half the bytes). Per delta: one multiply for the hash, a probe that
 * compares longs, no table lookup, no boxing, no object. The output is the changed entries sorted by row id. A
 * delta of another table gives up ({@link #merge} returns null) and the caller merges another way, so at worst the
 * input is read twice. Gives exactly what {@link DeltaMerger} gives on the same input (result, figures, and under
 * the strict policy the same conflict: both fold in input order through {@link RowChain}).
 */
final class HashedMerge {
    /** Fibonacci hashing: the top bits of the product depend on every bit of the row id. */
    private static final long SPREAD = 0x9E3779B97F4A7C15L;

    private static final int INITIAL_SLOTS = 1024;

    private final List<Delta> input;
    /** Per slot: the row id, valid where {@link #slotEntries} is not 0. */
    private long[] slotRows;
    /** Per slot: the entry + 1, 0 for a free slot. */
    private int[] slotEntries;
    /** 64 minus the log2 of the slot count: the hash keeps the product's top bits. */
    private int shift;

    private int size;
    private long[] rows;
    private byte[] states;
    private Tuple[] befores;
    private int[] lasts;

    private HashedMerge(List<Delta> input) {
        this.input = input;
        this.slotRows = new long[INITIAL_SLOTS];
        this.slotEntries = new int[INITIAL_SLOTS];
        this.shift = 64 - Integer.numberOfTrailingZeros(INITIAL_SLOTS);
        int entries = INITIAL_SLOTS / 2;
        this.rows = new long[entries];
        this.states = new byte[entries];
        this.befores = new Tuple[entries];
        this.lasts = new int[entries];
    }

    /**
     * Merges an input of one table. Expected O(n) plus O(r log r) for the r changed rows' order.
     *
     * @param input the deltas, in the order they happened
     * @param policy what to do on a conflict
     * @return the net effect, or null when a delta of another table than the first one's came
     * @throws MergeConflictException on a conflicting pair under {@link MergePolicy#STRICT}: the first one in
     *     input order
     */
    static MergeResult merge(List<Delta> input, MergePolicy policy) {
        int n = input.size();
        if (n == 0) {
            return null;
        }
        return new HashedMerge(input).run(policy);
    }

    private MergeResult run(MergePolicy policy) {
        int n = input.size();
        String table = input.get(0).table();
        long noOps = 0;
        long ignored = 0;
        for (int i = 0; i < n; i++) {
            Delta d = input.get(i);
            String t = d.table();
            if (t != table && !t.equals(table)) {
                return null;
            }
            int e = entryOf(d.rowId());
            byte state = states[e];
            DeltaOp later = d.op();
            boolean change = RowChain.isChange(state);
            byte next = RowChain.next(state, change ? befores[e] : null, later);
            if (next == RowChain.CONFLICT) {
                if (policy == MergePolicy.STRICT) {
                    throw RowChain.conflict(state, befores[e], input.get(lasts[e]), d);
                }
                ignored++;
                continue;
            }
            if (!change) {
                befores[e] = later.before();
            }
            if (next == RowChain.NONE_PRESENT) {
                noOps++;
            }
            states[e] = next;
            lasts[e] = i;
        }
        return result(n, noOps, ignored);
    }

    /** Returns the row's entry, adding the row (state {@link RowChain#NEW}) if it is new. */
    private int entryOf(long row) {
        int mask = slotEntries.length - 1;
        for (int s = (int) ((row * SPREAD) >>> shift); ; s = (s + 1) & mask) {
            int v = slotEntries[s];
            if (v == 0) {
                return add(row, s);
            }
            if (slotRows[s] == row) {
                return v - 1;
            }
        }
    }

    private int add(long row, int slot) {
        int e = size++;
        if (e == rows.length) {
            growEntries();
        }
        rows[e] = row;
        slotRows[slot] = row;
        slotEntries[slot] = e + 1;
        if (size * 2 > slotEntries.length) {
            growSlots();
        }
        return e;
    }

    private void growEntries() {
        int capacity = rows.length * 2;
        rows = Arrays.copyOf(rows, capacity);
        states = Arrays.copyOf(states, capacity);
        befores = Arrays.copyOf(befores, capacity);
        lasts = Arrays.copyOf(lasts, capacity);
    }

    /** Doubles the slots, at most half full afterwards as before: the entries are placed again by row id. */
    private void growSlots() {
        int length = slotEntries.length * 2;
        slotRows = new long[length];
        slotEntries = new int[length];
        shift--;
        int mask = length - 1;
        for (int e = 0; e < size; e++) {
            long row = rows[e];
            int s = (int) ((row * SPREAD) >>> shift);
            while (slotEntries[s] != 0) {
                s = (s + 1) & mask;
            }
            slotRows[s] = row;
            slotEntries[s] = e + 1;
        }
    }

    private MergeResult result(int n, long noOps, long ignored) {
        int[] changed = new int[size];
        long[] ids = new long[size];
        int m = 0;
        for (int e = 0; e < size; e++) {
            if (RowChain.isChange(states[e])) {
                changed[m] = e;
                ids[m++] = rows[e];
            }
        }
        int[] order = changed.clone();
        SlotSort.sort(ids, order, 0, m);
        // Built walking the entries in their own order (the per-entry arrays read sequentially), each stored at
        // its place in row order: one scattered write per row instead of three scattered reads.
        int[] place = new int[size];
        for (int i = 0; i < m; i++) {
            place[order[i]] = i;
        }
        Delta[] out = new Delta[m];
        for (int i = 0; i < m; i++) {
            int e = changed[i];
            out[place[e]] = RowChain.output(befores[e], input.get(lasts[e]));
        }
        return new MergeResult(Arrays.asList(out), new MergeStats(n, m, noOps, ignored));
    }
}
