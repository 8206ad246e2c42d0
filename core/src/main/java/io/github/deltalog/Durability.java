package io.github.deltalog;

/**
 * How far a commit is carried towards the disk before {@code commit()} returns, like SQLite's synchronous
 * levels. In every level, the log after a crash holds exactly a prefix of its committed transactions.
 */
public enum Durability {
    /**
     * Journal writes are buffered and written every flush interval: a process crash loses at most that window of
     * commits. The fastest level.
     */
    ASYNC,
    /**
     * The journal record is written to the file before {@code commit()} returns: the commit survives a process
     * kill, not a power cut. The default.
     */
    COMMIT,
    /**
     * The journal record is also forced to the disk before {@code commit()} returns, with one fsync shared by
     * concurrent committers (group commit): the commit survives a power cut, and it becomes visible to readers
     * only once durable.
     */
    SYNC
}
