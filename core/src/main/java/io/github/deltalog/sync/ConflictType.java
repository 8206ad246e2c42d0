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
    /** The target refused the write: a unique, check, not-null or foreign-key constraint. */
    CONSTRAINT
}
