package io.github.deltalog.sync;

/** A conflict handler's answer, as SQLite's {@code SQLITE_CHANGESET_OMIT / REPLACE / ABORT}. */
public enum Resolution {
    /** Skip this change; the target keeps its row. */
    OMIT,
    /**
     * Make the target's row what the change says it is after: overwrite it (DATA, CONFLICT), delete it (DATA of a
     * delete), or create it from the after image (NOTFOUND of an update, an extension of SQLite's rules that
     * two-way sync needs so that a later update beats an earlier delete). Not an answer to a refused write
     * ({@link ConflictType#isRefusal()}).
     */
    REPLACE,
    /** Stop: nothing of the change set is applied, and the apply throws {@link ApplyConflictException}. */
    ABORT
}
