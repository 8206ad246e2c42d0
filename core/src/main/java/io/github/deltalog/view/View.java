package io.github.deltalog.view;

import io.github.deltalog.ChangeSet;
import io.github.deltalog.Delta;
import io.github.deltalog.DeltaLog;
import io.github.deltalog.DeltaOp;
import io.github.deltalog.DeltasPurgedException;
import io.github.deltalog.StaleConsumerException;
import io.github.deltalog.Tuple;
import io.github.deltalog.UnsupportedFormatException;
import io.github.deltalog.UntrackedTableException;
import io.github.deltalog.store.LogStore;
import io.github.deltalog.store.MapChanges;
import io.github.deltalog.store.MapTypes;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.h2.mvstore.Cursor;
import org.h2.mvstore.MVMap;

/**
 * A materialized view kept in the log's own store: group-by aggregates over a table or an equi-join of two,
 * refreshed from the merged changes after its position, exactly once across crashes. Open it with {@link
 * DeltaLog#view(String, ViewDefinition)}.
 *
 * <p>A {@link #refresh()} reads the merged deltas after the view's position, computes their effect on the touched
 * groups (and join arrangements) in memory, then commits those groups, the new position and the view's consumer
 * position (with the time it moved) as one journal record, in the same journal as the log's commits and as
 * durable as a commit at the log's {@link io.github.deltalog.Durability} level; the store file gets them at the
 * next regular checkpoint, and recovery (a read-only open too) replays the record in order with the commits.
 * After a kill at any instant the view holds either the state before the refresh with the old position or the
 * state after with the new one. Its cost is O(merged deltas × log n), whatever the view's size. A first build or
 * a rebuild rewrites the whole state and is stored by a checkpoint of its own. The consumer ({@code "view:" +
 * name}) keeps retention from purging what the view has not read.
 *
 * <p>On a log attached to an application's MVStore ({@link DeltaLog#attach}) there is no journal and no
 * checkpoint: a refresh only changes the maps, and the application's {@code store.commit()} makes it durable —
 * atomically with the deltas and base rows, as long as the application does not commit while a refresh runs
 * (open the store with {@code autoCommitDisabled()}).
 *
 * <p>Thread-safe: refreshes of one view are serialised; reads see the last finished refresh.
 */
public final class View {
    private static final int MAX_DIFFERENCES = 10;

    private final DeltaLog log;
    private final LogStore store;
    private final String name;
    private final ViewDefinition def;
    private final BaseRows base;
    private final ViewMaps maps;
    private final String consumer;

    private View(DeltaLog log, LogStore store, String name, ViewDefinition def, BaseRows base, ViewMaps maps) {
        this.log = log;
        this.store = store;
        this.name = name;
        this.def = def;
        this.base = base;
        this.maps = maps;
        this.consumer = consumerName(name);
    }

    /**
     * Returns the types of the view maps that journaled refreshes name, so that recovery can replay them. Called
     * by {@link io.github.deltalog.DeltaLogBuilder}; not for applications.
     *
     * @return the resolver
     */
    public static MapTypes journaledMapTypes() {
        return ViewMaps::builderFor;
    }

    /** The consumer a view reads with. */
    static String consumerName(String view) {
        return "view:" + view;
    }

    /**
     * Opens a view by name, creating and building it the first time. Called by {@link DeltaLog#view}; not for
     * applications.
     *
     * @param log the log
     * @param store the log's store
     * @param name the view's name, not blank
     * @param def the definition (must have the same structure as when the view was created)
     * @param base the base rows for the first build and for rebuilds, or null to build from the log's history
     * @return the view, as of its stored position
     * @throws UntrackedTableException if a table of the definition is not tracked
     * @throws ViewException if the view exists with another definition, or the history cannot give its rows
     */
    public static View open(DeltaLog log, LogStore store, String name, ViewDefinition def, BaseRows base) {
        Objects.requireNonNull(def, "definition");
        if (name == null || name.trim().isEmpty()) {
            throw new IllegalArgumentException("view name must not be blank");
        }
        for (String t : def.tables()) {
            if (!log.isTracked(t)) {
                throw new UntrackedTableException("view '" + name + "' reads table '" + t + "', which is not tracked");
            }
        }
        MVMap<String, String> registry = ViewMaps.registry(store);
        String entry = registry.get(name);
        if (entry != null) {
            int nl = entry.indexOf('\n');
            String signature = entry.substring(nl + 1);
            if (!signature.equals(def.signature())) {
                throw new ViewException("view '" + name + "' exists with another definition (" + signature
                        + "); drop it first to change it to (" + def.signature() + ")");
            }
            View v = new View(
                    log, store, name, def, base, ViewMaps.open(store, Long.parseLong(entry.substring(0, nl)), name));
            v.reconcileConsumer();
            return v;
        }
        store.checkWritable("create view '" + name + "'");
        long id = 1;
        for (String e : registry.values()) {
            id = Math.max(id, Long.parseLong(e.substring(0, e.indexOf('\n'))) + 1);
        }
        View v = new View(log, store, name, def, base, ViewMaps.open(store, id, name));
        String newEntry = id + "\n" + def.signature();
        if (v.build(log.lastCommitted(), Refresh.Kind.INCREMENTAL, Long.MIN_VALUE, () -> registry.put(name, newEntry))
                == null) {
            throw new ViewException("view '" + name + "' was created by another thread at the same time");
        }
        return v;
    }

    /**
     * Opens the state maps of every view of the log, without opening the views: compaction rewrites only the
     * pages of open maps, and the chunks that hold pages of a closed one cannot be freed. Views of a state format
     * this version does not read are left closed. O(views).
     *
     * @param store the log's store
     */
    public static void openAllState(LogStore store) {
        if (store.isClosed() || !store.hasSideMap("views")) {
            return;
        }
        for (Map.Entry<String, String> e : ViewMaps.registry(store).entrySet()) {
            String entry = e.getValue();
            try {
                ViewMaps.open(store, Long.parseLong(entry.substring(0, entry.indexOf('\n'))), e.getKey());
            } catch (UnsupportedFormatException | NumberFormatException | StringIndexOutOfBoundsException unread) {
                // left closed: its chunks stay, the rest is compacted
            }
        }
    }

    /**
     * Drops a view: its maps, its registry entry and its consumer, in one store commit.
     *
     * @param store the log's store
     * @param name the view's name
     * @return false if there was no such view
     */
    public static boolean drop(LogStore store, String name) {
        MVMap<String, String> registry = ViewMaps.registry(store);
        String entry = registry.get(name);
        if (entry == null) {
            return false;
        }
        ViewMaps maps = ViewMaps.open(store, Long.parseLong(entry.substring(0, entry.indexOf('\n'))), name);
        store.checkpointWith(() -> {
            maps.removeAll(store);
            registry.remove(name);
            store.setConsumerInCheckpoint(consumerName(name), null);
        });
        return true;
    }

    /** Puts the consumer where the view's state is, if something (a hand-made change) moved or dropped it. */
    private void reconcileConsumer() {
        long p = maps.position();
        Long c = store.consumerPosition(consumer);
        if ((c == null || c != p) && !store.isReadOnly()) {
            store.checkpointWith(() -> store.setConsumerInCheckpoint(consumer, p));
        }
    }

    /**
     * Returns the view's name.
     *
     * @return the view's name
     */
    public String name() {
        return name;
    }

    /**
     * Returns the view's definition.
     *
     * @return the view's definition
     */
    public ViewDefinition definition() {
        return def;
    }

    /**
     * Returns the log position the view's rows reflect.
     *
     * @return the log position the view's rows reflect
     */
    public long position() {
        return maps.position();
    }

    /**
     * Brings the view up to the log's watermark. Rebuilds instead (and says so) when the history after the view's
     * position was purged, or the change set is above the definition's {@link ViewDefinition.Builder#rebuildAbove
     * threshold}; both need base rows given at open.
     *
     * @return what was done
     * @throws StaleConsumerException if history was purged and the view has no base rows to rebuild from
     * @throws ViewException if a changed row does not fit the definition; the view is left unchanged
     * @throws io.github.deltalog.ReadOnlyLogException in a read-only log
     */
    public Refresh refresh() {
        store.checkWritable("refresh view '" + name + "'");
        // Every handle of this view in this store shares its map objects: locking one serialises their refreshes.
        synchronized (maps.meta) {
            while (true) {
                Refresh r = refreshOnce();
                if (r != null) {
                    return r;
                }
            }
        }
    }

    /**
     * One attempt at a refresh; null if the view's position moved meanwhile (a handle that does not share this
     * one's maps, as after a drop and re-creation): nothing was written, and the caller starts again.
     */
    private Refresh refreshOnce() {
        long from = maps.position();
        ChangeSet net;
        try {
            net = log.mergedChangesAfter(def.tables(), from);
        } catch (DeltasPurgedException e) {
            if (base == null) {
                throw new StaleConsumerException(
                        "view '" + name + "' at position " + from
                                + " is stale: deltas after it were purged (oldest retained " + log.oldestRetained()
                                + "); open it with base rows to rebuild, or drop it",
                        e);
            }
            return build(log.lastCommitted(), Refresh.Kind.REBUILT_STALE, from, null);
        }
        long to = net.watermark();
        if (net.isEmpty()) {
            if (to > from) {
                MapChanges changes = new MapChanges();
                changes.put(maps.meta, ViewMaps.POSITION, to);
                changes.moveConsumer(consumer, to);
                if (!store.commit(changes, () -> maps.position() == from)) {
                    return null;
                }
            }
            return new Refresh(Refresh.Kind.INCREMENTAL, 0, 0, from, Math.max(from, to));
        }
        if (base != null && net.size() > def.rebuildAbove() * Math.max(1, maps.get(ViewMaps.BASE_ROWS))) {
            return build(to, Refresh.Kind.REBUILT_LARGE_CHANGE, from, null);
        }
        long baseRows = maps.get(ViewMaps.BASE_ROWS);
        for (Delta d : net) {
            baseRows += d.op() instanceof DeltaOp.Insert ? 1 : d.op() instanceof DeltaOp.Delete ? -1 : 0;
        }
        int touched = apply(net, to, false, baseRows, from, null);
        return touched < 0 ? null : new Refresh(Refresh.Kind.INCREMENTAL, net.size(), touched, from, to);
    }

    /**
     * Builds the view from scratch as of a position: from the base rows given at open, else from the log's
     * history up to that position.
     */
    private Refresh build(long at, Refresh.Kind kind, long from, Runnable alsoUnderLock) {
        BaseRows rows = base != null ? base : HistoryRows.upTo(log, def.tables(), at, name);
        List<Delta> inserts = new ArrayList<>();
        for (String t : def.tables()) {
            for (BaseRows.Row r : rows.rows(t)) {
                inserts.add(new Delta(t, r.rowId(), at, new DeltaOp.Insert(r.row())));
            }
        }
        int touched = apply(inserts, at, true, inserts.size(), from, alsoUnderLock);
        return touched < 0 ? null : new Refresh(kind, inserts.size(), touched, from, at);
    }

    /**
     * Applies changes (or, {@code fromEmpty}, a full load) and commits them with the position in one step: an
     * incremental refresh as one journal record with the consumer's move ({@link LogStore#commit(MapChanges,
     * java.util.function.BooleanSupplier)}), stored by the next regular checkpoint; a build by a checkpoint of its
     * own, as it rewrites the whole state.
     *
     * @param from the position the changes were read after: if the stored position moved meanwhile (another
     *     handle of the view refreshed it), nothing is written
     * @return the number of touched groups, or -1 if nothing was written
     */
    private int apply(
            Iterable<Delta> deltas, long to, boolean fromEmpty, long baseRows, long from, Runnable alsoUnderLock) {
        // A build or rebuild writes the current format (clearState records it); a refresh keeps the stored one.
        GroupChanges groups =
                new GroupChanges(name, def, maps.groups, maps.values, fromEmpty, fromEmpty || maps.inlineCounts());
        JoinChanges join = def.join() == null ? null : new JoinChanges(name, def, maps.left, maps.right, fromEmpty);
        if (join != null) {
            join.apply(deltas, groups);
        } else {
            for (Delta d : deltas) {
                Source source = new Source(d.table(), d.rowId());
                if (d.op().before() != null) {
                    groups.add(d.op().before(), -1, source);
                }
                if (d.op().after() != null) {
                    groups.add(d.op().after(), 1, source);
                }
            }
        }
        groups.prepare();
        if (!fromEmpty) {
            MapChanges changes = new MapChanges();
            MapSink sink = MapSink.of(changes);
            if (join != null) {
                join.writeTo(sink);
            }
            groups.writeTo(sink, to);
            if (def.keepsChanges()) {
                ChangeStream.append(sink, maps.changes, groups.changes());
            }
            sink.put(maps.meta, ViewMaps.BASE_ROWS, baseRows);
            sink.put(maps.meta, ViewMaps.POSITION, to);
            changes.moveConsumer(consumer, to);
            return store.commit(changes, () -> maps.position() == from) ? groups.touchedGroups() : -1;
        }
        boolean[] written = {false};
        store.checkpointWith(() -> {
            if (maps.position() != from) {
                return;
            }
            written[0] = true;
            maps.clearState();
            MapSink sink = MapSink.direct();
            if (join != null) {
                join.writeTo(sink);
            }
            groups.writeTo(sink, to);
            if (def.keepsChanges()) {
                maps.changes.clear();
                maps.meta.put(ViewMaps.CHANGES_FROM, to);
            }
            maps.meta.put(ViewMaps.BASE_ROWS, baseRows);
            maps.meta.put(ViewMaps.POSITION, to);
            store.setConsumerInCheckpoint(consumer, to);
            if (alsoUnderLock != null) {
                alsoUnderLock.run();
            }
        });
        return written[0] ? groups.touchedGroups() : -1;
    }

    /** Names a base row for messages. */
    private record Source(String table, long rowId) {
        @Override
        public String toString() {
            return "row " + rowId + " of table '" + table + "'";
        }
    }

    /**
     * Returns the view's rows sorted by group key, lazily, as of the last finished refresh (a snapshot: later
     * refreshes do not show through). O(1) per row.
     *
     * @return the rows
     */
    public Iterable<ViewRow> rows() {
        List<Aggregate> aggregates = def.aggregates();
        MVMap<Key, Key> groups = maps.groups;
        return () -> {
            Cursor<Key, Key> c = groups.cursor(null);
            return new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return c.hasNext();
                }

                @Override
                public ViewRow next() {
                    Key k = c.next();
                    return new ViewRow(Tuple.of(k.parts), GroupChanges.output(aggregates, c.getValue()));
                }
            };
        };
    }

    /**
     * Returns the rows as a sequential stream, sorted by group key.
     *
     * @return the rows as a sequential stream, sorted by group key
     */
    public Stream<ViewRow> stream() {
        return StreamSupport.stream(
                Spliterators.spliteratorUnknownSize(
                        rows().iterator(), Spliterator.ORDERED | Spliterator.SORTED | Spliterator.NONNULL),
                false);
    }

    /**
     * Returns one group's aggregates. O(log g).
     *
     * @param key the group key's values
     * @return the aggregates, or null if the group has no row
     */
    public Tuple get(Tuple key) {
        Key state = maps.groups.get(Key.of(key.values().toArray()));
        return state == null ? null : GroupChanges.output(def.aggregates(), state);
    }

    /**
     * Returns the number of groups. O(1).
     *
     * @return the number of groups
     */
    public long size() {
        return maps.groups.sizeAsLong();
    }

    /**
     * Returns the view's own changes after a position (see {@link ViewDefinition.Builder#keepChanges()}), in
     * refresh order: per changed group its aggregates before and after.
     *
     * @param after a position a reader has seen the view at
     * @return the changes of the refreshes after it
     * @throws ViewException if the view keeps no changes, or they were trimmed or reset by a rebuild after it
     */
    public List<ViewChange> changesAfter(long after) {
        if (!def.keepsChanges()) {
            throw new ViewException("view '" + name + "' keeps no change stream: define it with keepChanges()");
        }
        long from = maps.get(ViewMaps.CHANGES_FROM);
        if (after < from) {
            throw new ViewException("view '" + name + "' has no changes after " + after + ": its stream starts at "
                    + from + " (trimmed or rebuilt); reread rows()");
        }
        return ChangeStream.read(maps.changes, after);
    }

    /**
     * Drops the view's own changes up to a position, once every reader has seen them.
     *
     * @param upTo the position to trim to (inclusive)
     */
    public void trimChanges(long upTo) {
        synchronized (maps.meta) {
            trimChangesLocked(upTo);
        }
    }

    private void trimChangesLocked(long upTo) {
        long to = Math.min(upTo, maps.position());
        if (to <= maps.get(ViewMaps.CHANGES_FROM)) {
            return;
        }
        store.checkpointWith(() -> {
            ChangeStream.trim(maps.changes, to);
            maps.meta.put(ViewMaps.CHANGES_FROM, to);
        });
    }

    /**
     * Recomputes the view from the log's history (every delta up to its position; needs the history from the
     * start, never purged) and compares. O(history + view).
     *
     * @return the comparison
     * @throws ViewException if the history was purged or does not hold every row
     */
    public Verification verify() {
        synchronized (maps.meta) {
            long at = maps.position();
            return compare(at, HistoryRows.upTo(log, def.tables(), at, name));
        }
    }

    /**
     * Recomputes the view from base rows and compares.
     *
     * @param current the rows of the view's tables as of the view's {@link #position()}
     * @return the comparison
     */
    public Verification verify(BaseRows current) {
        synchronized (maps.meta) {
            return compare(maps.position(), current);
        }
    }

    private Verification compare(long at, BaseRows rows) {
        List<ViewRow> expected = ViewComputation.compute(def, rows);
        List<String> differences = new ArrayList<>();
        Iterator<ViewRow> actual = rows().iterator();
        Map<Tuple, Tuple> missing = new java.util.LinkedHashMap<>();
        for (ViewRow e : expected) {
            missing.put(e.key(), e.values());
        }
        while (actual.hasNext()) {
            ViewRow a = actual.next();
            Tuple want = missing.remove(a.key());
            if (!a.values().equals(want)) {
                note(differences, "group " + a.key() + ": view " + a.values() + ", recomputed " + want);
            }
        }
        missing.forEach((k, v) -> note(differences, "group " + k + ": view has none, recomputed " + v));
        return new Verification(at, expected.size(), differences);
    }

    private static void note(List<String> differences, String what) {
        if (differences.size() < MAX_DIFFERENCES) {
            differences.add(what);
        }
    }

    @Override
    public String toString() {
        return "View[" + name + ", " + def.signature() + "]";
    }
}
