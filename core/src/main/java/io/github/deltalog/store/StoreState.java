package io.github.deltalog.store;

import io.github.deltalog.DeltaLogException;
import io.github.deltalog.Durability;
import io.github.deltalog.LogClosedException;
import io.github.deltalog.ReadOnlyLogException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;

/**
 * What the parts of the engine share: the store and its maps, the journal, the positions (watermark,
 * low-water mark) and the write lock. Each part of the engine owns at most one lock; this is the one place
 * that says how they nest.
 *
 * <p><b>Lock order</b> (take a lock only while holding locks to its left, never the other way round):
 *
 * <ol>
 *   <li>the purge lock ({@link Purges}): one purge at a time; the count fallback holds purges off with it;
 *   <li>the checkpoint lock ({@link Checkpoints}): one checkpoint, space reclaim or close at a time;
 *   <li>the store-commit lock (here): held by every store commit (and MVStore compaction, which commits) and by a
 *       view's journal record while it is appended and applied ({@link MapCommits}), so that no store commit holds
 *       part of a record. It covers the store commit only, not the fsyncs around it, so a refresh waits for a
 *       checkpoint's page writes at most, not its journal rotation or its sync;
 *   <li>the write lock (here): the order of commits, journal appends, catalog and consumer changes, and the
 *       checkpoint's cut of the journal. Held for short, bounded steps only; never while waiting for an fsync.
 * </ol>
 *
 * The open-cursor registry's monitor ({@link Reads}) is taken alone, by opening cursors and by close after
 * the others are released. The journal's own monitor (group fsync, ASYNC flush) is innermost.
 */
final class StoreState {
    final MVStore store;
    final boolean ownsStore;
    final String label;
    /** The canonical path held in the open-file registry, or null. */
    final Path registered;

    final boolean readOnly;
    final Durability durability;
    final MVMap<DeltaKey, byte[]> deltas;
    final LogMeta meta;
    final Catalog catalog;
    final MVMap<String, Long> consumers;
    /** The commit journal, or null in memory, attached or read-only. */
    final Journal journal;
    /** The journal's file and key (null in memory or attached), for backups. */
    final Path journalPath;

    final byte[] journalKey;
    /** Whether the log failed after a write it cannot repair (then every call throws). */
    final StoreHealth health;

    /** Orders commits, journal appends and catalog and consumer changes. */
    final ReentrantLock writeLock = new ReentrantLock();
    /** Orders store commits with the append and apply of map records (see the lock order above). */
    final Object storeCommitLock = new Object();
    /** Builds journal records; used under the write lock. */
    final JournalFiles.RecordBuilder record = new JournalFiles.RecordBuilder();
    /** Running totals for metrics; updated on the hot paths without a lock of their own. */
    final StoreCounters counters = new StoreCounters();

    private final AtomicLong watermark;
    private volatile long lowWater;
    private volatile boolean closed;
    /** The last timestamp whose deltas are in the map (above the watermark while SYNC waits); write lock. */
    long lastAppended;

    StoreState(
            Opened o,
            boolean readOnly,
            Durability durability,
            MVMap<DeltaKey, byte[]> deltas,
            LogMeta meta,
            Catalog catalog,
            MVMap<String, Long> consumers,
            Journal journal,
            long last,
            long lowWater) {
        this.store = o.store();
        this.ownsStore = o.owns();
        this.label = o.label();
        this.registered = o.registered();
        this.readOnly = readOnly;
        this.durability = durability;
        this.deltas = deltas;
        this.meta = meta;
        this.catalog = catalog;
        this.consumers = consumers;
        this.journal = journal;
        this.journalPath = o.journalPath();
        this.journalKey = o.journalKey();
        this.health = new StoreHealth(o.label());
        this.watermark = new AtomicLong(last);
        this.lastAppended = last;
        this.lowWater = lowWater;
    }

    /** Returns the highest commit timestamp whose transaction is fully visible. */
    long watermark() {
        return watermark.get();
    }

    /** Makes a commit visible, unless a later one already is (SYNC committers publish out of order). */
    void publish(long ts) {
        watermark.accumulateAndGet(ts, Math::max);
    }

    long lowWater() {
        return lowWater;
    }

    /** Raises the low-water mark, in memory and in the meta map; under the write lock. */
    void setLowWater(long ts) {
        lowWater = ts;
        meta.setLowWater(ts);
    }

    /**
     * Tells whether reading after a position would miss purged deltas. The mark is 0 until a purge; commit
     * timestamps are positive, so before any purge no position (not even one before the epoch) misses any.
     */
    boolean isBehindLowWater(long position) {
        long low = lowWater;
        return low > 0 && position < low;
    }

    boolean isClosed() {
        return closed;
    }

    /** Marks the store closed; under the checkpoint lock and the write lock. */
    void markClosed() {
        closed = true;
    }

    void checkOpen() {
        if (closed) {
            throw new LogClosedException("log " + label + " is closed");
        }
        if (journal != null && journal.broken()) {
            health.fail("the journal is in an unknown state after a failed write", null);
        }
        health.check();
    }

    /** Appends the built record; a failed append that left the journal in an unknown state fails the log. */
    long append() {
        return append(false);
    }

    /**
     * Appends the built record as {@link #append()} does, for a SYNC committer that {@linkplain Journal#announce
     * announced} it when {@code announced}.
     */
    long append(boolean announced) {
        try {
            return journal.append(record.finish(), 0, record.length(), announced);
        } catch (RuntimeException e) {
            if (journal.broken()) {
                throw health.outcomeUnknown("a failed journal write could not be cut back", e);
            }
            throw e;
        }
    }

    /** Takes the record appended last back after its change failed, so that the change never comes back. */
    void cancelRecord(long seq, RuntimeException cause) {
        try {
            journal.cancel(seq, record.length());
        } catch (RuntimeException e) {
            cause.addSuppressed(e);
            throw health.outcomeUnknown("its journal record could not be taken back after the commit failed", e);
        }
    }

    /** Forces the journal; a failed fsync leaves the record's durability unknown, so the log fails. */
    void syncTo(long seq) {
        try {
            journal.syncTo(seq);
        } catch (RuntimeException e) {
            throw health.outcomeUnknown("the journal could not be forced to disk", e);
        }
    }

    void checkWritable(String what) {
        checkOpen();
        if (readOnly) {
            throw new ReadOnlyLogException("cannot " + what + ": log " + label + " is open read-only");
        }
    }

    /** Rethrows a failure of a store call as the log's typed exception. */
    RuntimeException rethrow(Throwable e) {
        throw StoreFailures.rethrow(e, label, closed);
    }

    /**
     * Returns how many keys of the deltas map are at or below a key: a rank in the counted B-tree. O(log n).
     *
     * @throws io.github.deltalog.CorruptLogException if a page on the way is damaged
     */
    long rankAtOrBelow(DeltaKey key) {
        long index;
        try {
            index = deltas.getKeyIndex(key);
        } catch (RuntimeException | OutOfMemoryError | StackOverflowError | AssertionError e) {
            throw rethrow(e);
        }
        return index >= 0 ? index + 1 : -(index + 1);
    }

    /** Writes the store's changes to its file and forces them to disk. */
    void commitStore() {
        commitStore(false);
    }

    /**
     * Writes the store's changes to its file and forces them to disk, with the caller's interrupt flag cleared
     * (restored after). A failed write that made MVStore close the store fails the log.
     *
     * @param closing called by close(), whose own failure is not "closed"
     */
    void commitStore(boolean closing) {
        try {
            Uninterrupted.run(() -> {
                synchronized (storeCommitLock) {
                    store.commit();
                }
                store.sync();
            });
        } catch (RuntimeException e) {
            if (e instanceof DeltaLogException || (closed && !closing)) {
                throw rethrow(e);
            }
            throw health.storeWriteFailed(store, e);
        } catch (OutOfMemoryError | StackOverflowError e) {
            throw rethrow(e);
        }
    }

    /** Wraps a failure to put a transaction's deltas into the map. */
    DeltaLogException storeFailure(String what, RuntimeException e) {
        return new DeltaLogException("cannot " + what + " in " + label + ": " + e.getMessage(), e);
    }
}
