package io.github.deltalog.merge;

import io.github.deltalog.Delta;
import io.github.deltalog.DeltaOp;
import io.github.deltalog.MergeConflictException;
import io.github.deltalog.Tuple;

/**
 * One row's chain folded by {@link ChainRule}'s table, kept as three values so that a delta costs no combined
 * operation: a state (below), the before image of the change that started the current chain (null for an insert),
 * and the last accepted delta. The table folded left to right keeps exactly the first change's before image and
 * the last one's after image, so the net change is built once per row, by {@link #output}. The state also says
 * whether the row exists at the chain's end, so that folding the next change never reads the last one back.
 * Both merge paths ({@link DeltaMerger}'s hash table and {@link SortedMerge}'s sorted runs) fold through here, so
 * they agree delta for delta. Stateless.
 */
final class RowChain {
    /** No delta of the row seen yet: anything may come. */
    static final byte NEW = 0;
    /** The row's chain changes nothing so far, and the row does not exist at its end. */
    static final byte NONE_ABSENT = 1;
    /** The row's chain changes nothing so far, and the row exists at its end (a no-op was dropped). */
    static final byte NONE_PRESENT = 2;
    /** The row's chain has a net change, and the row exists at its end. */
    static final byte CHANGE_PRESENT = 3;
    /** The row's chain has a net change that deletes the row. */
    static final byte CHANGE_ABSENT = 4;
    /** The next change cannot follow the chain. */
    static final byte CONFLICT = -1;

    private RowChain() {}

    /**
     * Tells whether a state holds a net change (the row has a merged delta).
     *
     * @param state a state
     * @return true for {@link #CHANGE_PRESENT} and {@link #CHANGE_ABSENT}
     */
    static boolean isChange(byte state) {
        return state >= CHANGE_PRESENT;
    }

    /**
     * Returns the row's state after one more change, or {@link #CONFLICT}. When {@code state} holds no change (see
     * {@link #isChange}), the change starts a new chain: the caller then takes {@link #startImage} of it as the
     * chain's before image. The result is {@link #NONE_PRESENT} exactly when the change drops a no-op (count it).
     * O(1) plus at most one tuple comparison.
     *
     * @param state the row's state
     * @param before the chain's before image (used when {@code state} holds a change)
     * @param later the next change
     * @return the new state, or {@link #CONFLICT} (the row's values are then to be left as they are)
     */
    static byte next(byte state, Tuple before, DeltaOp later) {
        // One exact class test per kind, no call through the interface: inputs that mix all three kinds (churn)
        // make interface calls here megamorphic.
        if (later instanceof DeltaOp.Update u) {
            if (state == NONE_ABSENT || state == CHANGE_ABSENT) {
                return CONFLICT; // an update of a row that does not exist
            }
            if (state != CHANGE_PRESENT) {
                return u.before().equals(u.after()) ? NONE_PRESENT : CHANGE_PRESENT;
            }
            return before != null && before.equals(u.after()) ? NONE_PRESENT : CHANGE_PRESENT;
        }
        if (later instanceof DeltaOp.Insert i) {
            if (state == NONE_PRESENT || state == CHANGE_PRESENT) {
                return CONFLICT; // an insert of a row that exists
            }
            if (state != CHANGE_ABSENT) {
                return CHANGE_PRESENT;
            }
            // A delete and re-insert: it restored the row, or changed it.
            return before != null && before.equals(i.after()) ? NONE_PRESENT : CHANGE_PRESENT;
        }
        if (state == NONE_ABSENT || state == CHANGE_ABSENT) {
            return CONFLICT; // a delete of a row that does not exist
        }
        if (state != CHANGE_PRESENT) {
            return CHANGE_ABSENT;
        }
        return before == null ? NONE_ABSENT : CHANGE_ABSENT; // inserted, then deleted; or changed, then deleted
    }

    /**
     * Returns the before image a change starts a chain with: null for an insert. Called where a chain starts, so a
     * mix of all three kinds costs no call through the interface.
     *
     * @param first the change
     * @return its before image, or null
     */
    static Tuple startImage(DeltaOp first) {
        if (first instanceof DeltaOp.Update u) {
            return u.before();
        }
        return first instanceof DeltaOp.Delete d ? d.before() : null;
    }

    /**
     * Returns the change a conflict message names as the earlier one: the chain's net change, or the last change.
     *
     * @param state the row's state (not {@link #NEW})
     * @param last the row's last accepted change
     * @param before the chain's before image
     * @return the earlier change
     */
    static DeltaOp earlier(byte state, DeltaOp last, Tuple before) {
        return isChange(state) ? net(before, last) : last;
    }

    /**
     * Returns the exception a strict merge throws when a delta cannot follow a row's chain.
     *
     * @param state the row's state (not {@link #NEW})
     * @param before the chain's before image
     * @param last the row's last accepted delta
     * @param later the delta that conflicts
     * @return the exception naming both changes and their commit timestamps
     */
    static MergeConflictException conflict(byte state, Tuple before, Delta last, Delta later) {
        return new MergeConflictException(
                later.table(),
                later.rowId(),
                earlier(state, last.op(), before),
                last.commitTimestamp(),
                later.op(),
                later.commitTimestamp());
    }

    /**
     * Returns a row's merged delta: the last accepted delta itself when its change already is the net one (a
     * chain of one delta, for instance), otherwise a new delta with the net change and the last one's timestamp.
     *
     * @param before the chain's before image
     * @param last the last accepted delta of a row whose state holds a change
     * @return the merged delta
     */
    static Delta output(Tuple before, Delta last) {
        DeltaOp op = last.op();
        DeltaOp net = net(before, op);
        return net == op ? last : new Delta(last.table(), last.rowId(), last.commitTimestamp(), net);
    }

    private static DeltaOp net(Tuple before, DeltaOp last) {
        if (before == null) {
            return last instanceof DeltaOp.Insert ? last : new DeltaOp.Insert(last.after());
        }
        if (last instanceof DeltaOp.Delete) {
            return last.before() == before ? last : new DeltaOp.Delete(before);
        }
        return last instanceof DeltaOp.Update && last.before() == before
                ? last
                : new DeltaOp.Update(before, last.after());
    }
}
