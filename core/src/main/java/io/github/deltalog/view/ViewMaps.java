package io.github.deltalog.view;

import io.github.deltalog.UnsupportedFormatException;
import io.github.deltalog.store.LogStore;
import java.util.ArrayList;
import java.util.List;
import org.h2.mvstore.Cursor;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.type.LongDataType;

/**
 * The maps of one view in the log's store, named {@code view.<id>.<part>} under the log's namespace: {@code
 * groups} (group key → state), {@code values} ([column, group key, value] → count, for MIN, MAX and COUNT
 * DISTINCT), {@code leftRows}/{@code rightRows} (a join's arrangements: {@link ArrangementKey} → row), {@code
 * changes} (the view's change stream) and {@code meta} (format, position, base size). The registry {@code views}
 * maps a view's name to its id and definition signature. Formats 1 and 2 kept the arrangements in {@code
 * left}/{@code right}, keyed by {@link Key} {@code [join key, rowId]}: a writable open moves them ({@link
 * #migrate}).
 */
final class ViewMaps {
    /**
     * The version of the view state's format ({@link KeyType}, the state layout of {@link GroupChanges}, the
     * arrangements' layout) that builds and rebuilds write: 3, group states with small value counts inline and
     * arrangements keyed by {@link ArrangementKey}. Format 1 (every value count in the values map) is still
     * refreshed in its own group layout, until a rebuild; its arrangements, like format 2's, are moved to the
     * compact layout at a writable open, which makes it format 4.
     */
    static final long FORMAT = 3;

    /** The first format, without inline value counts; arrangements keyed by {@link Key}. */
    static final long FORMAT_VALUES_MAP = 1;

    /** Format 2: value counts inline, arrangements keyed by {@link Key}. */
    static final long FORMAT_KEYED_ARRANGEMENTS = 2;

    /** Format 1's group layout with compact arrangements: a format 1 view whose arrangements were moved. */
    static final long FORMAT_VALUES_MAP_COMPACT = 4;

    static final String POSITION = "position";
    static final String BASE_ROWS = "baseRows";
    static final String CHANGES_FROM = "changesFrom";
    private static final String FORMAT_KEY = "format";

    final MVMap<Key, Key> groups;
    final MVMap<Key, Long> values;
    final MVMap<ArrangementKey, byte[]> left;
    final MVMap<ArrangementKey, byte[]> right;
    final MVMap<Key, Key> changes;
    final MVMap<String, Long> meta;
    private final long id;

    private ViewMaps(LogStore store, long id) {
        this.id = id;
        String p = "view." + id + ".";
        this.groups = store.openSideMap(p + "groups", keys());
        this.values = store.openSideMap(p + "values", valueCounts());
        this.left = store.openSideMap(p + "leftRows", arrangement());
        this.right = store.openSideMap(p + "rightRows", arrangement());
        this.changes = store.openSideMap(p + "changes", keys());
        this.meta = store.openSideMap(p + "meta", new MVMap.Builder<String, Long>());
    }

    private static MVMap.Builder<Key, Long> valueCounts() {
        return new MVMap.Builder<Key, Long>().keyType(KeyType.INSTANCE).valueType(LongDataType.INSTANCE);
    }

    /** An arrangement's rows stay encoded until a match needs them ({@link RowBytesType}). */
    private static MVMap.Builder<ArrangementKey, byte[]> arrangement() {
        return new MVMap.Builder<ArrangementKey, byte[]>()
                .keyType(ArrangementKeyType.INSTANCE)
                .valueType(RowBytesType.INSTANCE);
    }

    /** The arrangements of formats 1 and 2: {@code [join key, rowId]} → row. */
    private static MVMap.Builder<Key, byte[]> keyedArrangement() {
        return new MVMap.Builder<Key, byte[]>().keyType(KeyType.INSTANCE).valueType(RowBytesType.INSTANCE);
    }

    private static MVMap.Builder<Key, Key> keys() {
        return new MVMap.Builder<Key, Key>().keyType(KeyType.INSTANCE).valueType(KeyType.INSTANCE);
    }

    /**
     * Returns the builder of a view map by its name ({@code view.<id>.<part>}), for the replay of journaled
     * refreshes; null for any other name.
     */
    static MVMap.Builder<?, ?> builderFor(String name) {
        if (!name.startsWith("view.")) {
            return null;
        }
        String part = name.substring(name.lastIndexOf('.') + 1);
        return switch (part) {
            case "groups", "changes" -> keys();
            case "leftRows", "rightRows" -> arrangement();
            case "left", "right" -> keyedArrangement();
            case "values" -> valueCounts();
            case "meta" -> new MVMap.Builder<String, Long>();
            default -> null;
        };
    }

    /** Opens the registry of views: name → {@code id + "\n" + signature}. */
    static MVMap<String, String> registry(LogStore store) {
        return store.openSideMap("views", new MVMap.Builder<String, String>());
    }

    /**
     * Opens a view's maps.
     *
     * @throws UnsupportedFormatException if the state was written in a format this version does not know
     */
    static ViewMaps open(LogStore store, long id, String name) {
        ViewMaps m = new ViewMaps(store, id);
        Long format = m.meta.get(FORMAT_KEY);
        if (format != null && (format < FORMAT_VALUES_MAP || format > FORMAT_VALUES_MAP_COMPACT)) {
            throw new UnsupportedFormatException("view '" + name + "' in " + store.label() + " has state format "
                    + format + "; this version reads formats " + FORMAT_VALUES_MAP + " to "
                    + FORMAT_VALUES_MAP_COMPACT);
        }
        return m;
    }

    /** Returns whether the state keeps small value counts inline in its group states (formats 2 and 3). */
    boolean inlineCounts() {
        Long format = meta.get(FORMAT_KEY);
        return format == null || format == FORMAT_KEYED_ARRANGEMENTS || format == FORMAT;
    }

    /**
     * Moves the arrangements of a format 1 or 2 view (maps {@code left}/{@code right}, keyed by {@link Key}) to
     * the compact layout, in one store commit, making it format 3 or 4: the same rows, with no base rows or
     * history needed. O(arrangement rows), once; nothing for a view of format 3 on. Call on a writable store.
     */
    void migrate(LogStore store) {
        String p = "view." + id + ".";
        if (!store.hasSideMap(p + "left") && !store.hasSideMap(p + "right")) {
            return;
        }
        store.checkpointWith(() -> {
            Long format = meta.get(FORMAT_KEY);
            for (String side : List.of("left", "right")) {
                if (!store.hasSideMap(p + side)) {
                    continue;
                }
                MVMap<Key, byte[]> old = store.openSideMap(p + side, keyedArrangement());
                MVMap<ArrangementKey, byte[]> now = side.equals("left") ? left : right;
                now.clear();
                for (Cursor<Key, byte[]> c = old.cursor(null); c.hasNext(); ) {
                    Key k = c.next();
                    now.put(new ArrangementKey(ArrangementKey.encode(k.parts[0]), (Long) k.parts[1]), c.getValue());
                }
                store.removeSideMap(old);
            }
            if (format != null && format == FORMAT_VALUES_MAP) {
                meta.put(FORMAT_KEY, FORMAT_VALUES_MAP_COMPACT);
            } else if (format == null || format == FORMAT_KEYED_ARRANGEMENTS) {
                meta.put(FORMAT_KEY, FORMAT);
            }
        });
    }

    /** Returns the log position the view's state reflects, or {@code Long.MIN_VALUE} before its first build. */
    long position() {
        Long p = meta.get(POSITION);
        return p == null ? Long.MIN_VALUE : p;
    }

    long get(String key) {
        Long v = meta.get(key);
        return v == null ? 0 : v;
    }

    /** Empties the state before a rebuild. Under the checkpoint lock. */
    void clearState() {
        groups.clear();
        values.clear();
        left.clear();
        right.clear();
        meta.put(FORMAT_KEY, FORMAT);
    }

    /** Removes every map of the view. Under the checkpoint lock. */
    void removeAll(LogStore store) {
        List<MVMap<?, ?>> all = new ArrayList<>(List.of(groups, values, left, right, changes, meta));
        String p = "view." + id + ".";
        for (String side : List.of("left", "right")) {
            if (store.hasSideMap(p + side)) { // not migrated yet
                all.add(store.openSideMap(p + side, keyedArrangement()));
            }
        }
        for (MVMap<?, ?> m : all) {
            store.removeSideMap(m);
        }
    }
}
