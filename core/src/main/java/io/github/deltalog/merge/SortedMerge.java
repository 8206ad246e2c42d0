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

/**
 * The merge of a whole random-access input by sorting, for inputs whose rows are mostly distinct: the input's
 * positions are ordered by (table, row id) (a stable counting pass over the tables, then a stable radix sort of
 * the row ids, see {@link SlotSort}), and each run of one row's deltas, still in input order, is folded in one
 * linear pass over changes gathered in input order. No hash table, no per-row state arrays; a row changed once is
 * handed back as its own input delta. O(n) per radix pass, 28 bytes of scratch per delta. Gives exactly what {@link
 * DeltaMerger} gives on the same input (result, figures, and under the strict policy the same conflict: the first
 * one in input order), since both fold through {@link RowChain}.
 */
final class SortedMerge {
    /** Below this many deltas the hash path's setup is cheap and its table stays in cache. */
    static final int MIN_DELTAS = 4096;
    /** Sampled deltas at least; larger inputs sample 4 sqrt(n), for about 8 expected pairs per delta per row. */
    private static final int MIN_SAMPLE = 2048;
    /**
     * Sorting wins when rows have at most about this many deltas each (expected, over the rows the sample saw).
     * The hash path wins above it: it touches one small row table per delta, where sorting moves every delta.
     */
    static final double MAX_DELTAS_PER_ROW = 2.5;

    private SortedMerge() {}

    /**
     * Tells whether an input is large and its rows distinct enough for sorting to beat the hash table ({@link
     * #deltasPerRow} at most 2.5). O(s) for a sample of s.
     *
     * @param input the deltas
     * @return true to merge by sorting
     */
    static boolean suits(List<Delta> input) {
        return input.size() >= MIN_DELTAS && deltasPerRow(input) <= MAX_DELTAS_PER_ROW;
    }

    /**
     * Estimates how many deltas each distinct row has, from a sample: among s deltas spread over the input, pairs on
     * the same row number about s²/(2r) for deltas spread over r rows, so few such pairs mean many rows. Sampling
     * stops once the pairs say the rows repeat more than sorting suits (then the estimate comes from the deltas
     * sampled so far, good to about an eighth past 64 pairs). O(s).
     *
     * @param input the deltas, at least {@link #MIN_DELTAS}
     * @return the estimate, 0 when the sample saw no row twice
     */
    static double deltasPerRow(List<Delta> input) {
        int n = input.size();
        int s = Math.min(n, Math.max(MIN_SAMPLE, (int) (4 * Math.sqrt(n))));
        // Open addressing over (table hash, row id) pairs; a sample has no more than s of them.
        long[] seenRows = new long[Integer.highestOneBit(s) * 4];
        int[] seenTables = new int[seenRows.length];
        boolean[] used = new boolean[seenRows.length];
        int mask = seenRows.length - 1;
        // Rows r ~ s^2 / (2 pairs), so deltas per row n / r = 2 n pairs / s^2: the most pairs that still suit,
        // and at least 64 before stopping, for an estimate that sizes the hash path's table.
        double stopAt = Math.max(64, MAX_DELTAS_PER_ROW * s * (double) s / (2.0 * n));
        long pairs = 0;
        int sampled = 0;
        while (sampled < s && pairs <= stopAt) {
            Delta d = input.get((int) ((long) sampled * n / s));
            sampled++;
            long row = d.rowId();
            int table = d.table().hashCode();
            int h = (int) RowTable.mix(row ^ table);
            for (int at = h & mask; ; at = (at + 1) & mask) {
                if (!used[at]) {
                    used[at] = true;
                    seenRows[at] = row;
                    seenTables[at] = table;
                    break;
                }
                if (seenRows[at] == row && seenTables[at] == table) {
                    pairs++;
                    break;
                }
            }
        }
        return 2.0 * n * pairs / ((double) sampled * sampled);
    }

    /**
     * Merges a whole input by sorting it by row.
     *
     * @param input the deltas, in the order they happened
     * @param policy what to do on a conflict
     * @return the net effect
     * @throws MergeConflictException on a conflicting pair under {@link MergePolicy#STRICT}: the first one in
     *     input order
     */
    static MergeResult merge(List<Delta> input, MergePolicy policy) {
        int n = input.size();
        long[] ids = new long[n];
        int[] slots = new int[n];
        DeltaOp[] ops = new DeltaOp[n];
        int[] tableOf = null;
        Map<String, Integer> tableIndex = new HashMap<>();
        List<String> tables = new ArrayList<>();
        String lastTable = null;
        int lastIndex = 0;
        for (int i = 0; i < n; i++) {
            Delta d = input.get(i);
            String table = d.table();
            if (table != lastTable) {
                Integer t = tableIndex.get(table);
                if (t == null) {
                    t = tables.size();
                    tables.add(table);
                    tableIndex.put(table, t);
                    if (t == 1) {
                        tableOf = new int[n]; // every delta so far was of table 0
                    }
                }
                lastTable = table;
                lastIndex = t;
            }
            if (tableOf != null) {
                tableOf[i] = lastIndex;
            }
            ids[i] = d.rowId();
            slots[i] = i;
            ops[i] = d.op();
        }
        int[] starts;
        if (tableOf == null) {
            starts = new int[] {0, n};
        } else {
            starts = partitionByTable(ids, slots, tableOf, nameOrder(tables));
        }
        for (int t = 0; t + 1 < starts.length; t++) {
            SlotSort.sortStable(ids, slots, starts[t], starts[t + 1]);
        }
        return fold(input, ops, policy, ids, slots, starts);
    }

    /**
     * Folds each run of one row's deltas, table segment after table segment, in one linear pass. The changes are
     * read from {@code ops}, gathered in input order: the pass visits the input in row order, where reading each
     * {@link Delta} would be a cache miss per delta; a delta is read only to build a merged one or a conflict.
     */
    private static MergeResult fold(
            List<Delta> input, DeltaOp[] ops, MergePolicy policy, long[] ids, int[] slots, int[] starts) {
        int n = ids.length;
        Delta[] out = new Delta[n];
        int size = 0;
        long noOps = 0;
        long ignored = 0;
        int conflictAt = Integer.MAX_VALUE;
        MergeConflictException conflict = null;
        for (int t = 0; t + 1 < starts.length; t++) {
            int segmentEnd = starts[t + 1];
            int j = starts[t];
            while (j < segmentEnd) {
                long id = ids[j];
                int end = j + 1;
                while (end < segmentEnd && ids[end] == id) {
                    end++;
                }
                if (end == j + 1) { // a chain of one delta: the common case when rows are distinct
                    int slot = slots[j];
                    if (ChainRule.isNoOp(ops[slot])) {
                        noOps++;
                    } else {
                        out[size++] = input.get(slot);
                    }
                    j = end;
                    continue;
                }
                byte state = RowChain.NEW;
                Tuple before = null;
                int last = -1;
                for (int at = j; at < end; at++) {
                    int s = slots[at];
                    DeltaOp later = ops[s];
                    byte next = RowChain.next(state, before, later);
                    if (next == RowChain.CONFLICT) {
                        if (policy == MergePolicy.IGNORE_LATER) {
                            ignored++;
                            continue;
                        }
                        if (s < conflictAt) { // the hash path would have met this one first
                            conflictAt = s;
                            conflict = RowChain.conflict(state, before, input.get(last), input.get(s));
                        }
                        break; // the strict merge stops at a row's first conflict
                    }
                    if (!RowChain.isChange(state)) {
                        before = RowChain.startImage(later);
                    }
                    if (next == RowChain.NONE_PRESENT) {
                        noOps++;
                    }
                    state = next;
                    last = s;
                }
                if (RowChain.isChange(state)) {
                    out[size++] = RowChain.output(before, input.get(last));
                }
                j = end;
            }
        }
        if (conflict != null) {
            throw conflict;
        }
        List<Delta> byRow =
                size > n / 2 ? Arrays.asList(out).subList(0, size) : Arrays.asList(Arrays.copyOf(out, size));
        return new MergeResult(byRow, new MergeStats(n, size, noOps, ignored));
    }

    /**
     * Moves every delta's (id, slot) into its table's segment, tables in output order, keeping input order within
     * a segment (a stable counting sort).
     *
     * @return the segments' bounds: segment k is [starts[k], starts[k + 1])
     */
    private static int[] partitionByTable(long[] ids, int[] slots, int[] tableOf, int[] tableOrder) {
        int t = tableOrder.length;
        int[] rank = new int[t];
        for (int r = 0; r < t; r++) {
            rank[tableOrder[r]] = r;
        }
        int[] starts = new int[t + 1];
        for (int table : tableOf) {
            starts[rank[table] + 1]++;
        }
        for (int r = 0; r < t; r++) {
            starts[r + 1] += starts[r];
        }
        int[] next = Arrays.copyOf(starts, t);
        long[] idsIn = ids.clone();
        int[] slotsIn = slots.clone();
        for (int i = 0; i < idsIn.length; i++) {
            int at = next[rank[tableOf[i]]]++;
            ids[at] = idsIn[i];
            slots[at] = slotsIn[i];
        }
        return starts;
    }

    /**
     * Returns table indexes ordered by their names: the output's table order.
     *
     * @param tables the names by index
     * @return every index once, by name
     */
    static int[] nameOrder(List<String> tables) {
        int t = tables.size();
        if (t == 1) {
            return new int[] {0};
        }
        Integer[] byName = new Integer[t];
        for (int i = 0; i < t; i++) {
            byName[i] = i;
        }
        Arrays.sort(byName, (a, b) -> tables.get(a).compareTo(tables.get(b)));
        int[] order = new int[t];
        for (int i = 0; i < t; i++) {
            order[i] = byName[i];
        }
        return order;
    }
}
