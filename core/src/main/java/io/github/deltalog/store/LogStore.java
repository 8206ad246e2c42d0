package io.github.deltalog.store;

import io.github.deltalog.DeltaLogException;
import io.github.deltalog.Durability;
import io.github.deltalog.LogClosedException;
import io.github.deltalog.ReadOnlyLogException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongConsumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.h2.mvstore.Cursor;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.RootReference;

/**
 * The storage engine behind a {@code DeltaLog}: the MVStore maps, the commit path (timestamp, journal, map,
 * watermark), recovery and checkpoints. Thread-safe; commits are serialised by one lock, reads are lock-free
 * on MVStore snapshots.
 */
public final class LogStore implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(LogStore.class.getName());
    /** Chunks filled below this percentage are rewritten when space is reclaimed. */
    private static final int RECLAIM_FILL_RATE = 50;

    private final MVStore store;
    private final boolean ownsStore;
    private final MVMap<DeltaKey, byte[]> deltas;
    private final LogMeta meta;
    private final Catalog catalog;
    private final MVMap<String, Long> consumers;
    private final Journal journal;
    private final Durability durability;
    private final boolean readOnly;
    private final String label;
    private final java.nio.file.Path registered;
    private final long checkpointBytes;
    private final HybridClock clock;
    private final ReentrantLock commitLock = new ReentrantLock();
    private final Object checkpointMonitor = new Object();
    private final Object purgeMonitor = new Object();
    private final JournalFiles.RecordBuilder record = new JournalFiles.RecordBuilder();
    /** Seals committed values; used under the commit lock. */
    private final DeltaCodec.Sealer sealer = new DeltaCodec.Sealer();

    private final ScheduledExecutorService background;
    private final AtomicBoolean checkpointQueued = new AtomicBoolean();
    private final java.util.Set<RangeCursor> openCursors = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private volatile long watermark;
    private volatile long lowWater;
    private volatile boolean closed;
    /** The last timestamp whose deltas are in the map (may be above the watermark while SYNC waits). */
    private long lastAppended;

    private long checkpointed;
    private boolean oldJournalPending;

    private LogStore(Opened o, StoreOptions options) {
        this.store = o.store();
        this.ownsStore = o.owns();
        this.label = o.label();
        this.registered = o.registered();
        this.readOnly = options.readOnly() || store.isReadOnly();
        this.durability = options.durability();
        this.checkpointBytes = options.checkpointBytes();
        String prefix = o.namespace() == null ? "" : o.namespace() + ".";
        this.deltas = store.openMap(
                prefix + "deltas",
                new MVMap.Builder<DeltaKey, byte[]>()
                        .keyType(DeltaKeyType.INSTANCE)
                        .valueType(ValueBytesType.INSTANCE));
        this.meta = new LogMeta(store.openMap(prefix + "meta"), label, deltas.isEmpty());
        this.catalog = new Catalog(store.openMap(prefix + "catalog"));
        this.consumers = store.openMap(prefix + "consumers");
        this.lowWater = meta.lowWater();
        long last = Recovery.recover(o, deltas, consumers, catalog, meta.checkpoint(), meta.lastCommitted());
        if (!readOnly && lowWater > 0) {
            // A purge raises the mark before it removes the deltas, and a background checkpoint can store the
            // raised mark with only some (or none) of them removed: after a kill there, deltas at or below the
            // mark were left over for good (counted by countAll, never reread, never reclaimed; found by the
            // crash test). Finish such a purge; when nothing is left this is one seek per table.
            for (int id : catalog.allIds()) {
                Purger.removeBefore(deltas, id, lowWater + 1);
            }
        }
        this.watermark = last;
        this.lastAppended = last;
        this.checkpointed = last;
        this.clock = new HybridClock(options.clock(), last);
        if (o.journalPath() != null && !readOnly) {
            checkpointNow(); // the replayed journal is now in the store; start from an empty one
            this.journal = new Journal(o.journalPath(), o.journalKey(), durability);
            // The checkpoint above also covers a rotated journal a crash left behind: drop it now, so that no
            // stale .journal.old outlives this session (guarded by JournalRecoveryTest).
            journal.deleteOld();
            this.background = startBackground(options);
        } else {
            this.journal = null;
            this.background = null;
        }
    }

    /**
     * Opens (or creates) a file-backed or in-memory store and recovers it.
     *
     * @throws DeltaLogException subclasses for a locked, corrupt, encrypted or unknown-format file
     */
    public static LogStore open(StoreOptions options) {
        Opened o = StoreOpener.open(options);
        try {
            return new LogStore(o, options);
        } catch (RuntimeException | OutOfMemoryError | StackOverflowError e) {
            o.abandon();
            throw StoreOpener.translate(e, o.label());
        }
    }

    /**
     * Keeps the log's maps inside an application's MVStore, under a namespace. No journal: the application's
     * {@code store.commit()} is the commit.
     */
    public static LogStore attach(MVStore store, String namespace, Clock clock) {
        Opened o = new Opened(store, false, "store namespace '" + namespace + "'", null, null, null, namespace);
        StoreOptions options = new StoreOptions(
                null, null, false, Durability.COMMIT, clock, 16, store.isReadOnly(), 0, 0, Long.MAX_VALUE);
        return new LogStore(o, options);
    }

    private ScheduledExecutorService startBackground(StoreOptions options) {
        ScheduledThreadPoolExecutor ex = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "deltalog-checkpoint " + label);
            t.setDaemon(true);
            return t;
        });
        ex.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        if (durability == Durability.ASYNC) {
            ex.scheduleWithFixedDelay(
                    () -> guarded(journal::flush),
                    options.journalFlushMillis(),
                    options.journalFlushMillis(),
                    TimeUnit.MILLISECONDS);
        }
        ex.scheduleWithFixedDelay(
                () -> guarded(this::checkpoint),
                options.checkpointMillis(),
                options.checkpointMillis(),
                TimeUnit.MILLISECONDS);
        return ex;
    }

    private void guarded(Runnable task) {
        try {
            if (!closed) {
                task.run();
            }
        } catch (RuntimeException e) {
            if (!closed) {
                LOG.log(Level.WARNING, label + ": background journal task failed; retrying", e);
            }
        }
    }

    // ---- catalog ----

    /** Returns the id of a table ever known to the log, or -1. */
    public int tableId(String table) {
        return catalog.id(table);
    }

    /** Returns the name of a table id, or null if unknown. */
    public String tableName(int tableId) {
        return catalog.name(tableId);
    }

    /** Tells whether a table is tracked. */
    public boolean isTracked(String table) {
        return catalog.isTracked(table);
    }

    /** Returns the tracked tables, sorted by name. */
    public List<String> trackedTables() {
        return catalog.trackedTables();
    }

    /** Returns every table the log knows, tracked now or before, sorted by name. */
    public List<String> allTables() {
        return catalog.allTables();
    }

    /**
     * Tracks or untracks a table and makes the change durable before returning (a checkpoint), so that journal
     * replay always finds the tables its records name.
     */
    public void setTracked(String table, boolean on) {
        checkWritable("change tracked tables");
        commitLock.lock();
        try {
            checkOpen();
            if (!catalog.setTracked(table, on)) {
                return;
            }
            if (journal == null) {
                return; // in memory, or attached: the application's commit persists it
            }
        } finally {
            commitLock.unlock();
        }
        checkpoint();
    }

    /** Throws unless the table with this id is tracked. */
    public void checkTracked(int tableId) {
        catalog.checkTracked(tableId);
    }

    // ---- commit ----

    /**
     * Commits one transaction: assigns its timestamp, seals and journals its values, puts them into the map and
     * publishes the new watermark. The keys are (tableIds[i], ts, rowIds[i]); they must be distinct.
     *
     * @param tableIds table of each delta
     * @param rowIds row of each delta
     * @param values encoded values from {@link DeltaCodec#encode}, sealed here
     * @param count how many deltas of the arrays to commit
     * @param onAssigned called under the commit lock with the timestamp, in commit order
     * @return the commit timestamp
     * @throws io.github.deltalog.UntrackedTableException if a table is no longer tracked; nothing is written
     */
    public long commit(int[] tableIds, long[] rowIds, byte[][] values, int count, LongConsumer onAssigned) {
        checkWritable("commit");
        long ts;
        long seq = 0;
        commitLock.lock();
        try {
            checkOpen();
            for (int i = 0; i < count; i++) {
                if (i == 0 || tableIds[i] != tableIds[i - 1]) { // one check per run of a table (sorted input)
                    catalog.checkTracked(tableIds[i]);
                }
            }
            ts = clock.next();
            DeltaKey[] keys = new DeltaKey[count];
            for (int i = 0; i < count; i++) {
                keys[i] = new DeltaKey(tableIds[i], ts, rowIds[i]);
                sealer.seal(keys[i], values[i]);
            }
            if (journal != null) {
                record.startTransaction(ts, count);
                for (int i = 0; i < count; i++) {
                    record.addDelta(keys[i], values[i]);
                }
                seq = journal.append(record.finish(), 0, record.length());
                record.trim();
            }
            putAll(keys, values, count);
            if (journal == null && !ownsStore) {
                meta.setLastCommitted(ts);
            }
            lastAppended = ts;
            if (durability != Durability.SYNC || journal == null) {
                watermark = ts;
            }
            onAssigned.accept(ts);
        } finally {
            commitLock.unlock();
        }
        if (journal != null) {
            if (durability == Durability.SYNC) {
                journal.syncTo(seq);
                publish(ts);
            }
            if (journal.bytesSinceRotation() > checkpointBytes && checkpointQueued.compareAndSet(false, true)) {
                try {
                    background.execute(() -> {
                        checkpointQueued.set(false);
                        guarded(this::checkpoint);
                    });
                } catch (java.util.concurrent.RejectedExecutionException closing) {
                    // close() stopped the background thread after this commit was made; its final checkpoint
                    // covers the commit, so there is nothing to queue (guarded by CloseTest).
                }
            }
        }
        return ts;
    }

    private void putAll(DeltaKey[] keys, byte[][] values, int count) {
        int done = 0;
        try {
            for (; done < count; done++) {
                deltas.put(keys[done], values[done]);
            }
        } catch (RuntimeException e) {
            for (int i = 0; i < done; i++) {
                deltas.remove(keys[i]);
            }
            throw new DeltaLogException("cannot store a transaction in " + label + ": " + e.getMessage(), e);
        }
    }

    private void publish(long ts) {
        synchronized (checkpointMonitor) {
            if (ts > watermark) {
                watermark = ts;
            }
        }
    }

    // ---- consumers ----

    /** Returns a consumer's position, or null if there is no such consumer. */
    public Long consumerPosition(String name) {
        checkOpen();
        try {
            return consumers.get(name);
        } catch (RuntimeException | OutOfMemoryError | StackOverflowError e) {
            throw StoreFailures.rethrow(e, label, closed);
        }
    }

    /** Returns the names of all consumers, sorted. */
    public List<String> consumerNames() {
        checkOpen();
        try {
            return new ArrayList<>(consumers.keySet());
        } catch (RuntimeException | OutOfMemoryError | StackOverflowError e) {
            throw StoreFailures.rethrow(e, label, closed);
        }
    }

    /** Returns every consumer's position by name. */
    public java.util.Map<String, Long> consumerPositions() {
        checkOpen();
        try {
            return new java.util.TreeMap<>(consumers);
        } catch (RuntimeException | OutOfMemoryError | StackOverflowError e) {
            throw StoreFailures.rethrow(e, label, closed);
        }
    }

    /**
     * Creates a consumer at a position unless it exists. Journaled like a commit.
     *
     * @return true if it was created
     */
    public boolean createConsumer(String name, long position) {
        return changeConsumer(name, position, ConsumerChange.CREATE);
    }

    /**
     * Moves an existing consumer. Journaled like a commit.
     *
     * @return false if there is no such consumer
     */
    public boolean moveConsumer(String name, long position) {
        return changeConsumer(name, position, ConsumerChange.MOVE);
    }

    /**
     * Drops a consumer. Journaled like a commit.
     *
     * @return false if there was no such consumer
     */
    public boolean dropConsumer(String name) {
        return changeConsumer(name, JournalFiles.DROPPED, ConsumerChange.DROP);
    }

    private enum ConsumerChange {
        CREATE,
        MOVE,
        DROP
    }

    private boolean changeConsumer(String name, long position, ConsumerChange change) {
        checkWritable("change consumer '" + name + "'");
        long seq = 0;
        commitLock.lock();
        try {
            checkOpen();
            boolean exists;
            try {
                exists = consumers.containsKey(name);
            } catch (RuntimeException | OutOfMemoryError | StackOverflowError e) {
                throw StoreFailures.rethrow(e, label, closed);
            }
            if (exists == (change == ConsumerChange.CREATE)) {
                return false;
            }
            if (journal != null) {
                record.consumer(name, position);
                seq = journal.append(record.finish(), 0, record.length());
            }
            if (change == ConsumerChange.DROP) {
                consumers.remove(name);
            } else {
                consumers.put(name, position);
            }
        } finally {
            commitLock.unlock();
        }
        if (journal != null && durability == Durability.SYNC) {
            journal.syncTo(seq);
        }
        return true;
    }

    // ---- purge ----

    /**
     * Returns the low-water mark: the newest commit timestamp that was purged (every delta at or below it is
     * gone), 0 if nothing ever was. A read after position p is complete if {@code p >= lowWater}.
     */
    public long lowWater() {
        return lowWater;
    }

    /**
     * Removes every delta with a commit timestamp below {@code cut} (at most up to the watermark). The low-water
     * mark is raised first, to the newest timestamp being removed, so that no reader gets an incomplete answer;
     * then the deltas go in batches, then a checkpoint makes sure recovery never brings them back.
     *
     * @return how many deltas were removed
     */
    public long purgeBefore(long cut) {
        try {
            checkWritable("purge");
            synchronized (purgeMonitor) {
                long newLow = Long.MIN_VALUE;
                long removedAll;
                commitLock.lock();
                try {
                    checkOpen();
                    long effective = Math.min(cut, watermark == Long.MAX_VALUE ? Long.MAX_VALUE : watermark + 1);
                    if (effective == Long.MIN_VALUE) {
                        return 0;
                    }
                    for (int id : catalog.allIds()) {
                        DeltaKey newest = deltas.floorKey(DeltaKey.last(id, effective - 1));
                        if (newest != null && newest.tableId() == id) {
                            newLow = Math.max(newLow, newest.commitTimestamp());
                        }
                    }
                    if (newLow <= lowWater) {
                        return 0;
                    }
                    lowWater = newLow;
                    meta.setLowWater(newLow);
                    removedAll = removeAllIfPurgeable(newLow);
                } finally {
                    commitLock.unlock();
                }
                if (removedAll >= 0) {
                    checkpoint();
                    return removedAll;
                }
                long removed = 0;
                for (int id : catalog.allIds()) {
                    removed += Purger.removeBefore(deltas, id, newLow + 1);
                }
                checkpoint();
                return removed;
            }
        } catch (RuntimeException | OutOfMemoryError | StackOverflowError e) {
            throw StoreFailures.rethrow(e, label, closed);
        }
    }

    /**
     * Empties the map in one step when every delta in it is at or below the new low-water mark (a purge up to
     * the watermark when consumers have caught up; also the purge benchmark): {@code MVMap.clear()} replaces
     * the root and visits only inner pages, where removing key by key copies a leaf and its path per delta.
     * Called under the commit lock (so no commit adds a delta meanwhile) after the mark was raised. The count
     * comes from two ranks per table; a key of a table the catalog does not know, or with a timestamp of
     * {@code Long.MIN_VALUE}, makes the counts differ and leaves the purge to the batches.
     *
     * @return how many deltas were removed, or -1 if some must stay (nothing was removed)
     */
    private long removeAllIfPurgeable(long newLow) {
        long size = deltas.sizeAsLong();
        long purgeable = 0;
        for (int id : catalog.allIds()) {
            purgeable += rankAtOrBelow(DeltaKey.last(id, newLow)) - rankAtOrBelow(DeltaKey.last(id, Long.MIN_VALUE));
        }
        if (purgeable != size) {
            return -1;
        }
        deltas.clear();
        return size;
    }

    /**
     * Rewrites sparsely filled chunks of the store file so that the space purges freed is reused and the file
     * stops growing. Runs after purges; a no-op in memory.
     */
    public void reclaimSpace() {
        try {
            if (journal == null || closed) {
                return;
            }
            synchronized (checkpointMonitor) {
                checkOpen();
                store.compact(RECLAIM_FILL_RATE, 16 << 20);
            }
            checkpoint();
        } catch (RuntimeException | OutOfMemoryError | StackOverflowError e) {
            throw StoreFailures.rethrow(e, label, closed);
        }
    }

    // ---- checkpoint ----

    /**
     * Makes everything committed so far part of the store file and empties the journal. Runs in the
     * background every checkpoint interval; callable any time.
     */
    public void checkpoint() {
        try {
            if (journal == null) {
                return;
            }
            synchronized (checkpointMonitor) {
                long upTo;
                commitLock.lock();
                try {
                    checkOpen();
                    if (lastAppended == checkpointed && !oldJournalPending && !store.hasUnsavedChanges()) {
                        return;
                    }
                    if (!oldJournalPending) {
                        journal.rotate();
                        oldJournalPending = true;
                    }
                    upTo = lastAppended;
                    meta.setCheckpoint(upTo);
                } finally {
                    commitLock.unlock();
                }
                commitStore();
                checkpointed = upTo;
                journal.deleteOld();
                oldJournalPending = false;
            }
        } catch (RuntimeException | OutOfMemoryError | StackOverflowError e) {
            throw StoreFailures.rethrow(e, label, closed);
        }
    }

    /** The checkpoint made at open, before the journal is (re)created: nothing runs concurrently yet. */
    private void checkpointNow() {
        meta.setCheckpoint(lastAppended);
        commitStore();
    }

    private void commitStore() {
        try {
            store.commit();
            store.sync();
        } catch (RuntimeException | OutOfMemoryError | StackOverflowError e) {
            throw StoreFailures.rethrow(e, label, closed);
        }
    }

    // ---- reads ----

    /** Returns the highest commit timestamp whose transaction is fully visible. */
    public long watermark() {
        return watermark;
    }

    /**
     * Opens a cursor over one table's deltas with {@code after < ts <= upTo}, on a snapshot of the map that
     * stays readable until the cursor is closed or exhausted. O(log n) to position, O(1) per step.
     */
    public RangeCursor range(int tableId, String table, long after, long upTo) {
        // Opened under the cursor set's monitor, which close() takes after marking the log closed: a cursor is
        // either in the set close() releases, or sees the log closed (a version left registered in use would fail
        // the store's close; guarded by HostileValuesTest.concurrentCloseWhileCommittingAndReading).
        synchronized (openCursors) {
            return openRange(tableId, table, after, upTo);
        }
    }

    private RangeCursor openRange(int tableId, String table, long after, long upTo) {
        checkOpen();
        MVStore.TxCounter usage = store.registerVersionUsage();
        long from = after == Long.MAX_VALUE ? Long.MAX_VALUE : after + 1;
        Cursor<DeltaKey, byte[]> c;
        try {
            c = upTo < from
                    // An empty range: from past the table's keys to before them.
                    ? deltas.cursor(
                            DeltaKey.last(tableId, Long.MAX_VALUE), DeltaKey.first(tableId, Long.MIN_VALUE), false)
                    : deltas.cursor(DeltaKey.first(tableId, from), DeltaKey.last(tableId, upTo), false);
        } catch (RuntimeException | OutOfMemoryError | StackOverflowError e) {
            store.deregisterVersionUsage(usage);
            throw StoreFailures.rethrow(e, label, closed);
        }
        return new RangeCursor(table, store, usage, c, openCursors, this);
    }

    /** Counts one table's deltas with {@code after < ts <= upTo} from two ranks of the counted B-tree. O(log n). */
    public long count(int tableId, long after, long upTo) {
        checkOpen();
        if (upTo <= after) {
            return 0;
        }
        DeltaKey high = DeltaKey.last(tableId, upTo);
        DeltaKey low = DeltaKey.last(tableId, after);
        // Both ranks must come from one version of the map: a commit into a lower table id between the two
        // shifts the second rank, and the count came out wrong (even negative) under concurrent writers. Every
        // change of the map makes a new root, so retry while it moves; if writers keep it moving, stop them.
        for (int attempt = 0; attempt < 8; attempt++) {
            RootReference<DeltaKey, byte[]> root = deltas.getRoot();
            long n = rankAtOrBelow(high) - rankAtOrBelow(low);
            if (deltas.getRoot() == root) {
                return n;
            }
        }
        // Purges remove keys outside the commit lock: hold them off too (purge monitor first, as purgeBefore
        // takes them), or a removal between the two ranks inflates the count (MixedConcurrencyTest under -Pstress).
        synchronized (purgeMonitor) {
            commitLock.lock();
            try {
                return rankAtOrBelow(high) - rankAtOrBelow(low);
            } finally {
                commitLock.unlock();
            }
        }
    }

    private long rankAtOrBelow(DeltaKey key) {
        long index;
        try {
            index = deltas.getKeyIndex(key);
        } catch (RuntimeException | OutOfMemoryError | StackOverflowError e) {
            throw StoreFailures.rethrow(e, label, closed);
        }
        return index >= 0 ? index + 1 : -(index + 1);
    }

    /** Returns the ids of every table the log knows. */
    public List<Integer> tableIds() {
        return catalog.allIds();
    }

    /** Returns the store's file size in bytes, or 0 in memory. */
    public long fileSize() {
        return store.getFileStore() == null ? 0 : store.getFileStore().size();
    }

    /** Returns a description of the log's file for messages. */
    public String label() {
        return label;
    }

    /** Tells whether the log refuses changes. */
    public boolean isReadOnly() {
        return readOnly;
    }

    /** Returns the durability level. */
    public Durability durability() {
        return durability;
    }

    private void checkOpen() {
        if (closed) {
            throw new LogClosedException("log " + label + " is closed");
        }
    }

    /** Throws {@link LogClosedException} if closed, {@link ReadOnlyLogException} if read-only. */
    public void checkWritable(String what) {
        checkOpen();
        if (readOnly) {
            throw new ReadOnlyLogException("cannot " + what + ": log " + label + " is open read-only");
        }
    }

    /** Tells whether the store was closed. */
    public boolean isClosed() {
        return closed;
    }

    /**
     * Checkpoints, stops the background thread, closes the store (unless attached) and deletes the journal.
     * Idempotent.
     */
    @Override
    public void close() {
        synchronized (checkpointMonitor) {
            commitLock.lock();
            try {
                if (closed) {
                    return;
                }
                closed = true;
            } finally {
                commitLock.unlock();
            }
        }
        if (background != null) {
            // Not shutdownNow(): interrupting a journal flush mid-write closes the FileChannel (it is
            // interruptible), and close() then failed writing the journal. Pending runs are dropped by the
            // executor's policy; a running one is waited for below.
            background.shutdown();
            awaitQuietly(background);
        }
        synchronized (openCursors) {
            for (RangeCursor c : openCursors.toArray(new RangeCursor[0])) {
                c.close(); // the store may not close while a version is still registered as in use
            }
        }
        try {
            if (ownsStore) {
                if (!readOnly) {
                    meta.setCheckpoint(lastAppended);
                    commitStore();
                }
                store.close();
            }
            if (journal != null) {
                journal.closeAndDelete();
            }
        } catch (RuntimeException e) {
            throw new DeltaLogException("cannot close log " + label + ": " + e.getMessage(), e);
        } finally {
            if (registered != null) {
                OpenFiles.release(registered);
            }
        }
    }

    private static void awaitQuietly(ScheduledExecutorService ex) {
        try {
            ex.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
