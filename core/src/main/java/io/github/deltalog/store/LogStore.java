package io.github.deltalog.store;

import io.github.deltalog.DeltaLogException;
import io.github.deltalog.Durability;
import io.github.deltalog.retention.RetentionPolicy;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;

/**
 * The storage engine behind a {@code DeltaLog}, as one entry point: opens and recovers the store, wires its
 * parts together and closes them in order. The work is done by the parts, each owning at most one lock (the
 * order is in {@link StoreState}): {@link Commits} (the commit path and catalog changes), {@link ConsumerTable},
 * {@link Purges} (retention and the purge lock), {@link Checkpoints} (the checkpoint lock), {@link Reads}
 * (ranges, counts, the open-cursor registry) and {@link Background} (the one background thread). Thread-safe;
 * reads are lock-free on MVStore snapshots.
 */
public final class LogStore implements AutoCloseable {
    private final StoreState s;
    private final Checkpoints checkpoints;
    private final ConsumerTable consumers;
    private final Purges purges;
    private final Reads reads;
    private final Background background;
    private final Commits commits;
    private final MapCommits mapCommits;
    /** The map name prefix: the namespace and a dot when attached, else empty. */
    private final String prefix;

    private LogStore(
            Opened o, StoreOptions options, RetentionPolicy retention, Duration compactionInterval, MapTypes types) {
        MVStore store = o.store();
        boolean readOnly = options.readOnly() || store.isReadOnly();
        String prefix = o.namespace() == null ? "" : o.namespace() + ".";
        this.prefix = prefix;
        MVMap<DeltaKey, byte[]> deltas = store.openMap(
                prefix + "deltas",
                new RangeCutMap.Builder<DeltaKey, byte[]>()
                        .keyType(DeltaKeyType.INSTANCE)
                        .valueType(ValueBytesType.INSTANCE));
        LogMeta meta = new LogMeta(store.openMap(prefix + "meta"), o.label(), deltas.isEmpty());
        Catalog catalog = new Catalog(store.openMap(prefix + "catalog"));
        MVMap<String, Long> consumerMap = store.openMap(prefix + "consumers");
        long lowWater = meta.lowWater();
        JournalChain.Found found = Recovery.recover(
                o, deltas, consumerMap, catalog, meta, meta.created(), readOnly, options.salvage(), types);
        long last = found.last();
        if (!readOnly) {
            Purges.finishCutShort(deltas, catalog, lowWater);
        }
        Journal journal = null;
        if (o.journalPath() != null && !readOnly) {
            // Stores what was replayed, removes the covered journals (no stale .journal.old outlives this session;
            // guarded by JournalRecoveryTest) and starts the next journal generation.
            journal =
                    JournalChain.start(meta, found, last, o.journalPath(), o.journalKey(), options.durability(), () -> {
                        try {
                            Uninterrupted.run(() -> {
                                store.commit();
                                store.sync();
                            });
                        } catch (RuntimeException | OutOfMemoryError | StackOverflowError | AssertionError e) {
                            throw StoreFailures.rethrow(e, o.label(), false);
                        }
                    });
        }
        this.s = new StoreState(
                o, readOnly, options.durability(), deltas, meta, catalog, consumerMap, journal, last, lowWater);
        this.checkpoints = new Checkpoints(s);
        String advanced = prefix + ConsumerTable.ADVANCED_MAP;
        // A read-only open of a file from before the map existed must not add it (the store is not written).
        MVMap<String, Long> advancedMap = readOnly && !store.hasMap(advanced) ? null : store.openMap(advanced);
        this.consumers = new ConsumerTable(s, advancedMap, options.clock());
        this.purges = new Purges(s, checkpoints, consumers, retention, options.clock());
        this.reads = new Reads(s, purges, this);
        Runnable compaction = compactionInterval == null || readOnly ? null : this::compactionRound;
        this.background = Background.start(
                s,
                options,
                checkpoints,
                compaction,
                compactionInterval == null ? 0 : compactionInterval.toMillis(),
                () -> purges.excluding(() -> checkpoints.compactIfSparse() ? 1 : 0));
        this.commits = new Commits(
                s, checkpoints, background, new HybridClock(options.clock(), last), options.checkpointBytes());
        this.mapCommits = new MapCommits(
                s, checkpoints, background, advancedMap, options.clock(), prefix, options.checkpointBytes());
    }

    /**
     * Opens (or creates) a file-backed or in-memory store and recovers it, with no retention beyond
     * {@link RetentionPolicy#untilConsumed()} and no background compaction.
     *
     * @throws DeltaLogException subclasses for a locked, corrupt, encrypted or unknown-format file
     */
    public static LogStore open(StoreOptions options) {
        return open(options, RetentionPolicy.untilConsumed(), null);
    }

    /**
     * Opens (or creates) a file-backed or in-memory store and recovers it.
     *
     * @param retention what {@link #purge()} and the compaction round apply
     * @param compactionInterval the time between background compaction rounds, or null for none
     * @throws DeltaLogException subclasses for a locked, corrupt, encrypted or unknown-format file
     */
    public static LogStore open(StoreOptions options, RetentionPolicy retention, Duration compactionInterval) {
        return open(options, retention, compactionInterval, null);
    }

    /**
     * Opens (or creates) a file-backed or in-memory store and recovers it, replaying journaled {@link MapChanges}
     * into side maps of the types {@code types} names.
     *
     * @param retention what {@link #purge()} and the compaction round apply
     * @param compactionInterval the time between background compaction rounds, or null for none
     * @param types the types of the side maps journaled changes may name, or null if there are none (an open of a
     *     journal holding such changes then fails)
     * @throws DeltaLogException subclasses for a locked, corrupt, encrypted or unknown-format file
     */
    public static LogStore open(
            StoreOptions options, RetentionPolicy retention, Duration compactionInterval, MapTypes types) {
        Opened o = StoreOpener.open(options);
        try {
            return new LogStore(o, options, retention, compactionInterval, types);
        } catch (RuntimeException | OutOfMemoryError | StackOverflowError | AssertionError e) {
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
        return new LogStore(o, options, RetentionPolicy.untilConsumed(), null, null);
    }

    private void compactionRound() {
        purge();
    }

    // ---- catalog (lock-free reads; changes go through the commit path) ----

    /** Returns the id of a table ever known to the log, or -1. */
    public int tableId(String table) {
        return s.catalog.id(table);
    }

    /** Returns the name of a table id, or null if unknown. */
    public String tableName(int tableId) {
        return s.catalog.name(tableId);
    }

    /** Tells whether a table is tracked. */
    public boolean isTracked(String table) {
        return s.catalog.isTracked(table);
    }

    /** Returns the tracked tables, sorted by name. */
    public List<String> trackedTables() {
        return s.catalog.trackedTables();
    }

    /** Returns every table the log knows, tracked now or before, sorted by name. */
    public List<String> allTables() {
        return s.catalog.allTables();
    }

    /** Returns the ids of every table the log knows. */
    public List<Integer> tableIds() {
        return s.catalog.allIds();
    }

    /** Throws {@link io.github.deltalog.UntrackedTableException} unless the table with this id is tracked. */
    public void checkTracked(int tableId) {
        s.catalog.checkTracked(tableId);
    }

    /**
     * Tracks or untracks a table and makes the change durable before returning.
     *
     * @throws io.github.deltalog.ReadOnlyLogException if the log is read-only
     */
    public void setTracked(String table, boolean on) {
        commits.setTracked(table, on);
    }

    // ---- commit ----

    /**
     * Encodes a change into the bytes a commit stores and journals (its checksum is filled in at commit), so that
     * callers above the store never touch the codec. O(size of the images).
     *
     * @param table the table, for the error message
     * @param rowId the row, for the error message
     * @param op the change
     * @return the value bytes for {@link #commit}
     * @throws io.github.deltalog.DeltaTooLargeException if the encoding exceeds 16 MiB
     */
    public static byte[] encode(String table, long rowId, io.github.deltalog.DeltaOp op) {
        return DeltaCodec.encode(table, rowId, op);
    }

    /**
     * Commits one transaction: assigns its timestamp, seals and journals its values, puts them into the map and
     * publishes the new watermark. The keys are (tableIds[i], ts, rowIds[i]); they must be distinct.
     *
     * @param tableIds table of each delta
     * @param rowIds row of each delta
     * @param values encoded values from {@link #encode}, sealed here
     * @param count how many deltas of the arrays to commit
     * @param onAssigned called under the write lock with the timestamp, in commit order
     * @return the commit timestamp
     * @throws io.github.deltalog.UntrackedTableException if a table is no longer tracked; nothing is written
     */
    public long commit(int[] tableIds, long[] rowIds, byte[][] values, int count, LongConsumer onAssigned) {
        return commits.commit(tableIds, rowIds, values, count, onAssigned, null);
    }

    /**
     * Commits one transaction as {@link #commit(int[], long[], byte[][], int, LongConsumer)} does, running a check
     * under the write lock before the timestamp is assigned: if it throws, nothing is written.
     *
     * @param underLock runs under the write lock, in commit order, before anything is written; must not block
     */
    public long commit(
            int[] tableIds, long[] rowIds, byte[][] values, int count, LongConsumer onAssigned, Runnable underLock) {
        return commits.commit(tableIds, rowIds, values, count, onAssigned, underLock);
    }

    // ---- schema history ----

    /**
     * Commits a schema version of a table as a transaction of its own, journaled and ordered with the deltas
     * (see {@link SchemaHistory}); upgrades the store's format version on the first.
     *
     * @param tableId the table
     * @param value the version, encoded by {@link #encode}
     * @param underLock runs under the write lock before the timestamp is assigned (may refuse by throwing)
     * @param onAssigned called under the write lock with the version's commit timestamp
     * @return the commit timestamp at which the version takes effect
     */
    public long commitSchema(int tableId, byte[] value, Runnable underLock, LongConsumer onAssigned) {
        return commits.commit(
                new int[] {SchemaHistory.TABLE_ID}, new long[] {tableId}, new byte[][] {value}, 1, onAssigned, () -> {
                    underLock.run();
                    s.meta.upgradeForSchemas();
                });
    }

    /**
     * Returns every stored schema version of every table, in commit order. O(versions).
     *
     * @return (table id as row id, commit timestamp, the stored insert) of each
     */
    public List<io.github.deltalog.Delta> schemaVersions() {
        return SchemaHistory.all(s);
    }

    // ---- consumers ----

    /** Returns a consumer's position, or null if there is no such consumer. */
    public Long consumerPosition(String name) {
        return consumers.position(name);
    }

    /**
     * Returns when a consumer was created or last moved, in microseconds since the epoch of the log's clock, or
     * null if unknown (no such consumer, or a file written before these times were kept).
     */
    public Long consumerLastAdvanced(String name) {
        return consumers.lastAdvanced(name);
    }

    /** Returns the names of all consumers, sorted. */
    public List<String> consumerNames() {
        return consumers.names();
    }

    /** Returns every consumer's position by name. */
    public Map<String, Long> consumerPositions() {
        return consumers.positions();
    }

    /**
     * Creates a consumer at a position unless it exists. Journaled like a commit.
     *
     * @return true if it was created
     */
    public boolean createConsumer(String name, long position) {
        return consumers.change(name, position, ConsumerTable.Change.CREATE);
    }

    /**
     * Moves an existing consumer. Journaled like a commit.
     *
     * @return false if there is no such consumer
     */
    public boolean moveConsumer(String name, long position) {
        return consumers.change(name, position, ConsumerTable.Change.MOVE);
    }

    /**
     * Drops a consumer. Journaled like a commit.
     *
     * @return false if there was no such consumer
     */
    public boolean dropConsumer(String name) {
        return consumers.change(name, 0, ConsumerTable.Change.DROP);
    }

    // ---- retention ----

    /**
     * Returns the low-water mark: the newest commit timestamp that was purged (every delta at or below it is
     * gone), 0 if nothing ever was. A read after position p is complete if {@code p >= lowWater}.
     */
    public long lowWater() {
        return s.lowWater();
    }

    /** Tells whether reading after a position would miss purged deltas. */
    public boolean isBehindLowWater(long position) {
        return s.isBehindLowWater(position);
    }

    /** Returns the retention policy {@link #purge()} applies. */
    public RetentionPolicy retention() {
        return purges.policy();
    }

    /**
     * Applies the retention policy now (consumers left behind by a hard cap become stale), then reclaims space.
     *
     * @return how many deltas were removed
     * @throws io.github.deltalog.ReadOnlyLogException if the log is read-only
     */
    public long purge() {
        return purges.applyPolicy(reads::countAll);
    }

    /**
     * Removes every delta with a commit timestamp below {@code cut} (at most up to the watermark), whatever the
     * consumers, then reclaims space.
     *
     * @return how many deltas were removed
     * @throws io.github.deltalog.ReadOnlyLogException if the log is read-only
     */
    public long purgeBefore(long cut) {
        return purges.purgeBefore(cut);
    }

    /**
     * Rewrites the store file so that it shrinks to about the size of its live data (see {@link
     * Checkpoints#compact}).
     *
     * @param maxMillis how long to go on
     * @return the file size after, in bytes; 0 in memory
     * @throws io.github.deltalog.ReadOnlyLogException if the log is read-only
     */
    public long compact(long maxMillis) {
        s.checkWritable("compact");
        return purges.excluding(() -> checkpoints.compact(maxMillis));
    }

    // ---- checkpoint ----

    /**
     * Makes everything committed so far part of the store file and empties the journal. Runs in the
     * background every checkpoint interval; callable any time.
     */
    public void checkpoint() {
        checkpoints.checkpoint();
    }

    /**
     * Runs an action while no commit, consumer change, purge step or checkpoint runs, then checkpoints, so that
     * what the action changed in the store's maps is stored by the same store commit as every commit before it.
     *
     * @param action changes to maps of this store; must not block
     */
    public void checkpointWith(Runnable action) {
        checkpoints.checkpointWith(action);
    }

    /**
     * Commits changes to side maps and a consumer move as one journaled step, like a delta commit: one journal
     * record (as durable as a commit at the log's level, SYNC forced before this returns), then the maps; the store
     * file gets them at the next checkpoint, and recovery replays the record after a crash. Without a journal (in
     * memory, attached) only the maps change. Nothing is done if {@code valid} says no, checked under the write
     * lock with no checkpoint running. The first such commit of a store from before format 4 is stored by a
     * checkpoint (which upgrades the format); so is a change set too large for one record.
     *
     * @param changes the changes, and the consumer to move
     * @param valid runs under the lock before anything is written; false leaves everything unchanged
     * @return whether the changes were made
     * @throws io.github.deltalog.ReadOnlyLogException if the log is read-only
     */
    public boolean commit(MapChanges changes, java.util.function.BooleanSupplier valid) {
        return mapCommits.commit(changes, valid);
    }

    /**
     * Opens (or creates) a map of the log's store under the log's namespace, for state kept beside the deltas
     * (a view's groups). Change it only inside {@link #checkpointWith}. The map is stored as a plain MVMap with the
     * builder's key and value types; a {@link MapChanges} applies its changes to it in sorted batches.
     */
    public <K, V> MVMap<K, V> openSideMap(String name, MVMap.Builder<K, V> builder) {
        s.checkOpen();
        return s.store.openMap(prefix + name, RangeCutMap.Builder.like(builder));
    }

    /**
     * Tells whether the store holds a side map, without creating it.
     *
     * @param name the map's name under the log's namespace
     * @return true if the map exists
     */
    public boolean hasSideMap(String name) {
        s.checkOpen();
        return s.store.hasMap(prefix + name);
    }

    /**
     * Sets what opens every side map of the store (with its own key and value types) before space is reclaimed
     * or the file compacted. MVStore rewrites only the pages of maps that are open: a side map left closed (a
     * view the application did not open in this session, or any view under {@code deltalog compact}) keeps every
     * chunk that holds one of its pages, so the space of purged deltas sharing those chunks never came back
     * (issue 17: a view-heavy file compacted by 0 %).
     *
     * @param opener opens the side maps; cheap when they are open already. Failures are logged, not thrown: the
     *     compaction goes on with the maps that are open.
     */
    public void setSideMapOpener(Runnable opener) {
        checkpoints.setSideMapOpener(opener);
    }

    /** Removes a map opened by {@link #openSideMap}; only inside {@link #checkpointWith}. */
    public void removeSideMap(MVMap<?, ?> map) {
        s.store.removeMap(map);
    }

    /**
     * Sets (or with null removes) a consumer's position (and when it moved) without a journal record; only inside {@link
     * #checkpointWith}, so that the position is stored by the same store commit as the action's other changes
     * (a view's state), and no journal record of it can be replayed over a later one.
     */
    public void setConsumerInCheckpoint(String name, Long position) {
        consumers.setInCheckpoint(name, position);
    }

    // ---- reads ----

    /** Returns the highest commit timestamp whose transaction is fully visible. */
    public long watermark() {
        return s.watermark();
    }

    /**
     * Opens a cursor over one table's deltas with {@code after < ts <= upTo}, on a snapshot of the map that
     * stays readable until the cursor is closed or exhausted. O(log n) to position, O(1) per step.
     */
    public RangeCursor range(int tableId, String table, long after, long upTo) {
        return reads.range(tableId, table, after, upTo);
    }

    /** Counts one table's deltas with {@code after < ts <= upTo} from two ranks of the counted B-tree. O(log n). */
    public long count(int tableId, long after, long upTo) {
        return reads.count(tableId, after, upTo);
    }

    /**
     * Counts every retained delta of every table up to the watermark. O(t log n) for t tables.
     */
    public long countRetained() {
        // Above the low-water mark only: what a purge in progress (or one a crash cut short, in a read-only
        // open that cannot finish it) has not removed yet is not retained.
        long low = s.lowWater();
        if (low == Long.MAX_VALUE) {
            return 0;
        }
        return reads.countAll(low > 0 ? low + 1 : Long.MIN_VALUE, s.watermark());
    }

    /**
     * Returns a snapshot of the running totals since open, the sizes and every consumer's lag. O(c·t log n) for
     * c consumers and t tables.
     */
    public io.github.deltalog.LogMetrics metrics() {
        s.checkOpen();
        return MetricsSnapshot.of(s, consumers, reads, countRetained());
    }

    /**
     * Counts every table's deltas committed after a position, up to the watermark. O(t log n) for t tables.
     *
     * @param after exclusive lower bound
     */
    public long countAfter(long after) {
        if (after >= s.watermark()) {
            return 0;
        }
        return reads.countAll(after + 1, s.watermark());
    }

    // ---- the store ----

    /** Returns the store's file size in bytes, or 0 in memory. */
    public long fileSize() {
        return s.store.getFileStore() == null ? 0 : s.store.getFileStore().size();
    }

    /** Returns a description of the log's file for messages. */
    public String label() {
        return s.label;
    }

    /** Tells whether the log refuses changes. */
    public boolean isReadOnly() {
        return s.readOnly;
    }

    /** Returns the durability level. */
    public Durability durability() {
        return s.durability;
    }

    /** Throws {@link io.github.deltalog.LogClosedException} if closed. */
    public void checkOpen() {
        s.checkOpen();
    }

    /** Throws {@link io.github.deltalog.LogClosedException} if closed, {@link io.github.deltalog.ReadOnlyLogException} if read-only. */
    public void checkWritable(String what) {
        s.checkWritable(what);
    }

    /** Tells whether the store was closed. */
    public boolean isClosed() {
        return s.isClosed();
    }

    /**
     * Writes a consistent copy of the log to {@code dest} (and its journal beside it) while writers go on: a
     * checkpoint, then a copy of the store file during which no checkpoint runs. The copy holds every commit
     * acknowledged before the call. A log open read-only is copied as it is.
     *
     * @throws DeltaLogException if the log is in memory or attached, the destination exists, or the copy fails
     */
    public void backup(java.nio.file.Path dest) {
        checkpoints.backup(dest);
    }

    /**
     * Checkpoints, stops the background thread, closes the store (unless attached) and replaces
     * the journal with the header of its next generation (a record of the checkpoint outside the store file).
     * Idempotent. A failed final store write keeps the journal for the next open, which recovers from it.
     *
     * @throws DeltaLogException naming the cause if the final checkpoint fails
     */
    @Override
    public void close() {
        if (s.isClosed()) {
            return;
        }
        if (background != null) {
            // First, so that a compaction round under way finishes its purge before the store closes.
            background.stop();
        }
        if (!checkpoints.markClosed()) {
            return;
        }
        reads.closeAll();
        try {
            checkpoints.checkpointAtClose();
            long checkpointed = s.journal != null ? s.meta.checkpoint() : 0;
            if (s.ownsStore && s.readOnly) {
                // Nothing to write (a copy-on-write overlay of a replayed journal is thrown away).
                s.store.closeImmediately();
            } else if (s.ownsStore) {
                s.store.close();
            }
            if (s.journal != null) {
                s.journal.closeLeavingMarker(checkpointed);
            }
        } catch (RuntimeException e) {
            // The journal stays for the next open to replay; release the files so that it can happen.
            if (s.ownsStore && !s.store.isClosed()) {
                s.store.closeImmediately();
            }
            if (s.journal != null) {
                try {
                    s.journal.close();
                } catch (RuntimeException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw FileErrors.of(
                    "cannot close log " + s.label + " cleanly (its journal was kept: the next open recovers from it)",
                    e);
        } finally {
            if (s.registered != null) {
                OpenFiles.release(s.registered);
            }
        }
    }
}
