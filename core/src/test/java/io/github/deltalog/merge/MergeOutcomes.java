package io.github.deltalog.merge;

import io.github.deltalog.MergeConflictException;
import io.github.deltalog.Tuple;
import java.util.List;
import java.util.function.Supplier;

/** What the merge-path tests compare: a merge's result or its conflict, and the row images they build on. */
final class MergeOutcomes {
    private MergeOutcomes() {}

    /** The merged deltas with the figures, or the conflict's table, row, timestamps and message. */
    static Object outcome(Supplier<MergeResult> merge) {
        try {
            MergeResult r = merge.get();
            return List.of(r.byRow(), r.stats());
        } catch (MergeConflictException e) {
            return List.of(e.table(), e.rowId(), e.earlierTimestamp(), e.laterTimestamp(), e.getMessage());
        }
    }

    /** Row images, two of them equal but not the same object, so no-ops are found by content. */
    static Tuple[] images() {
        return new Tuple[] {
            Tuple.of(1, "one"), Tuple.of(1, "one"), Tuple.of(2, "two"), Tuple.of(3, null), Tuple.of(4, new byte[] {4})
        };
    }
}
