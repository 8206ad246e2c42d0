package io.github.deltalog.store;

import java.time.Instant;
import org.h2.mvstore.FileStore;
import org.h2.mvstore.RandomAccessStore;

/**
 * Owns the checkpoint lock: checkpoints (the journal's records become part of the store file, then the journal
 * is emptied), space reclaim after purges, and the final checkpoint at close. One of them runs at a time.
 */
final class Checkpoints {
    /** Chunks filled below this percentage are rewritten when space is reclaimed. */
    private static final int RECLAIM_FILL_RATE = 50;
    /** At most this many bytes are rewritten per reclaim. */
    private static final int RECLAIM_WRITE_LIMIT = 16 << 20;
    /** Free space past which the background compacts a file, if it is also more than half of the file. */
    static final long SPARSE_FREE_BYTES = 4L << 20;
    /** How long one background compaction of a sparse file may run. */
    private static final long SPARSE_COMPACT_MILLIS = 2000;
    /** The longest a compaction goes on: an hour. */
    private static final long MAX_COMPACT_MILLIS = 3_600_000L;
    /** How many versions MVStore keeps a chunk after its last live page left it (its default). */
    private static final int VERSIONS_KEPT = 5;
    /** The most rounds of one compaction. */
    private static final int MAX_COMPACT_ROUNDS = 16;

    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(Checkpoints.class.getName());

    private final StoreState s;
    private final Object lock = new Object();
    /** Opens every side map before a compaction (see {@link LogStore#setSideMapOpener}). */
    private volatile Runnable sideMapOpener = () -> {};

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
        } catch (RuntimeException | OutOfMemoryError | StackOverflowError | AssertionError e) {
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
        } catch (RuntimeException | OutOfMemoryError | StackOverflowError | AssertionError e) {
            throw s.rethrow(e);
        }
    }

    /**
     * Runs an action under the store-commit lock: no store commit sees the action's changes half made. A checkpoint
     * under way holds the action off only while it writes the store's pages, not during its journal rotation or
     * its syncs.
     */
    <T> T excludingStoreCommits(java.util.function.Supplier<T> action) {
        synchronized (s.storeCommitLock) {
            return action.get();
        }
    }

    private void checkpointLocked() {
        long start = System.nanoTime();
        long upTo;
        s.writeLock.lock();
        try {
            s.checkOpen();
            if (s.lastAppended == checkpointed && !oldJournalPending && !s.store.hasUnsavedChanges()) {
                return;
            }
            if (!oldJournalPending) {
                try {
                    s.journal.rotate(s.lastAppended);
                } catch (RuntimeException e) {
                    if (s.journal.broken()) {
                        throw s.health.fail("the journal could not start its next generation", e);
                    }
                    throw e; // nothing moved: the next checkpoint retries
                }
                oldJournalPending = true;
            }
            upTo = s.lastAppended;
        } finally {
            s.writeLock.unlock();
        }
        // The rotation's three fsyncs (the old file, the new header, the folder) run here, outside the write lock,
        // so commits go on meanwhile; they are on disk before the store commit below names the new generation,
        // which is what keeps the pair of files recoverable at every point (Journal#rotate).
        try {
            s.journal.finishRotation();
        } catch (RuntimeException e) {
            throw s.health.fail("the journal's next generation could not be forced to disk", e);
        }
        s.writeLock.lock();
        try {
            s.meta.setCheckpoint(upTo);
            s.meta.setJournal(s.journal.generation(), true);
        } finally {
            s.writeLock.unlock();
        }
        s.commitStore();
        checkpointed = upTo;
        s.journal.deleteOld();
        oldJournalPending = false;
        s.counters.checkpointed(System.nanoTime() - start);
    }

    void setSideMapOpener(Runnable opener) {
        this.sideMapOpener = opener;
    }

    /**
     * Opens every side map, so that MVStore can rewrite their pages too: a closed map's pages pin their chunks. A
     * failure (a view of a format this version cannot read) leaves those maps closed; the rest is compacted. Under
     * the checkpoint lock, so that no view is dropped meanwhile (its maps would be opened again, empty).
     */
    private void openSideMaps() {
        try {
            sideMapOpener.run();
        } catch (RuntimeException e) {
            LOG.log(
                    java.util.logging.Level.WARNING,
                    "{0}: some side maps could not be opened, so the chunks holding their pages are not rewritten: {1}",
                    new Object[] {s.label, e.toString()});
        }
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
                openSideMaps();
                // MVStore's compaction commits the store: the store-commit lock keeps map records out of it.
                synchronized (s.storeCommitLock) {
                    Uninterrupted.run(() -> s.store.compact(RECLAIM_FILL_RATE, RECLAIM_WRITE_LIMIT));
                }
                checkpointLocked();
            }
        } catch (RuntimeException | OutOfMemoryError | StackOverflowError | AssertionError e) {
            throw s.rethrow(e);
        }
    }

    /**
     * Rewrites the store file so that it shrinks to about the size of its live data: checkpoints (the journal's
     * records go into the store), then moves live pages out of sparse chunks and chunks towards the start of the
     * file and truncates it, in rounds, until the file is dense or the time is up, then checkpoints again.
     * Reads go on meanwhile, commits too except while chunks move; purges and other checkpoints wait (the caller
     * holds purges off). Crash-safe as MVStore's chunk moves are: each
     * round writes whole new chunks and a new store header before it frees the old ones, and the journal still
     * covers every commit after the checkpoint.
     *
     * @param maxMillis how long to go on (checked after each rewrite of at most 16 MiB, so it may run over by one)
     * @return the file size after, in bytes; 0 in memory
     */
    long compact(long maxMillis) {
        FileStore<?> file = s.store.getFileStore();
        if (file == null) {
            return 0;
        }
        if (!s.ownsStore) {
            // Compacting commits the store, which is the application's commit to make.
            return file.size();
        }
        try {
            synchronized (lock) {
                s.checkOpen();
                openSideMaps();
                if (s.journal != null) {
                    checkpointLocked();
                }
                long budget = Math.max(1, Math.min(maxMillis, MAX_COMPACT_MILLIS)) * 1_000_000L;
                long started = System.nanoTime();
                // At least one round: MVStore counts chunks written lately as live, so a file a purge just emptied
                // looks dense until a round has aged them.
                int idle = 0;
                // Rewrites a bounded amount in all (a few times the file, at least 64 MiB): commits going on
                // meanwhile keep adding chunks that are not full, and chasing them would never end.
                long[] rewriteBudget = {Math.max(64L << 20, 4 * file.size())};
                for (int round = 0; round < MAX_COMPACT_ROUNDS && idle < 2; round++) {
                    long before = file.size();
                    compactRound(file, rewriteBudget, started + budget);
                    // A round that did not shrink the file may have freed chunks the next one can move into.
                    idle = file.size() < before ? 0 : idle + 1;
                    if (System.nanoTime() - started > budget) {
                        break;
                    }
                }
                if (s.journal != null) {
                    checkpointLocked();
                } else if (!s.readOnly) {
                    s.commitStore();
                }
                return file.size();
            }
        } catch (RuntimeException | OutOfMemoryError | StackOverflowError | AssertionError e) {
            throw s.rethrow(e);
        }
    }

    /**
     * One round: rewrites the live pages of chunks that are not full into new chunks, stores enough new versions
     * that the chunks this left empty (and those the moves of the round before left behind) become free (MVStore
     * frees a chunk only once it is {@link #VERSIONS_KEPT} versions old), and moves the chunks at the end of the
     * file into the free space before them, which truncates the file.
     */
    private void compactRound(FileStore<?> file, long[] rewriteBudget, long deadline) {
        synchronized (s.storeCommitLock) { // before the write lock, as the lock order says
            compactRoundLocked(file, rewriteBudget, deadline);
        }
    }

    private void compactRoundLocked(FileStore<?> file, long[] rewriteBudget, long deadline) {
        // The whole round holds the write lock, so commits wait for it (a round is bounded by the rewrite budget
        // and the caller's time budget). With writers putting meanwhile, MVStore's chunk moves failed its own
        // consistency checks (FreeSpaceBitSet assertions under -ea, CompactionTest) and the file did not shrink:
        // MVStore moves chunks when no one writes (H2's SHUTDOWN COMPACT).
        s.writeLock.lock();
        try {
            while (rewriteBudget[0] > 0 && s.store.compact(100, RECLAIM_WRITE_LIMIT)) {
                rewriteBudget[0] -= RECLAIM_WRITE_LIMIT;
                s.commitStore();
                if (System.nanoTime() - deadline > 0) {
                    // The time budget holds within a round too: a round may rewrite several times the file, and
                    // commits, refreshes and checkpoints wait for it (a background compaction of a sparse 100 MB
                    // file held them for 60-110 s on a loaded machine).
                    break;
                }
            }
            for (int i = 0; i <= VERSIONS_KEPT; i++) {
                // A change, so that the store commit makes a new version even when nothing else changed.
                s.meta.setCompacted(Micros.of(Instant.now()));
                s.commitStore();
            }
            // compactMoveChunks drops the chunks that are free by now first, inside MVStore's file-store operation:
            // called from outside, dropUnusedChunks raced MVStore's chunk-save pipeline.
            if (file instanceof RandomAccessStore r) {
                r.compactMoveChunks(100, Long.MAX_VALUE, s.store);
            }
        } finally {
            s.writeLock.unlock();
        }
    }

    /**
     * Estimates the bytes of the file that hold no live data: free blocks, and the dead part of the chunks (pages
     * that later versions replaced or removed).
     */
    private static long freeBytes(FileStore<?> file) {
        long size = file.size();
        return size - size * file.getFillRate() / 100 * file.getChunksFillRate() / 100;
    }

    /**
     * Compacts for a bounded time if the store file is mostly free space: more than {@link #SPARSE_FREE_BYTES} and
     * more than half of the file. The background thread calls this after purges leave the file sparse.
     *
     * @return true if it compacted
     */
    boolean compactIfSparse() {
        FileStore<?> file = s.store.getFileStore();
        if (file == null || s.readOnly || s.isClosed()) {
            return false;
        }
        synchronized (lock) {
            openSideMaps(); // else a closed map's pages hide how much of its chunks is free
        }
        long free = freeBytes(file);
        if (free < SPARSE_FREE_BYTES || free * 2 < file.size()) {
            return false;
        }
        compact(SPARSE_COMPACT_MILLIS);
        return true;
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
            if (s.journal != null) {
                s.meta.setJournal(s.journal.generation(), false);
            }
            s.commitStore(true);
        }
    }

    /**
     * Writes a consistent copy of the log to {@code dest}: a checkpoint, then a copy of the store file while the
     * checkpoint lock keeps every store write off (commits go on into the journal), plus an empty journal of the
     * store's generation; a log without a journal of its own (read-only) is copied as it is.
     */
    void backup(java.nio.file.Path dest) {
        s.checkOpen();
        if (s.journalPath == null) {
            throw new io.github.deltalog.DeltaLogException("cannot back up " + s.label + ": it has no file of its"
                    + " own (in memory or attached: back up the application's store instead)");
        }
        String name = s.journalPath.getFileName().toString();
        java.nio.file.Path storePath =
                s.journalPath.resolveSibling(name.substring(0, name.length() - ".journal".length()));
        if (s.journal == null) {
            Backup.copyAsIs(storePath, dest);
            return;
        }
        synchronized (lock) {
            checkpointLocked();
            s.checkOpen();
            Backup.copyAfterCheckpoint(
                    storePath,
                    dest,
                    s.journalKey,
                    new JournalFiles.Generation(s.meta.id(), s.journal.generation(), checkpointed));
        }
    }
}
