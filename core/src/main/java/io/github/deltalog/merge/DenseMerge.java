package io.github.deltalog.merge;

import io.github.deltalog.Delta;
import io.github.deltalog.DeltaOp;
import io.github.deltalog.MergeConflictException;
import io.github.deltalog.Tuple;
import java.util.Arrays;
import java.util.List;

/**
 * The merge of a whole random-access input of one table whose row ids fill a range densely (autoincrement keys,
 * SQLite rowids): each row's chain lives at index {@code rowId - low} of three arrays, so a delta costs no hash, no
 * probe and no key comparison, and the output is read off the arrays in row order with no sort. The range is
 * guessed from a sample and widened when an id falls outside it, up to {@code n + 4096} ids for n deltas; an id
 * beyond that, or a delta of another table, gives up ({@link #merge} returns null) and the caller merges another
 * way, so at worst the input is read twice. Memory: 9 bytes (compressed references) per id of the range. Gives
 * exactly what {@link DeltaMerger} gives (result, figures, and under the strict policy the same conflict: both fold
 * in input order through {@link RowChain}).
 */
final class DenseMerge {
    /** Sampled deltas for the range guess. */
    private static final int SAMPLE = 1024;
    /** Ids beyond the input's size the range may span: small inputs of scattered but near ids stay here. */
    private static final int SLACK = 4096;
    /** Marks, beside a state, a chain that began with its last delta: that delta is then its own merged delta. */
    private static final byte SINGLE = 0x10;

    private static final byte STATE = 0x0F;

    private final List<Delta> input;
    private final MergePolicy policy;
    private final String table;
    private final long maxRange;
    private long low;
    private byte[] states;
    private Tuple[] befores;
    private Delta[] lasts;

    private DenseMerge(List<Delta> input, MergePolicy policy, String table, long low, int length) {
        this.input = input;
        this.policy = policy;
        this.table = table;
        this.maxRange = maxRange(input.size());
        this.low = low;
        this.states = new byte[length];
        this.befores = new Tuple[length];
        this.lasts = new Delta[length];
    }

    /**
     * Merges an input if its sample shows one table and ids in a range no wider than the input plus {@code 4096};
     * O(n + range).
     *
     * @param input the deltas, in the order they happened
     * @param policy what to do on a conflict
     * @return the net effect, or null when the input turned out not to suit (another table, or ids too spread)
     * @throws MergeConflictException on a conflicting pair under {@link MergePolicy#STRICT}: the first one in
     *     input order
     */
    static MergeResult merge(List<Delta> input, MergePolicy policy) {
        int n = input.size();
        if (n == 0) {
            return null;
        }
        String table = input.get(0).table();
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        int s = Math.min(n, SAMPLE);
        for (int i = 0; i < s; i++) {
            Delta d = input.get((int) ((long) i * n / s));
            if (!sameTable(d.table(), table)) {
                return null;
            }
            min = Math.min(min, d.rowId());
            max = Math.max(max, d.rowId());
        }
        long maxRange = maxRange(n);
        if (Long.compareUnsigned(max - min, maxRange - 1) > 0) {
            return null;
        }
        // The sample misses the extreme ids by about range / s on each side: leave that much room on both.
        long span = max - min + 1;
        int length = (int) Math.min(maxRange, span + 2 * (span / s) + 16);
        long low = place(min, length, (length - span) / 2);
        return new DenseMerge(input, policy, table, low, length).run();
    }

    private MergeResult run() {
        int n = input.size();
        long noOps = 0;
        long ignored = 0;
        for (int i = 0; i < n; i++) {
            Delta d = input.get(i);
            if (!sameTable(d.table(), table)) {
                return null;
            }
            long at = d.rowId() - low;
            if (Long.compareUnsigned(at, states.length) >= 0) {
                if (!widen(d.rowId())) {
                    return null;
                }
                at = d.rowId() - low;
            }
            int e = (int) at;
            byte state = (byte) (states[e] & STATE);
            DeltaOp later = d.op();
            boolean change = RowChain.isChange(state);
            // The before image is read only for a chain that holds a change: a new row's slot is not touched twice.
            byte next = RowChain.next(state, change ? befores[e] : null, later);
            if (next == RowChain.CONFLICT) {
                if (policy == MergePolicy.STRICT) {
                    Delta last = lasts[e];
                    throw RowChain.conflict(state, befores[e], last, d);
                }
                ignored++;
                continue;
            }
            if (next == RowChain.NONE_PRESENT) {
                noOps++;
            }
            if (change) {
                states[e] = next;
            } else {
                befores[e] = RowChain.startImage(later);
                states[e] = (byte) (next | SINGLE);
            }
            lasts[e] = d;
        }
        return result(n, noOps, ignored);
    }

    /** Reads the merged deltas off the arrays in row order; a single-delta chain's delta is not read at all. */
    private MergeResult result(int n, long noOps, long ignored) {
        int size = 0;
        for (byte s : states) {
            if (RowChain.isChange((byte) (s & STATE))) {
                size++;
            }
        }
        Delta[] out = new Delta[size];
        int k = 0;
        for (int e = 0; e < states.length; e++) {
            byte s = states[e];
            if (RowChain.isChange((byte) (s & STATE))) {
                out[k++] = (s & SINGLE) != 0 ? lasts[e] : RowChain.output(befores[e], lasts[e]);
            }
        }
        return new MergeResult(Arrays.asList(out), new MergeStats(n, size, noOps, ignored));
    }

    /**
     * Moves the ids seen so far into a range that also takes {@code id}, twice as long as the current one (at most
     * {@link #maxRange}), the spare room on the side {@code id} lies; false when the ids would span more than
     * {@link #maxRange}. O(range).
     */
    private boolean widen(long id) {
        int first = 0;
        while (first < states.length && states[first] == 0) {
            first++;
        }
        int last = states.length - 1;
        while (last >= first && states[last] == 0) {
            last--;
        }
        long lowest = first <= last ? Math.min(id, low + first) : id;
        long highest = first <= last ? Math.max(id, low + last) : id;
        if (Long.compareUnsigned(highest - lowest, maxRange - 1L) > 0) {
            return false;
        }
        long need = highest - lowest + 1;
        int length = (int) Math.min(maxRange, Math.max(2L * states.length, need));
        // At full length the spare room is split: an id outside then takes more than half of one side's room,
        // so the room halves with each widening and there are O(log range) of them, not one per id.
        long spare = length - need;
        long newLow = place(lowest, length, length == maxRange ? spare / 2 : id < low ? spare : 0);
        byte[] s = new byte[length];
        Tuple[] b = new Tuple[length];
        Delta[] l = new Delta[length];
        if (first <= last) {
            int to = (int) (low + first - newLow);
            int count = last - first + 1;
            System.arraycopy(states, first, s, to, count);
            System.arraycopy(befores, first, b, to, count);
            System.arraycopy(lasts, first, l, to, count);
        }
        states = s;
        befores = b;
        lasts = l;
        low = newLow;
        return true;
    }

    /**
     * Returns the lowest id of a range of {@code length} ids within the longs that starts up to {@code below} ids
     * under {@code lowest} and still holds every id the caller needs: those from {@code lowest} up to {@code
     * length - 1 - below} above it.
     */
    static long place(long lowest, int length, long below) {
        long room = lowest - Long.MIN_VALUE; // unsigned: how many ids lie under lowest
        long newLow = Long.compareUnsigned(room, below) < 0 ? Long.MIN_VALUE : lowest - below;
        return Math.min(newLow, Long.MAX_VALUE - (length - 1));
    }

    /** The widest range for n deltas, in ids: n plus some slack, and no longer than an array can be. */
    private static long maxRange(int n) {
        return Math.min((long) n + SLACK, Integer.MAX_VALUE - 8);
    }

    private static boolean sameTable(String a, String b) {
        return a == b || a.equals(b);
    }
}
