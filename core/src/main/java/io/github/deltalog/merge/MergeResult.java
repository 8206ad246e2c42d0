package io.github.deltalog.merge;

import io.github.deltalog.ChangeSet;
import io.github.deltalog.Delta;
import io.github.deltalog.DeltaOp;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The net effect of a merge: at most one delta per (table, row), and the merge's figures. Immutable.
 */
public final class MergeResult {
    private final List<Delta> byRow;
    private final MergeStats stats;

    MergeResult(List<Delta> byRow, MergeStats stats) {
        this.byRow = Collections.unmodifiableList(byRow);
        this.stats = stats;
    }

    /**
     * Returns the merged deltas ordered by table name, then row id.
     *
     * @return the merged deltas ordered by table name, then row id
     */
    public List<Delta> byRow() {
        return byRow;
    }

    /**
     * Returns the merged deltas ordered by their (latest) commit timestamp, then table, then row id.
     *
     * @return the merged deltas ordered by their (latest) commit timestamp, then table, then row id
     */
    public List<Delta> byTimestamp() {
        List<Delta> list = new ArrayList<>(byRow);
        list.sort(ChangeSet.COMMIT_ORDER);
        return Collections.unmodifiableList(list);
    }

    /**
     * Returns what the merge did: deltas in and out, no-ops dropped, conflicts ignored.
     *
     * @return what the merge did: deltas in and out, no-ops dropped, conflicts ignored
     */
    public MergeStats stats() {
        return stats;
    }

    /**
     * Returns how many merged deltas there are.
     *
     * @return how many merged deltas there are
     */
    public int size() {
        return byRow.size();
    }

    /**
     * Returns the merged deltas as a change set (commit-timestamp order) at a watermark.
     *
     * @param watermark the position the merged input was read up to
     * @return the change set
     */
    public ChangeSet toChangeSet(long watermark) {
        return new ChangeSet(byTimestamp(), watermark);
    }

    /**
     * Returns the weighted form for view maintenance: an insert as {@code (after, +1)}, a delete as
     * {@code (before, -1)}, an update as {@code (before, -1), (after, +1)}; in (table, row) order. O(n).
     *
     * @return the weighted tuples
     */
    public List<WeightedTuple> weighted() {
        List<WeightedTuple> out = new ArrayList<>(byRow.size() + byRow.size() / 2);
        for (Delta d : byRow) {
            weigh(d, out);
        }
        return Collections.unmodifiableList(out);
    }

    /**
     * Appends the weighted form of one delta.
     *
     * @param d the delta
     * @param out where to append
     */
    public static void weigh(Delta d, List<WeightedTuple> out) {
        DeltaOp op = d.op();
        if (op.before() != null) {
            out.add(new WeightedTuple(d.table(), d.rowId(), op.before(), -1));
        }
        if (op.after() != null) {
            out.add(new WeightedTuple(d.table(), d.rowId(), op.after(), +1));
        }
    }

    @Override
    public String toString() {
        return "MergeResult(" + stats + ")";
    }
}
