package io.github.deltalog.merge;

import io.github.deltalog.DeltaOp;

/**
 * The combination rule of two consecutive changes of one row (SQLite's changegroup semantics):
 *
 * <pre>
 * earlier \ later | Insert(b)               | Update(b1-&gt;b2)  | Delete(b)
 * Insert(a)       | conflict                | Insert(b2)      | nothing
 * Update(a1-&gt;a2)  | conflict                | Update(a1-&gt;b2)  | Delete(a1)
 * Delete(a)       | Update(a-&gt;b), or none  | conflict        | conflict
 * </pre>
 *
 * An update whose images are equal is no change at all. Stateless; O(1) per call plus tuple equality.
 */
public final class ChainRule {
    private ChainRule() {}

    /**
     * Tells whether {@code later} cannot follow {@code earlier} on the same row.
     *
     * @param earlier the earlier change
     * @param later the later change
     * @return true for the conflict cells of the table
     */
    public static boolean conflicts(DeltaOp earlier, DeltaOp later) {
        if (later instanceof DeltaOp.Insert) {
            return !(earlier instanceof DeltaOp.Delete);
        }
        return earlier instanceof DeltaOp.Delete;
    }

    /**
     * Returns the net effect of two non-conflicting consecutive changes of one row.
     *
     * @param earlier the earlier change
     * @param later the later change
     * @return the combined change, or null if together they change nothing
     * @throws IllegalArgumentException if the two conflict (see {@link #conflicts})
     */
    public static DeltaOp combine(DeltaOp earlier, DeltaOp later) {
        if (conflicts(earlier, later)) {
            throw new IllegalArgumentException(later + " cannot follow " + earlier);
        }
        DeltaOp result;
        if (earlier instanceof DeltaOp.Insert) {
            result = later instanceof DeltaOp.Update u ? new DeltaOp.Insert(u.after()) : null;
        } else if (earlier instanceof DeltaOp.Update e) {
            result = later instanceof DeltaOp.Update u
                    ? new DeltaOp.Update(e.before(), u.after())
                    : new DeltaOp.Delete(e.before());
        } else {
            result = new DeltaOp.Update(earlier.before(), later.after());
        }
        return isNoOp(result) ? null : result;
    }

    /**
     * Tells whether a change changes nothing: an update whose before and after images are equal.
     *
     * @param op the change, or null
     * @return true for a no-op update or null
     */
    public static boolean isNoOp(DeltaOp op) {
        return op == null || (op instanceof DeltaOp.Update u && u.before().equals(u.after()));
    }
}
