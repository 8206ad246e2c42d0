package io.github.deltalog.sync;

import io.github.deltalog.ChangeSet;
import io.github.deltalog.Delta;
import io.github.deltalog.DeltaOp;
import io.github.deltalog.Tuple;
import java.util.Objects;

/**
 * Applies a {@link ChangeSet} to an {@link ApplyTarget} atomically, with SQLite's conflict rules
 * ({@code sqlite3changeset_apply}):
 *
 * <ul>
 *   <li>an insert of a row the target holds is a {@link ConflictType#CONFLICT};
 *   <li>an update or delete of a row the target does not hold is a {@link ConflictType#NOTFOUND};
 *   <li>an update or delete whose before image differs from the target's row is a {@link ConflictType#DATA};
 *   <li>a write the target refuses is a {@link ConflictType#CONSTRAINT}, or a {@link ConflictType#FOREIGN_KEY}
 *       when a foreign key refused it.
 * </ul>
 *
 * The {@link ConflictHandler} answers each conflict with OMIT, REPLACE or ABORT. All writes happen in one target
 * transaction: the apply commits all of them or, on ABORT or any failure, none.
 *
 * <p>Given the rows' local timestamps ({@link #apply(ChangeSet, RowTimestamps)}), a change that is not later than
 * its row's latest local change is a {@link ConflictType#DATA} conflict even where its before image matches: the
 * row changed after the change was made (what keeps "later commit wins" symmetric between two replicas).
 *
 * <p>Unlike SQLite, the whole before image is compared (a deltalog update carries every column). O(n) reads and
 * writes of the target for n changes. Not thread-safe: one apply at a time per applier.
 */
public final class ChangeApplier {
    private final ApplyTarget target;
    private final ConflictHandler handler;

    /**
     * Creates an applier that aborts on any conflict.
     *
     * @param target where to apply
     */
    public ChangeApplier(ApplyTarget target) {
        this(target, ConflictHandler.abort());
    }

    /**
     * Creates an applier with a conflict handler.
     *
     * @param target where to apply
     * @param handler what to do on a conflict
     */
    public ChangeApplier(ApplyTarget target, ConflictHandler handler) {
        this.target = Objects.requireNonNull(target, "target");
        this.handler = Objects.requireNonNull(handler, "handler");
    }

    /**
     * Applies a change set in its order, with no knowledge of local timestamps.
     *
     * @param changes the changes, at most one per (table, row) for a well-defined result (a merged set)
     * @return what was applied, omitted and replaced
     * @throws ApplyConflictException if the handler aborted; nothing was applied
     */
    public ApplyResult apply(ChangeSet changes) {
        return apply(changes, RowTimestamps.NONE);
    }

    /**
     * Applies a change set in its order; conflicts carry the local timestamps of the rows they hit (what {@link
     * ConflictHandler#laterCommitWins()} compares).
     *
     * @param changes the changes
     * @param local the commit timestamps of the target rows' latest local changes
     * @return what was applied, omitted and replaced
     * @throws ApplyConflictException if the handler aborted; nothing was applied
     * @throws RuntimeException whatever the target throws on a failure other than a refused write; nothing was
     *     applied
     */
    public ApplyResult apply(ChangeSet changes, RowTimestamps local) {
        Objects.requireNonNull(changes, "changes");
        Objects.requireNonNull(local, "local");
        if (changes.isEmpty()) {
            return ApplyResult.EMPTY;
        }
        long applied = 0;
        long omitted = 0;
        long replaced = 0;
        try (ApplyTarget.Transaction tx = target.begin()) {
            for (Delta d : changes) {
                Conflict conflict = tryApply(tx, d, local);
                if (conflict == null) {
                    applied++;
                } else if (resolve(tx, conflict, local) == Resolution.OMIT) {
                    omitted++;
                } else {
                    replaced++;
                }
            }
            tx.commit();
        }
        return new ApplyResult(applied, omitted, replaced);
    }

    /** Applies one change if it fits; returns the conflict if it does not (nothing written then). */
    private static Conflict tryApply(ApplyTarget.Transaction tx, Delta d, RowTimestamps local) {
        Tuple current = tx.read(d.table(), d.rowId());
        DeltaOp op = d.op();
        ConflictType type;
        if (op instanceof DeltaOp.Insert) {
            type = current == null ? null : ConflictType.CONFLICT;
        } else if (current == null) {
            type = ConflictType.NOTFOUND;
        } else {
            type = current.equals(op.before()) ? null : ConflictType.DATA;
        }
        long localTimestamp = local.timestampOf(d.table(), d.rowId());
        if (type == null && localTimestamp != RowTimestamps.UNKNOWN && localTimestamp >= d.commitTimestamp()) {
            // The row changed locally at or after this change was made: it fits, but it is not the latest.
            type = ConflictType.DATA;
        }
        if (type != null) {
            return new Conflict(type, d, current, localTimestamp, "");
        }
        try {
            if (op instanceof DeltaOp.Insert) {
                tx.insert(d.table(), d.rowId(), op.after());
            } else if (op instanceof DeltaOp.Update) {
                tx.update(d.table(), d.rowId(), op.after());
            } else {
                tx.delete(d.table(), d.rowId());
            }
            return null;
        } catch (TargetConstraintException e) {
            return conflict(e.conflictType(), d, current, local, e.getMessage());
        }
    }

    /** Asks the handler until the change is omitted or replaced; a refused replacement is a new conflict. */
    private Resolution resolve(ApplyTarget.Transaction tx, Conflict conflict, RowTimestamps local) {
        while (true) {
            Resolution answer = handler.resolve(conflict);
            if (answer == null || answer == Resolution.ABORT) {
                throw new ApplyConflictException("apply aborted: " + conflict + "; nothing was applied", conflict);
            }
            if (answer == Resolution.OMIT) {
                return answer;
            }
            if (conflict.type().isRefusal()) {
                throw new ApplyConflictException(
                        "the conflict handler answered REPLACE to a " + conflict.type()
                                + " conflict (only OMIT or ABORT are"
                                + " possible): " + conflict + "; nothing was applied",
                        conflict);
            }
            try {
                replace(tx, conflict);
                return answer;
            } catch (TargetConstraintException e) {
                conflict = conflict(e.conflictType(), conflict.change(), conflict.current(), local, e.getMessage());
            }
        }
    }

    /** Makes the row what the change says it is after, whatever it is now. */
    private static void replace(ApplyTarget.Transaction tx, Conflict conflict) {
        Delta d = conflict.change();
        Tuple after = d.op().after();
        if (after == null) {
            if (conflict.current() != null) {
                tx.delete(d.table(), d.rowId());
            }
        } else if (conflict.current() == null) {
            tx.insert(d.table(), d.rowId(), after);
        } else {
            tx.update(d.table(), d.rowId(), after);
        }
    }

    private static Conflict conflict(ConflictType type, Delta d, Tuple current, RowTimestamps local, String detail) {
        return new Conflict(type, d, current, local.timestampOf(d.table(), d.rowId()), detail);
    }
}
