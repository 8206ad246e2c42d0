package io.github.deltalog.merge;

/** What a merge does when two changes of one row cannot follow each other. */
public enum MergePolicy {
    /** Throw {@link io.github.deltalog.MergeConflictException} naming the table, row and both timestamps. */
    STRICT,
    /**
     * Keep the earlier change, drop the later conflicting one and count it (SQLite changegroup's behaviour).
     */
    IGNORE_LATER
}
