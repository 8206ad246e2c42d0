package io.github.deltalog.sync;

import io.github.deltalog.ChangeSet;
import io.github.deltalog.Delta;
import io.github.deltalog.DeltaCursor;
import io.github.deltalog.DeltaLog;
import io.github.deltalog.merge.DeltaMerger;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Objects;

/**
 * Positions as points in time: the net change between two positions ({@link #diff}) and the change set that takes
 * rows back to an earlier position ({@link #rewind}). Both stream the log's range and merge it: O(k log n) time
 * for k deltas in the range, memory O(distinct rows changed).
 */
public final class TimeTravel {
    private TimeTravel() {}

    /**
     * Returns the merged change set between two positions: what turned the rows at {@code from} into the rows at
     * {@code to} (deltas with {@code from < commitTimestamp <= to}), at most one delta per (table, row), each with
     * the latest timestamp of its chain.
     *
     * @param log the log
     * @param tables the tables, known to the log
     * @param from the earlier position (exclusive)
     * @param to the later position (inclusive); capped at the log's watermark
     * @return the net changes, in commit-timestamp order; its watermark is the capped {@code to}
     * @throws IllegalArgumentException if {@code from > to}
     * @throws io.github.deltalog.DeltasPurgedException if {@code from} is before the retained history
     * @throws io.github.deltalog.MergeConflictException if a row's chain in the range is not valid
     * @throws io.github.deltalog.UntrackedTableException if the log never knew a table
     */
    public static ChangeSet diff(DeltaLog log, Collection<String> tables, long from, long to) {
        Objects.requireNonNull(log, "log");
        Objects.requireNonNull(tables, "tables");
        if (from > to) {
            throw new IllegalArgumentException("diff from " + from + " to " + to + ": the start is after the end");
        }
        long upTo = Math.min(to, log.lastCommitted());
        DeltaMerger merger = new DeltaMerger();
        for (String table : new LinkedHashSet<>(tables)) {
            // Upcast to the current schema first, so that a row's chain merges across schema versions.
            try (DeltaCursor c = log.changesAfter(table, from, upTo, io.github.deltalog.ReadAs.CURRENT)) {
                for (Delta d : c) {
                    merger.add(d);
                }
            }
        }
        return merger.result().toChangeSet(Math.max(from, upTo));
    }

    /**
     * Returns the change set that takes the rows as they are at position {@code current} back to position {@code
     * to}: the inverse of {@link #diff diff(to, current)}. Applied to the rows at {@code current} it gives the
     * rows at {@code to}.
     *
     * @param log the log
     * @param tables the tables, known to the log
     * @param current the position the rows are at now
     * @param to the position to go back to, at most {@code current}
     * @return the undoing change set, in reverse commit order
     * @throws IllegalArgumentException if {@code to > current}
     * @throws io.github.deltalog.DeltasPurgedException if {@code to} is before the retained history
     */
    public static ChangeSet rewind(DeltaLog log, Collection<String> tables, long current, long to) {
        if (to > current) {
            throw new IllegalArgumentException(
                    "rewind to " + to + " from " + current + ": the target is in the future");
        }
        return diff(log, tables, to, current).invert();
    }
}
