package io.github.deltalog.view;

import io.github.deltalog.UnsupportedFormatException;
import io.github.deltalog.store.LogStore;
import java.util.ArrayList;
import java.util.List;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.type.LongDataType;

/**
 * The maps of one view in the log's store, named {@code view.<id>.<part>} under the log's namespace: {@code
 * groups} (group key → state), {@code values} ([column, group key, value] → count, for MIN, MAX and COUNT
 * DISTINCT), {@code left}/{@code right} (a join's arrangements: [join key, rowId] → row), {@code changes} (the
 * view's change stream) and {@code meta} (format, position, base size). The registry {@code views} maps a view's
 * name to its id and definition signature.
 */
final class ViewMaps {
    /**
     * The version of the view state's format ({@link KeyType}, the state layout of {@link GroupChanges}) that
     * builds and rebuilds write: 2, group states with small value counts inline. Format 1 (every value count in
     * the values map) is still read and refreshed in its own layout, until a rebuild.
     */
    static final long FORMAT = 2;

    /** The first format, without inline value counts. */
    static final long FORMAT_VALUES_MAP = 1;

    static final String POSITION = "position";
    static final String BASE_ROWS = "baseRows";
    static final String CHANGES_FROM = "changesFrom";
    private static final String FORMAT_KEY = "format";

    final MVMap<Key, Key> groups;
    final MVMap<Key, Long> values;
    final MVMap<Key, byte[]> left;
    final MVMap<Key, byte[]> right;
    final MVMap<Key, Key> changes;
    final MVMap<String, Long> meta;

    private ViewMaps(LogStore store, long id) {
        String p = "view." + id + ".";
        this.groups = store.openSideMap(p + "groups", keys());
        this.values = store.openSideMap(p + "values", valueCounts());
        this.left = store.openSideMap(p + "left", arrangement());
        this.right = store.openSideMap(p + "right", arrangement());
        this.changes = store.openSideMap(p + "changes", keys());
        this.meta = store.openSideMap(p + "meta", new MVMap.Builder<String, Long>());
    }

    private static MVMap.Builder<Key, Long> valueCounts() {
        return new MVMap.Builder<Key, Long>().keyType(KeyType.INSTANCE).valueType(LongDataType.INSTANCE);
    }

    /** An arrangement's rows stay encoded until a match needs them ({@link RowBytesType}); same bytes as keys(). */
    private static MVMap.Builder<Key, byte[]> arrangement() {
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
            case "left", "right" -> arrangement();
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
        if (format != null && format != FORMAT && format != FORMAT_VALUES_MAP) {
            throw new UnsupportedFormatException("view '" + name + "' in " + store.label() + " has state format "
                    + format + "; this version reads formats " + FORMAT_VALUES_MAP + " and " + FORMAT);
        }
        return m;
    }

    /** Returns whether the state keeps small value counts inline in its group states (format 2 on). */
    boolean inlineCounts() {
        Long format = meta.get(FORMAT_KEY);
        return format == null || format >= FORMAT;
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
        for (MVMap<?, ?> m : all) {
            store.removeSideMap(m);
        }
    }
}
