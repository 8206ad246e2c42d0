package io.github.deltalog.sync;

/** Why a change could not be applied as it is: SQLite's conflict types of {@code sqlite3changeset_apply}. */
public enum ConflictType {
    /**
     * The row exists but differs from the change's before image (an update or a delete of a row someone else
     * changed).
     */
    DATA,
    /** An update or a delete of a row the target does not hold. */
    NOTFOUND,
    /** An insert of a row the target already holds. */
    CONFLICT,
    /** The target refused the write: a unique, check or not-null constraint. */
    CONSTRAINT,
    /**
     * The target refused the write because of a foreign key: a row that references a parent the target does not
     * hold, or a delete of a parent that rows still reference. The targets tested check foreign keys per statement,
     * so the conflict names the change (SQLite's session extension reports deferred ones once, at the end).
     */
    FOREIGN_KEY;

    /**
     * Tells whether this is a write the target refused ({@link #CONSTRAINT} or {@link #FOREIGN_KEY}): the only
     * answers are OMIT and ABORT, since the target would refuse a REPLACE just the same.
     *
     * @return whether the target refused the write
     */
    public boolean isRefusal() {
        return this == CONSTRAINT || this == FOREIGN_KEY;
    }
}
