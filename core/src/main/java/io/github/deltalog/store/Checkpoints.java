package io.github.deltalog.store;

/**
 * Owns the checkpoint lock: checkpoints (the journal's records become part of the store file, then the journal
 * is emptied), space reclaim after purges, and the final checkpoint at close. One of them runs at a time.
 */
final class Checkpoints {
    /** Chunks filled below this percentage are rewritten when space is reclaimed. */
    private static final int RECLAIM_FILL_RATE = 50;
    /** At most this many bytes are rewritten per reclaim. */
    private static final int RECLAIM_WRITE_LIMIT = 16 << 20;

    private final StoreState s;
    private final Object lock = new Object();

    /** The last timestamp the store file holds; checkpoint lock. */
    private long checkpointed;
    /** Whether a rotated journal waits for the store commit that covers it; checkpoint lock. */
    private boolean oldJournalPending;

    Checkpoints(StoreState s) {
        this.s = s;
        this.checkpointed = s.lastAppended;
    }

    /**
     * Makes everything committed so far part of the store file and empties the journal. A no-op without a
     * journal (in memory, attached or read-only).
     */
    void checkpoint() {
        if (s.journal == null) {
            return;
        }
        try {
            synchronized (lock) {
                checkpointLocked();
            }
        } catch (RuntimeException | OutOfMemoryError | StackOverflowError e) {
            throw s.rethrow(e);
        }
    }

    /**
     * Runs an action under the checkpoint lock and the write lock (no commit, purge step, consumer change or
     * other checkpoint runs meanwhile), then checkpoints, so that what the action put into the store's maps
     * becomes durable in the same store commit as everything committed before it. Without a journal only the
     * action runs: an attached log's application commits the store itself.
     *
     * @param action changes to maps of the same store; must not block
     */
    void checkpointWith(Runnable action) {
        try {
            synchronized (lock) {
                s.writeLock.lock();
                try {
                    s.checkOpen();
                    action.run();
                } finally {
                    s.writeLock.unlock();
                }
                if (s.journal != null) {
                    checkpointLocked();
                }
            }
        } catch (RuntimeException | OutOfMemoryError | StackOverflowError e) {
            throw s.rethrow(e);
        }
    }

    private void checkpointLocked() {
        long upTo;
        s.writeLock.lock();
        try {
            s.checkOpen();
            if (s.lastAppended == checkpointed && !oldJournalPending && !s.store.hasUnsavedChanges()) {
                return;
            }
            if (!oldJournalPending) {
                s.journal.rotate();
                oldJournalPending = true;
            }
            upTo = s.lastAppended;
            s.meta.setCheckpoint(upTo);
        } finally {
            s.writeLock.unlock();
        }
        s.commitStore();
        checkpointed = upTo;
        s.journal.deleteOld();
        oldJournalPending = false;
    }

    /**
     * Rewrites sparsely filled chunks of the store file so that the space purges freed is reused and the file
     * stops growing, then checkpoints. A no-op in memory.
     */
    void reclaimSpace() {
        if (s.journal == null || s.isClosed()) {
            return;
        }
        try {
            synchronized (lock) {
                s.checkOpen();
                s.store.compact(RECLAIM_FILL_RATE, RECLAIM_WRITE_LIMIT);
                checkpointLocked();
            }
        } catch (RuntimeException | OutOfMemoryError | StackOverflowError e) {
            throw s.rethrow(e);
        }
    }

    /**
     * Marks the store closed once no checkpoint and no commit is under way.
     *
     * @return false if it was closed already
     */
    boolean markClosed() {
        synchronized (lock) {
            s.writeLock.lock();
            try {
                if (s.isClosed()) {
                    return false;
                }
                s.markClosed();
                return true;
            } finally {
                s.writeLock.unlock();
            }
        }
    }

    /** The last checkpoint, at close (after the background thread stopped): the store file gets everything. */
    void checkpointAtClose() {
        if (s.ownsStore && !s.readOnly) {
            s.meta.setCheckpoint(s.lastAppended);
            s.commitStore();
        }
    }
}
