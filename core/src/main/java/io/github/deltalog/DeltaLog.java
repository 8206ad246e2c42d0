package io.github.deltalog;

import io.github.deltalog.merge.DeltaMerger;
import io.github.deltalog.merge.MergePolicy;
import io.github.deltalog.retention.RetentionPolicy;
import io.github.deltalog.store.LogStore;
import io.github.deltalog.store.Micros;
import io.github.deltalog.store.RangeCursor;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;
import org.h2.mvstore.MVStore;

/**
 * An embedded, durable log of row-level changes: record inserts, updates and deletes of the tables it
 * tracks, read what changed after a position in O(log n + k), count in O(log n).
 *
 * <p>Every committed transaction gets a commit timestamp (microseconds since the epoch) that is strictly
 * greater than every earlier one for the life of the log; it is both a time and a position. Readers see whole
 * transactions only, up to the watermark {@link #lastCommitted()}.
 *
 * <p>Thread-safe: many threads may record and read at once. A {@link DeltaTransaction} belongs to one thread.
 * Every failure is a {@link DeltaLogException} (or an argument exception) that names what was at fault, and
 * leaves the log unchanged.
 */
public final class DeltaLog implements AutoCloseable {
    /** The longest table name accepted, in chars. */
    public static final int MAX_TABLE_NAME = 256;

    /** How many commits may wait for a listener on an executor unless the subscriber says otherwise. */
    public static final int DEFAULT_LISTENER_QUEUE = 1024;

    /**
     * As the {@code after} of a read or count: everything retained, from the oldest delta a purge left. Unlike a
     * position (0, or a value read from {@link #oldestRetained()} before a purge raised it), it never throws
     * {@link DeltasPurgedException}: what a purge removed is simply not part of "everything retained".
     */
    public static final long FROM_OLDEST = Long.MIN_VALUE;

    private final LogStore store;
    private final CommitListeners listeners = new CommitListeners();
    private final Schemas schemas;

    DeltaLog(LogStore store) {
        this.store = store;
        this.schemas = new Schemas(store);
        // Compaction rewrites only open maps: the views' state must be open for their chunks to be freed.
        store.setSideMapOpener(() -> io.github.deltalog.view.View.openAllState(store));
    }

    /**
     * Opens (or creates) a file-backed log with default options.
     *
     * @param path the log file
     * @return the open log
     * @throws DeltaLogException subclasses as for {@link DeltaLogBuilder#open()}
     */
    public static DeltaLog open(Path path) {
        return builder().path(path).open();
    }

    /**
     * Creates an empty log that lives in memory only.
     *
     * @return the open log
     */
    public static DeltaLog inMemory() {
        return builder().inMemory().open();
    }

    /**
     * Returns a builder for a log with non-default options.
     *
     * @return a new builder
     */
    public static DeltaLogBuilder builder() {
        return new DeltaLogBuilder();
    }

    /**
     * Keeps the log's maps inside an MVStore the application already uses, under a namespace, so that one
     * {@code store.commit()} persists base rows and their deltas together. There is no journal: a commit of
     * the log is in memory until the application commits the store. Closing the log leaves the store open.
     *
     * @param store the application's store
     * @param namespace the prefix of the log's map names, not blank
     * @return the attached log
     */
    public static DeltaLog attach(MVStore store, String namespace) {
        Objects.requireNonNull(store, "store");
        checkTableName(namespace);
        return new DeltaLog(LogStore.attach(store, namespace, Clock.systemUTC()));
    }

    // ---- tables ----

    /**
     * Starts recording a table. Idempotent. Durable when it returns.
     *
     * @param table the table name: not blank, at most 256 chars
     * @throws IllegalArgumentException if the name is blank or too long
     * @throws ReadOnlyLogException if the log is read-only
     */
    public void track(String table) {
        checkTableName(table);
        store.setTracked(table, true);
    }

    /**
     * Starts recording a table with a schema: later recorded tuples must fit it (arity, types, nulls), and read
     * tuples can be read by column name. The first call registers version 1, committed (journaled) like a
     * transaction; a repeat with the same columns and key is a no-op, another schema is refused (use {@link
     * #alterTable}). Deltas recorded before have no schema. Durable when it returns.
     *
     * @param table the table name
     * @param schema its columns
     * @throws IllegalArgumentException if the name is bad, or the table has a different schema already
     * @throws ReadOnlyLogException if the log is read-only
     */
    public void track(String table, TableSchema schema) {
        Objects.requireNonNull(schema, "schema");
        track(table);
        schemas.register(table, store.tableId(table), schema);
    }

    /**
     * Changes a tracked table's schema: adds (with a default), drops, renames or widens a column. The new version
     * is committed like a transaction, ordered with the deltas: deltas committed before it keep their version
     * ({@link #schemaAt}), later ones are checked against it. A transaction open across it is checked again at
     * its commit. O(columns).
     *
     * @param table a tracked table with a schema
     * @param change the change
     * @return the commit timestamp at which the new version takes effect
     * @throws SchemaMismatchException if the table has no schema or the change does not apply (names why)
     * @throws UntrackedTableException if the table is not tracked
     * @throws ReadOnlyLogException if the log is read-only
     */
    public long alterTable(String table, SchemaChange change) {
        Objects.requireNonNull(change, "change");
        store.checkWritable("alter table '" + table + "'");
        return schemas.alter(table, trackedTableId(table), change);
    }

    /**
     * Returns a table's current schema version. O(1).
     *
     * @param table a table name
     * @return the schema, or empty if the table has none (or is unknown)
     */
    public Optional<TableSchema> schema(String table) {
        checkOpen();
        int id = table == null ? -1 : store.tableId(table);
        return id < 0 ? Optional.empty() : Optional.ofNullable(schemas.current(id));
    }

    /**
     * Returns every schema version of a table, oldest first.
     *
     * @param table a table name
     * @return the versions (empty if it has none)
     */
    public List<TableSchema> schemaHistory(String table) {
        checkOpen();
        int id = table == null ? -1 : store.tableId(table);
        return id < 0 ? Collections.emptyList() : schemas.history(id);
    }

    /**
     * Returns the schema version a delta committed at a timestamp was written under. O(log versions).
     *
     * @param table a table name
     * @param commitTimestamp a commit timestamp
     * @return the version in effect then, or null if the table had no schema then
     */
    public TableSchema schemaAt(String table, long commitTimestamp) {
        checkOpen();
        int id = table == null ? -1 : store.tableId(table);
        return id < 0 ? null : schemas.at(id, commitTimestamp);
    }

    /**
     * Stops recording a table. Its existing deltas stay readable until purged. Idempotent.
     *
     * @param table the table name
     * @throws ReadOnlyLogException if the log is read-only
     */
    public void untrack(String table) {
        checkTableName(table);
        store.setTracked(table, false);
    }

    /**
     * Tells whether a table is tracked.
     *
     * @param table the table name
     * @return true if changes of it can be recorded
     */
    public boolean isTracked(String table) {
        checkOpen();
        return table != null && store.isTracked(table);
    }

    /**
     * Returns the tracked tables.
     *
     * @return their names, sorted
     */
    public List<String> trackedTables() {
        checkOpen();
        return Collections.unmodifiableList(store.trackedTables());
    }

    /**
     * Returns every table the log knows: the tracked ones and those untracked since, whose deltas stay readable
     * until purged. O(tables).
     *
     * @return their names, sorted
     * @throws LogClosedException if the log is closed
     */
    public List<String> tables() {
        checkOpen();
        return Collections.unmodifiableList(store.allTables());
    }

    // ---- writing ----

    /**
     * Begins a transaction.
     *
     * @return a new transaction, owned by the calling thread
     * @throws ReadOnlyLogException if the log is read-only
     */
    public DeltaTransaction begin() {
        store.checkWritable("begin a transaction");
        return new DeltaTransaction(this);
    }

    /**
     * Records an insert as a transaction of its own.
     *
     * @param table a tracked table
     * @param rowId the row
     * @param after the new row image
     * @return the commit timestamp
     * @throws UntrackedTableException if the table is not tracked
     */
    public long recordInsert(String table, long rowId, Tuple after) {
        try (DeltaTransaction tx = begin()) {
            return tx.insert(table, rowId, after).commit();
        }
    }

    /**
     * Records an update as a transaction of its own (an update with equal images records nothing and returns
     * the current watermark).
     *
     * @param table a tracked table
     * @param rowId the row
     * @param before the image before
     * @param after the image after
     * @return the commit timestamp
     * @throws UntrackedTableException if the table is not tracked
     */
    public long recordUpdate(String table, long rowId, Tuple before, Tuple after) {
        try (DeltaTransaction tx = begin()) {
            return tx.update(table, rowId, before, after).commit();
        }
    }

    /**
     * Records a delete as a transaction of its own.
     *
     * @param table a tracked table
     * @param rowId the row
     * @param before the removed row image
     * @return the commit timestamp
     * @throws UntrackedTableException if the table is not tracked
     */
    public long recordDelete(String table, long rowId, Tuple before) {
        try (DeltaTransaction tx = begin()) {
            return tx.delete(table, rowId, before).commit();
        }
    }

    /**
     * Subscribes a listener to every later commit.
     *
     * @param listener the listener
     * @return the handle that unsubscribes it
     */
    public Subscription subscribe(CommitListener listener) {
        Objects.requireNonNull(listener, "listener");
        checkOpen();
        return listeners.add(listener);
    }

    /**
     * Subscribes a listener called on an executor, with a queue of at most {@value #DEFAULT_LISTENER_QUEUE}
     * commits; see {@link #subscribe(CommitListener, Executor, int)}.
     *
     * @param listener the listener
     * @param executor runs the listener
     * @return the handle that unsubscribes it and tells whether it failed
     */
    public Subscription subscribe(CommitListener listener, Executor executor) {
        return subscribe(listener, executor, DEFAULT_LISTENER_QUEUE);
    }

    /**
     * Subscribes a listener called on an executor of the caller's choice, so that a slow listener does not slow
     * commits: the committing thread only appends the commit to the listener's queue (O(1), never blocks). The
     * listener is still told every commit in commit order, one call at a time, whatever the executor's threads.
     * A listener that throws is logged and keeps being told later commits.
     *
     * <p>When the listener falls {@code maxQueuedCommits} commits behind, the subscription fails instead of
     * blocking the committer or dropping commits quietly: the commits already queued are still told, no later
     * one is, {@link Subscription#isActive()} turns false and {@link Subscription#check()} throws a
     * {@link SubscriptionFailedException} whose {@link SubscriptionFailedException#resumeAfter()} is the position
     * to read the log on from. The same happens if the executor refuses a task (shut down, saturated).
     *
     * @param listener the listener
     * @param executor runs the listener
     * @param maxQueuedCommits how many commits may wait for the listener; memory grows with it times the size
     *     of a commit's deltas
     * @return the handle that unsubscribes it and tells whether it failed
     * @throws IllegalArgumentException if {@code maxQueuedCommits} is not positive
     */
    public Subscription subscribe(CommitListener listener, Executor executor, int maxQueuedCommits) {
        Objects.requireNonNull(listener, "listener");
        Objects.requireNonNull(executor, "executor");
        if (maxQueuedCommits < 1) {
            throw new IllegalArgumentException("maxQueuedCommits must be at least 1, was " + maxQueuedCommits);
        }
        checkOpen();
        return listeners.add(listener, executor, maxQueuedCommits, store.watermark());
    }

    // ---- reading ----

    /**
     * Opens a cursor over a table's deltas committed after a position, up to the current watermark.
     * O(log n) to open, O(1) per delta.
     *
     * @param table a table the log knows (tracked now or before)
     * @param after exclusive lower bound: a commit timestamp already seen; {@link #FROM_OLDEST} for every
     *     retained delta (0 reads everything only until the first purge, and throws after it)
     * @return a lazy cursor in (commitTimestamp, rowId) order; close it after use
     * @throws UntrackedTableException if the log never knew the table
     * @throws DeltasPurgedException if {@code after} is below {@link #oldestRetained()} (deltas after it were
     *     purged: the answer would be incomplete)
     */
    public DeltaCursor changesAfter(String table, long after) {
        return changesAfter(table, after, Long.MAX_VALUE);
    }

    /**
     * Opens a cursor over a table's deltas with {@code after < commitTimestamp <= upTo} (and at most the
     * current watermark).
     *
     * @param table a table the log knows
     * @param after exclusive lower bound, or {@link #FROM_OLDEST}
     * @param upTo inclusive upper bound
     * @return a lazy cursor; close it after use
     * @throws UntrackedTableException if the log never knew the table
     * @throws DeltasPurgedException if {@code after} is below {@link #oldestRetained()}
     */
    public DeltaCursor changesAfter(String table, long after, long upTo) {
        return changesAfter(table, after, upTo, ReadAs.WRITTEN);
    }

    /**
     * Opens a cursor over a table's deltas with {@code after < commitTimestamp <= upTo}, its tuples named by the
     * version they were written under or upcast to the current one (see {@link ReadAs}). Same cost as {@link
     * #changesAfter(String, long, long)} for a table without a schema.
     *
     * @param table a table the log knows
     * @param after exclusive lower bound, or {@link #FROM_OLDEST}
     * @param upTo inclusive upper bound
     * @param readAs how to present tuples of a table with a schema
     * @return a lazy cursor; close it after use
     * @throws UntrackedTableException if the log never knew the table
     * @throws DeltasPurgedException if {@code after} is below {@link #oldestRetained()}
     */
    public DeltaCursor changesAfter(String table, long after, long upTo, ReadAs readAs) {
        Objects.requireNonNull(readAs, "readAs");
        int id = knownTableId(table);
        SchemaPresenter presenter = schemas.presenter(id, readAs);
        long limit = Math.min(upTo, store.watermark());
        // From the mark read before the snapshot: a purge that raises it meanwhile only removes a prefix.
        RangeCursor c = store.range(id, table, after == FROM_OLDEST ? store.lowWater() : after, limit);
        // Checked after the snapshot is taken: a purge raises the mark before it removes anything, so a
        // snapshot taken before the mark moved is complete.
        checkRetained(table, after);
        if (presenter != null) {
            c.nameBy(presenter::written);
        }
        return new DeltaCursor(store, table, c, limit, presenter);
    }

    /**
     * Reads several tables' deltas after a position, all at one watermark, into one change set.
     *
     * @param tables tables the log knows
     * @param after exclusive lower bound, or {@link #FROM_OLDEST}
     * @return the deltas, ordered by commit timestamp, table, row; its {@link ChangeSet#watermark()} is the
     *     position to read on from
     * @throws UntrackedTableException if the log never knew one of the tables
     * @throws DeltasPurgedException if {@code after} is below {@link #oldestRetained()}
     */
    public ChangeSet changesAfter(Collection<String> tables, long after) {
        return changesAfter(tables, after, ReadAs.WRITTEN);
    }

    /**
     * Reads several tables' deltas after a position, all at one watermark, their tuples presented as asked.
     *
     * @param tables tables the log knows
     * @param after exclusive lower bound, or {@link #FROM_OLDEST}
     * @param readAs how to present tuples of tables with a schema
     * @return the deltas, ordered by commit timestamp, table, row
     * @throws UntrackedTableException if the log never knew one of the tables
     * @throws DeltasPurgedException if {@code after} is below {@link #oldestRetained()}
     */
    public ChangeSet changesAfter(Collection<String> tables, long after, ReadAs readAs) {
        long watermark = store.watermark();
        List<Delta> all = new ArrayList<>();
        readAll(tables, after, watermark, readAs, all::add);
        all.sort(ChangeSet.COMMIT_ORDER);
        return new ChangeSet(all, watermark);
    }

    /**
     * Reads several tables' deltas after a position at one watermark and collapses each row's chain into its
     * net effect, with the strict policy. Streams the range: memory grows with distinct rows, not deltas.
     *
     * @param tables tables the log knows
     * @param after exclusive lower bound, or {@link #FROM_OLDEST}
     * @return at most one delta per (table, row), in commit-timestamp order, each with the latest timestamp of
     *     its chain; the change set's watermark is the position to read on from
     * @throws MergeConflictException if a row's chain is not valid
     * @throws DeltasPurgedException if {@code after} is below {@link #oldestRetained()}
     */
    public ChangeSet mergedChangesAfter(Collection<String> tables, long after) {
        return mergedChangesAfter(tables, after, MergePolicy.STRICT);
    }

    /**
     * Like {@link #mergedChangesAfter(Collection, long)} with a chosen conflict policy.
     *
     * @param tables tables the log knows
     * @param after exclusive lower bound, or {@link #FROM_OLDEST}
     * @param policy what to do on a conflicting pair
     * @return the merged change set
     */
    public ChangeSet mergedChangesAfter(Collection<String> tables, long after, MergePolicy policy) {
        long watermark = store.watermark();
        DeltaMerger merger = new DeltaMerger(policy);
        readAll(tables, after, watermark, ReadAs.CURRENT, merger::add); // merged across versions: upcast first
        return merger.result().toChangeSet(watermark);
    }

    /** Feeds every delta of some tables with {@code after < ts <= watermark} to a sink, table after table. */
    private void readAll(
            Collection<String> tables,
            long after,
            long watermark,
            ReadAs readAs,
            java.util.function.Consumer<Delta> sink) {
        Objects.requireNonNull(tables, "tables");
        for (String table : new LinkedHashSet<>(tables)) {
            try (DeltaCursor c = changesAfter(table, after, watermark, readAs)) {
                c.forEachRemaining(sink);
            }
        }
    }

    /**
     * Returns the net change between two positions (time travel): see {@link io.github.deltalog.sync.TimeTravel#diff}.
     *
     * @param tables tables the log knows
     * @param from the earlier position (exclusive)
     * @param to the later position (inclusive)
     * @return at most one delta per (table, row)
     * @throws DeltasPurgedException if {@code from} is before the retained history
     */
    public ChangeSet diff(Collection<String> tables, long from, long to) {
        return io.github.deltalog.sync.TimeTravel.diff(this, tables, from, to);
    }

    /**
     * Returns the change set that takes the current rows (at {@link #lastCommitted()}) back to a position: see
     * {@link io.github.deltalog.sync.TimeTravel#rewind}.
     *
     * @param tables tables the log knows
     * @param to the position to go back to
     * @return the undoing change set
     * @throws IllegalArgumentException if {@code to} is after {@link #lastCommitted()}
     * @throws DeltasPurgedException if {@code to} is before the retained history
     */
    public ChangeSet rewind(Collection<String> tables, long to) {
        return io.github.deltalog.sync.TimeTravel.rewind(this, tables, lastCommitted(), to);
    }

    /**
     * Opens a cursor over a table's deltas committed at or after an instant (inclusive). Commit times have
     * microsecond precision: {@code since} is rounded up to the microsecond, so every delta returned has a
     * {@link Delta#timestamp()} that is not before {@code since}.
     *
     * @param table a table the log knows
     * @param since the earliest commit time to include
     * @return a lazy cursor; close it after use
     * @throws DeltasPurgedException if deltas at or after {@code since} were purged
     */
    public DeltaCursor changesSince(String table, Instant since) {
        Objects.requireNonNull(since, "since");
        long micros = Micros.of(since); // rounds down; saturates Instant.MIN/MAX instead of overflowing
        if (since.getNano() % 1_000 != 0 && micros != Long.MAX_VALUE) {
            micros++;
        }
        // Not FROM_OLDEST for the earliest instants: deltas since then that were purged make the read throw.
        return changesAfter(table, micros == Long.MIN_VALUE ? Long.MIN_VALUE + 1 : micros - 1);
    }

    /**
     * Counts a table's deltas after a position without decoding them. O(log n).
     *
     * @param table a table the log knows
     * @param after exclusive lower bound: a commit timestamp, or {@link #FROM_OLDEST} for every retained delta
     * @return the number of deltas up to the watermark
     * @throws DeltasPurgedException if {@code after} is below {@link #oldestRetained()}
     */
    public long count(String table, long after) {
        return count(table, after, Long.MAX_VALUE);
    }

    /**
     * Counts a table's deltas with {@code after < commitTimestamp <= upTo}. O(log n), from two ranks in the
     * counted B-tree.
     *
     * @param table a table the log knows
     * @param after exclusive lower bound, or {@link #FROM_OLDEST}
     * @param upTo inclusive upper bound
     * @return the number of deltas
     */
    public long count(String table, long after, long upTo) {
        int id = knownTableId(table);
        long n = store.count(id, after == FROM_OLDEST ? store.lowWater() : after, Math.min(upTo, store.watermark()));
        checkRetained(table, after); // after counting, as for a cursor
        return n;
    }

    /**
     * Counts every retained delta of every table. O(t log n) for t tables.
     *
     * @return the number of deltas up to the watermark
     */
    public long countAll() {
        checkOpen();
        return store.countRetained();
    }

    /**
     * Returns the watermark: the highest commit timestamp whose transaction is fully visible (0 if none).
     *
     * @return the watermark: the highest commit timestamp whose transaction is fully visible (0 if none)
     */
    public long lastCommitted() {
        checkOpen();
        return store.watermark();
    }

    /**
     * Returns the low-water mark: the newest commit timestamp whose deltas were purged (0 until a purge).
     * Reads after a position below it throw {@link DeltasPurgedException}; reading after it or later is
     * complete, so {@code changesAfter(table, oldestRetained())} reads every retained delta (unless a purge runs
     * in between; {@link #FROM_OLDEST} has no such race).
     *
     * @return the low-water mark: the newest commit timestamp whose deltas were purged (0 until a purge)
     */
    public long oldestRetained() {
        checkOpen();
        return store.lowWater();
    }

    /**
     * Returns the log's current figures.
     *
     * @return a snapshot of file size, counts and positions
     */
    public LogStats stats() {
        return new LogStats(
                store.label(),
                store.fileSize(),
                trackedTables().size(),
                countAll(),
                store.watermark(),
                store.lowWater(),
                store.durability());
    }

    /**
     * Returns a snapshot of the log's activity since it was opened (commits, deltas, bytes, checkpoints, purges)
     * and of its current sizes and consumer lags; for monitoring, with no dependency (the
     * {@code deltalog-micrometer} module binds it to Micrometer and JMX). The totals cost one uncontended add
     * on each commit; the snapshot itself is O(c·t log n) for c consumers and t tables.
     *
     * @return an immutable snapshot
     * @throws LogClosedException if the log is closed
     */
    public LogMetrics metrics() {
        return store.metrics();
    }

    /**
     * Writes a consistent copy of the log to {@code dest} (its journal goes beside it as
     * {@code dest.journal}) while other threads go on committing: the copy holds every commit acknowledged
     * before this call, opens like the log itself, and commits wait at most about one checkpoint. Copying the
     * files of an open log by hand is not a backup: a checkpoint between copying the store and its journal
     * leaves a copy with a hole, which opening refuses.
     *
     * @param dest the backup's file; neither it nor its journal files may exist
     * @throws DeltaLogException if the log is in memory or attached, {@code dest} exists, or the copy fails
     *     (then nothing is left at {@code dest})
     */
    public void backup(Path dest) {
        checkOpen();
        store.backup(dest);
    }

    /**
     * Writes everything committed so far into the store file and empties the journal, now rather than at the
     * next background checkpoint. Commits are durable without it; it only shortens recovery.
     */
    public void checkpoint() {
        checkOpen(); // in memory, attached or read-only the store has no journal and would not check
        store.checkpoint();
    }

    /**
     * Shrinks the store file to about the size of its live data: after purges the space of removed deltas is
     * reused by later commits but the file does not shrink by itself (the background thread only compacts a file
     * that is mostly free space). Moves live pages towards the start of the file and truncates it; commits and
     * reads go on meanwhile. Crash-safe: a crash during compaction loses no commit. O(live bytes) of writing.
     *
     * @return the file size after, in bytes (0 in memory)
     * @throws ReadOnlyLogException if the log is read-only
     */
    public long compact() {
        return store.compact(Long.MAX_VALUE);
    }

    /**
     * Tells whether the log was closed.
     *
     * @return whether the log was closed
     */
    public boolean isClosed() {
        return store.isClosed();
    }

    /**
     * Checkpoints and closes the log; later calls on it, its transactions and cursors throw
     * {@link LogClosedException}. Idempotent.
     */
    @Override
    public void close() {
        store.close();
    }

    // ---- retention ----

    /**
     * Opens a materialized view kept in this log's store, creating it the first time from the log's history
     * (which must hold every row of its tables: nothing purged, every row inserted while tracked). See {@link
     * io.github.deltalog.view.View}.
     *
     * @param name the view's name, not blank
     * @param definition what it computes; the same structure every time the view is opened
     * @return the view, as of its last refresh
     * @throws io.github.deltalog.view.ViewException if the view exists with another definition, or the history
     *     cannot give its rows
     * @throws UntrackedTableException if a table of the definition is not tracked
     */
    public io.github.deltalog.view.View view(String name, io.github.deltalog.view.ViewDefinition definition) {
        return view(name, definition, null);
    }

    /**
     * Opens a materialized view, created the first time (and rebuilt when stale) from base rows the application
     * gives as of the log's current watermark.
     *
     * @param name the view's name, not blank
     * @param definition what it computes
     * @param base the current rows of the view's tables, or null to use the log's history
     * @return the view
     */
    public io.github.deltalog.view.View view(
            String name, io.github.deltalog.view.ViewDefinition definition, io.github.deltalog.view.BaseRows base) {
        checkOpen();
        return io.github.deltalog.view.View.open(this, store, name, definition, base);
    }

    /**
     * Drops a view with its state and its consumer.
     *
     * @param name the view
     * @return false if there was no such view
     */
    public boolean dropView(String name) {
        checkOpen();
        store.checkWritable("drop view '" + name + "'");
        return io.github.deltalog.view.View.drop(store, name);
    }

    /**
     * Returns the consumer of a name, <b>creating</b> it at the current watermark if it does not exist: a new
     * consumer holds back retention from then on, so a mistyped name registers a consumer that stops every purge
     * until dropped. To look a consumer up without creating it, use {@link #findConsumer(String)}.
     *
     * @param name the consumer's name, not blank
     * @return its handle
     * @throws ReadOnlyLogException if it does not exist and the log is read-only
     */
    public Consumer consumer(String name) {
        checkTableName(name);
        checkOpen();
        // Only a missing consumer is created: createConsumer checks writability first, so calling it for an
        // existing one made consumer(name) throw ReadOnlyLogException in a read-only log (found by the crash test).
        if (store.consumerPosition(name) == null) {
            store.createConsumer(name, store.watermark());
        }
        return new Consumer(this, name);
    }

    /**
     * Returns the consumer of a name, creating it at a given position if it does not exist (an existing
     * consumer keeps its position).
     *
     * @param name the consumer's name, not blank
     * @param position where a new consumer starts: it has read everything up to here
     * @return its handle
     * @throws IllegalArgumentException if the position is beyond the watermark
     * @throws DeltasPurgedException if the position is older than what is retained
     */
    public Consumer consumer(String name, long position) {
        checkTableName(name);
        checkOpen();
        if (store.consumerPosition(name) == null) {
            if (position > store.watermark()) {
                throw new IllegalArgumentException("consumer '" + name + "' cannot start at " + position
                        + ", beyond the last commit " + store.watermark());
            }
            if (isBehindLowWater(position)) {
                throw new DeltasPurgedException("consumer '" + name + "' cannot start at " + position
                        + ": deltas after it were purged (oldest retained " + store.lowWater() + ")");
            }
            store.createConsumer(name, position);
        }
        return new Consumer(this, name);
    }

    /**
     * Looks up a registered consumer without creating it. O(log c) for c consumers.
     *
     * @param name the consumer's name, not blank
     * @return its handle, or empty if no consumer of that name is registered
     * @throws LogClosedException if the log is closed
     */
    public Optional<Consumer> findConsumer(String name) {
        checkTableName(name);
        checkOpen();
        return store.consumerPosition(name) == null ? Optional.empty() : Optional.of(new Consumer(this, name));
    }

    /**
     * Returns the names of the registered consumers, sorted.
     *
     * @return the names
     */
    public List<String> consumers() {
        return Collections.unmodifiableList(store.consumerNames());
    }

    /**
     * Removes a consumer: retention no longer waits for it. Its handles stop working.
     *
     * @param name the consumer
     * @return true if it existed
     */
    public boolean dropConsumer(String name) {
        checkTableName(name);
        return store.dropConsumer(name);
    }

    /**
     * Purges every delta committed before a timestamp, whatever the consumers (which become stale if they had
     * not read that far). Their space inside the file is reused by later commits; the file itself shrinks only by
     * {@link #compact()} (or the background thread, once most of it is free). Raises {@link #oldestRetained()} to
     * the newest timestamp removed. O(k log n)
     * for k removed, in bounded batches that do not hold up readers or writers.
     *
     * @param ts the oldest commit timestamp to keep; capped at the watermark + 1
     * @return how many deltas were removed
     * @throws ReadOnlyLogException if the log is read-only
     */
    public long purgeBefore(long ts) {
        return store.purgeBefore(ts);
    }

    /**
     * Applies the retention policy now: purges what every live consumer has read, and whatever a hard cap
     * forces (consumers left behind become stale).
     *
     * @return how many deltas were removed
     * @throws ReadOnlyLogException if the log is read-only
     */
    public long purge() {
        return store.purge();
    }

    /**
     * Applies the retention policy now, as {@link #purge()} does, and reports what it did and what held it back:
     * the consumer whose position keeps deltas, how many, and the file size before and after. A log with no
     * consumer under {@link RetentionPolicy#untilConsumed()} keeps everything: the result then names no consumer
     * and {@link PurgeResult#consumers()} is 0.
     *
     * @return the purge's figures
     * @throws ReadOnlyLogException if the log is read-only
     */
    public PurgeResult applyRetention() {
        long sizeBefore = store.fileSize();
        long removed = store.purge();
        return PurgeResult.measure(this, store.consumerPositions(), removed, sizeBefore);
    }

    /**
     * Returns the retention policy that {@link #purge()} and the background compaction round apply.
     *
     * @return the retention policy that {@link #purge()} and the background compaction round apply
     */
    public RetentionPolicy retention() {
        return store.retention();
    }

    /** Returns when a consumer was created or last moved, or null if the file does not say. */
    Long consumerLastAdvanced(String name) {
        checkOpen();
        return store.consumerLastAdvanced(name);
    }

    /** Counts every table's deltas after a position, up to the watermark. O(t log n). */
    long countAfter(long after) {
        checkOpen();
        return store.countAfter(after);
    }

    long consumerPosition(String name) {
        checkOpen();
        Long p = store.consumerPosition(name);
        if (p == null) {
            throw new IllegalStateException("consumer '" + name + "' does not exist (dropped?)");
        }
        return p;
    }

    void setConsumerPosition(String name, long position) {
        if (!store.moveConsumer(name, position)) {
            throw new IllegalStateException("consumer '" + name + "' does not exist (dropped?)");
        }
    }

    /**
     * Tells whether reading after a position would miss purged deltas. The mark is 0 until a purge; commit
     * timestamps are positive, so before any purge no position (not even one before the epoch) misses any.
     */
    boolean isBehindLowWater(long position) {
        return store.isBehindLowWater(position);
    }

    // ---- for transactions ----

    int trackedTableId(String table) {
        checkTableName(table);
        int id = store.tableId(table);
        if (id < 0) {
            throw new UntrackedTableException("table '" + table + "' is not tracked: call track(\"" + table
                    + "\") before recording changes into it");
        }
        store.checkTracked(id);
        return id;
    }

    /** Throws {@link UntrackedTableException} unless the table with this id (from {@link #trackedTableId}) is tracked. */
    void checkTracked(int tableId) {
        store.checkTracked(tableId);
    }

    /** Throws {@link SchemaMismatchException} unless a change fits its table's current schema (if any). */
    void checkSchema(int tableId, String table, long rowId, DeltaOp op) {
        schemas.check(tableId, table, rowId, op);
    }

    /** Counts the schema versions committed since open; see {@link #commit}. */
    long schemaEpoch() {
        return schemas.epoch();
    }

    long commit(int[] tableIds, long[] rowIds, byte[][] values, String[] tables, DeltaOp[] ops, long schemaEpoch) {
        Runnable recheck = () -> schemas.recheck(schemaEpoch, tableIds, tables, rowIds, ops);
        long ts = store.commit(
                tableIds,
                rowIds,
                values,
                tableIds.length,
                assigned -> {
                    if (!listeners.isEmpty()) {
                        List<Delta> deltas = new ArrayList<>(ops.length);
                        for (int i = 0; i < ops.length; i++) {
                            deltas.add(new Delta(tables[i], rowIds[i], assigned, schemas.named(tableIds[i], ops[i])));
                        }
                        // The transaction is sorted by internal table id; listeners get (table name, rowId) order, as
                        // CommitListener documents and as a ChangeSet of the same commit is ordered.
                        deltas.sort(ChangeSet.COMMIT_ORDER);
                        listeners.enqueue(assigned, Collections.unmodifiableList(deltas));
                    }
                },
                recheck);
        if (!listeners.isEmpty()) {
            listeners.dispatch(store::watermark);
        }
        return ts;
    }

    void checkOpen() {
        store.checkOpen();
    }

    private int knownTableId(String table) {
        checkTableName(table);
        checkOpen();
        int id = store.tableId(table);
        if (id < 0) {
            throw new UntrackedTableException("table '" + table + "' is not known to log " + store.label());
        }
        return id;
    }

    private void checkRetained(String table, long after) {
        if (after != FROM_OLDEST && isBehindLowWater(after)) {
            throw new DeltasPurgedException("changes of table '" + table + "' after " + after
                    + " were purged: deltas up to " + store.lowWater() + " are gone; read after "
                    + store.lowWater() + " or later");
        }
    }

    private static void checkTableName(String table) {
        TableNames.check(table, MAX_TABLE_NAME);
    }

    @Override
    public String toString() {
        return "DeltaLog(" + store.label() + ")";
    }
}
