package io.github.deltalog.merge;

import io.github.deltalog.Delta;
import io.github.deltalog.DeltaOp;
import io.github.deltalog.MergeConflictException;
import io.github.deltalog.Tuple;
import java.util.Arrays;
import java.util.List;

/**
 * The merge of a whole random-access input of one table whose row ids are neither dense nor mostly distinct: an
 * open-addressing table (linear probing, at most three quarters full, doubled as distinct rows come) whose slots hold
 * the row's chain in four parallel arrays: the row id, a state byte, the chain's before image and the input position of
 * the last accepted delta (an int, not a reference: no write barrier and half the bytes). Per delta: a mix of the row
 * id ({@link RowTable#mix}) for the hash, a probe that compares longs, no entry indirection, no boxing, no object: 17
 * bytes per slot, so 10,000 rows stay within a 512 KB cache. The output is the changed entries sorted by row id. A
 * delta of another table gives up ({@link #merge} returns null) and the caller merges another way, so at worst the
 * input is read twice. Gives exactly what {@link DeltaMerger} gives on the same input (result, figures, and under the
 * strict policy the same conflict: both fold in input order through {@link RowChain}).
 */
final class HashedMerge {
    private static final int INITIAL_SLOTS = 1024;

    private final List<Delta> input;
    /** Per slot: the row id, valid where {@link #states} is not {@link RowChain#NEW}. */
    private long[] rows;
    /**
     * Per slot: the row's state; {@link RowChain#NEW} marks a free slot, since a row's first delta always leaves
     * another state (nothing conflicts with a new row).
     */
    private byte[] states;
    /** Per slot: the before image of the change that started the row's current chain, null for an insert. */
    private Tuple[] befores;
    /** Per slot: the input position of the row's last accepted delta. */
    private int[] lasts;
    /** 64 minus the log2 of the slot count: a row's home slot is the top bits of its mixed id. */
    private int shift;
    /** Rows the slots may hold before they double: three quarters of them. */
    private int limit;

    private int size;

    private HashedMerge(List<Delta> input, int expectedRows) {
        this.input = input;
        // Room for the expected rows within the load limit: a table grown row by row re-places every row once or
        // more. No margin beyond it: the next power of two gives some, and a row count just past a power of two
        // would otherwise double a table that already fits in cache.
        int wanted = (int) Math.min(input.size(), expectedRows + expectedRows / 3L);
        allocate(Math.max(INITIAL_SLOTS, Integer.highestOneBit(Math.max(1, wanted) * 2 - 1)));
    }

    /**
     * Merges an input of one table. Expected O(n) plus O(r log r) for the r changed rows' order.
     *
     * @param input the deltas, in the order they happened
     * @param policy what to do on a conflict
     * @param expectedRows distinct rows the input is expected to have (an estimate: more still fit)
     * @return the net effect, or null when a delta of another table than the first one's came
     * @throws MergeConflictException on a conflicting pair under {@link MergePolicy#STRICT}: the first one in
     *     input order
     */
    static MergeResult merge(List<Delta> input, MergePolicy policy, int expectedRows) {
        int n = input.size();
        if (n == 0) {
            return null;
        }
        return new HashedMerge(input, expectedRows).run(policy);
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
            int s = slotOf(d.rowId());
            byte state = states[s];
            DeltaOp later = d.op();
            boolean change = RowChain.isChange(state);
            byte next = RowChain.next(state, change ? befores[s] : null, later);
            if (next == RowChain.CONFLICT) {
                if (policy == MergePolicy.STRICT) {
                    throw RowChain.conflict(state, befores[s], input.get(lasts[s]), d);
                }
                ignored++;
                continue;
            }
            if (!change) {
                befores[s] = RowChain.startImage(later);
            }
            if (next == RowChain.NONE_PRESENT) {
                noOps++;
            }
            lasts[s] = i;
            if (state == RowChain.NEW) {
                rows[s] = d.rowId();
                states[s] = next;
                if (++size > limit) {
                    grow();
                }
            } else {
                states[s] = next;
            }
        }
        return result(n, noOps, ignored);
    }

    /** Returns the row's slot, or the free slot where it goes. */
    private int slotOf(long row) {
        int mask = states.length - 1;
        for (int s = (int) (RowTable.mix(row) >>> shift); ; s = (s + 1) & mask) {
            if (states[s] == RowChain.NEW || rows[s] == row) {
                return s;
            }
        }
    }

    private void allocate(int slots) {
        rows = new long[slots];
        states = new byte[slots];
        befores = new Tuple[slots];
        lasts = new int[slots];
        shift = 64 - Integer.numberOfTrailingZeros(slots);
        limit = slots / 4 * 3;
    }

    /** Doubles the slots and places every row again. */
    private void grow() {
        long[] oldRows = rows;
        byte[] oldStates = states;
        Tuple[] oldBefores = befores;
        int[] oldLasts = lasts;
        allocate(oldStates.length * 2);
        for (int from = 0; from < oldStates.length; from++) {
            if (oldStates[from] != RowChain.NEW) {
                int s = slotOf(oldRows[from]);
                rows[s] = oldRows[from];
                states[s] = oldStates[from];
                befores[s] = oldBefores[from];
                lasts[s] = oldLasts[from];
            }
        }
    }

    private MergeResult result(int n, long noOps, long ignored) {
        int[] changed = new int[size];
        long[] ids = new long[size];
        int m = 0;
        for (int s = 0; s < states.length; s++) {
            if (RowChain.isChange(states[s])) {
                changed[m] = s;
                ids[m++] = rows[s];
            }
        }
        int[] order = Arrays.copyOf(changed, m);
        SlotSort.sort(ids, order, 0, m);
        // Built walking the slots in their own order (the per-slot arrays read sequentially), each stored at its
        // place in row order: one scattered write per row instead of three scattered reads.
        int[] place = new int[states.length];
        for (int i = 0; i < m; i++) {
            place[order[i]] = i;
        }
        Delta[] out = new Delta[m];
        for (int i = 0; i < m; i++) {
            int s = changed[i];
            out[place[s]] = RowChain.output(befores[s], input.get(lasts[s]));
        }
        return new MergeResult(Arrays.asList(out), new MergeStats(n, m, noOps, ignored));
    }
}
