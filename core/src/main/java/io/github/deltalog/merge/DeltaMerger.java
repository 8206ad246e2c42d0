package io.github.deltalog.merge;

import io.github.deltalog.Delta;
import io.github.deltalog.DeltaOp;
import io.github.deltalog.MergeConflictException;
import io.github.deltalog.Tuple;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.RandomAccess;

/**
 * Collapses a stream of deltas into their net effect: at most one delta per (table, row), each carrying the
 * latest commit timestamp of its chain, by the rules of {@link ChainRule} applied left to right.
 *
 * <p>Feed deltas in the order they happened (per row); the merger keeps only per-row state, so memory grows
 * with the number of distinct rows, not with the number of deltas, and a range read from the log can be
 * merged without first materialising it. {@link #add} is expected O(1). Not thread-safe.
 */
public final class DeltaMerger {
    private final MergePolicy policy;
    /** Inputs of known size pre-size the row table up to this many rows (more rows still grow it). */
    private static final int MAX_PRESIZED_ROWS = 1 << 20;

    /** The rows seen, each with its chain in the arrays below by entry. */
    private final RowTable rows;
    /** Per entry: one of {@link RowChain}'s states. */
    private byte[] states;
    /** Per entry: the before image of the change that started the row's current chain, null for an insert. */
    private Tuple[] befores;
    /** Per entry: the row's last accepted delta (its change, its timestamp, and often the merged delta itself). */
    private Delta[] lasts;

    private final Map<String, Integer> tableIndex = new HashMap<>();
    private final List<String> tables = new ArrayList<>();
    private String lastTable;
    private int lastTableIndex;
    private long deltasIn;
    private long noOps;
    private long ignored;

    /** Creates a merger with the {@link MergePolicy#STRICT} policy. */
    public DeltaMerger() {
        this(MergePolicy.STRICT);
    }

    /**
     * Creates a merger.
     *
     * @param policy what to do on a conflict
     */
    public DeltaMerger(MergePolicy policy) {
        this(policy, 0);
    }

    /**
     * Creates a merger sized for an expected number of distinct rows (a hint: more rows still fit).
     *
     * @param policy what to do on a conflict
     * @param expectedRows how many distinct rows to make room for up front
     */
    public DeltaMerger(MergePolicy policy, int expectedRows) {
        this.policy = Objects.requireNonNull(policy, "policy");
        int presized = Math.max(16, Math.min(Math.max(expectedRows, 0), MAX_PRESIZED_ROWS));
        this.rows = new RowTable(presized);
        this.states = new byte[presized];
        this.befores = new Tuple[presized];
        this.lasts = new Delta[presized];
    }

    /**
     * Merges a sequence of deltas with the strict policy.
     *
     * @param deltas the deltas, in the order they happened
     * @return the net effect
     * @throws MergeConflictException on a conflicting pair
     */
    public static MergeResult merge(Iterable<Delta> deltas) {
        return merge(deltas, MergePolicy.STRICT);
    }

    /**
     * Merges a sequence of deltas. A large random-access list of one table whose row ids fill a range densely is
     * merged in arrays indexed by row id ({@link DenseMerge}); one whose rows are mostly distinct by sorting it by
     * row ({@link SortedMerge}); another one of one table through a primitive hash table ({@link HashedMerge});
     * anything else row by row through {@link #add}. All give the same result.
     *
     * @param deltas the deltas, in the order they happened
     * @param policy what to do on a conflict
     * @return the net effect
     * @throws MergeConflictException on a conflicting pair under {@link MergePolicy#STRICT}: the first one in
     *     input order
     */
    public static MergeResult merge(Iterable<Delta> deltas, MergePolicy policy) {
        Objects.requireNonNull(policy, "policy");
        if (deltas instanceof List<Delta> list
                && list instanceof RandomAccess
                && list.size() >= SortedMerge.MIN_DELTAS) {
            MergeResult dense = DenseMerge.merge(list, policy);
            if (dense != null) {
                return dense;
            }
            double perRow = SortedMerge.deltasPerRow(list);
            if (perRow <= SortedMerge.MAX_DELTAS_PER_ROW) {
                return SortedMerge.merge(list, policy);
            }
            MergeResult hashed = HashedMerge.merge(list, policy, (int) (list.size() / perRow));
            if (hashed != null) {
                return hashed;
            }
        }
        // Not pre-sized from the input's size: that is an upper bound on rows, and a table sized for it when
        // there are few rows spreads them over more memory than the cache holds (measured 5x slower at 10%).
        DeltaMerger m = new DeltaMerger(policy);
        m.addAll(deltas);
        return m.result();
    }

    /**
     * Adds every delta of a sequence, in order.
     *
     * @param deltas the deltas
     * @return this merger
     */
    public DeltaMerger addAll(Iterable<Delta> deltas) {
        for (Delta d : deltas) {
            add(d);
        }
        return this;
    }

    /**
     * Adds the next delta of its row's chain. Expected O(1) plus one tuple comparison.
     *
     * @param d the delta
     * @return this merger
     * @throws MergeConflictException if it cannot follow its row's chain and the policy is strict; the merger
     *     is then unchanged
     */
    public DeltaMerger add(Delta d) {
        int t = tableIndexOf(d.table());
        int e = rows.find(t, d.rowId());
        byte state;
        if (e < 0) {
            e = rows.add(t, d.rowId());
            if (e == lasts.length) {
                grow();
            }
            state = RowChain.NEW;
        } else {
            state = states[e];
        }
        return fold(e, state, d);
    }

    private DeltaMerger fold(int e, byte state, Delta d) {
        DeltaOp later = d.op();
        // The last delta is only written here, never read back: it is an older input object, often out of cache.
        // The before image is read only when the chain holds a change (a new row's slot is not read at all).
        boolean change = RowChain.isChange(state);
        byte next = RowChain.next(state, change ? befores[e] : null, later);
        if (next == RowChain.CONFLICT) {
            if (policy == MergePolicy.STRICT) {
                Delta last = lasts[e];
                throw RowChain.conflict(state, befores[e], last, d);
            }
            deltasIn++;
            ignored++;
            return this;
        }
        deltasIn++;
        if (!change) {
            befores[e] = RowChain.startImage(later);
        }
        if (next == RowChain.NONE_PRESENT) {
            noOps++;
        }
        states[e] = next;
        lasts[e] = d;
        return this;
    }

    private void grow() {
        int capacity = lasts.length * 2;
        states = Arrays.copyOf(states, capacity);
        befores = Arrays.copyOf(befores, capacity);
        lasts = Arrays.copyOf(lasts, capacity);
    }

    private int tableIndexOf(String table) {
        if (table == lastTable) {
            return lastTableIndex;
        }
        Integer i = tableIndex.get(table);
        if (i == null) {
            i = tables.size();
            tables.add(table);
            tableIndex.put(table, i);
        }
        lastTable = table;
        lastTableIndex = i;
        return i;
    }

    /**
     * Returns the net effect of everything added so far, ordered by (table, row id). O(r log r) for r rows.
     * The merger can go on taking deltas afterwards.
     *
     * @return the merged deltas and the merge's figures
     */
    public MergeResult result() {
        int[] changed = new int[rows.size()];
        int n = 0;
        for (int e = 0; e < rows.size(); e++) {
            if (RowChain.isChange(states[e])) {
                changed[n++] = e;
            }
        }
        int[] order = rows.sortedEntries(changed, n, SortedMerge.nameOrder(tables));
        // Each output delta is built walking the entries in their own order (the per-entry arrays are read
        // sequentially) and stored at its place in row order: one scattered write per row instead of three
        // scattered reads.
        int[] place = new int[rows.size()];
        for (int i = 0; i < n; i++) {
            place[order[i]] = i;
        }
        Delta[] out = new Delta[n];
        for (int i = 0; i < n; i++) {
            int e = changed[i];
            out[place[e]] = RowChain.output(befores[e], lasts[e]);
        }
        return new MergeResult(Arrays.asList(out), new MergeStats(deltasIn, n, noOps, ignored));
    }
}
