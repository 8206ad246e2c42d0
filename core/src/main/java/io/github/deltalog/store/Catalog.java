package io.github.deltalog.store;

import io.github.deltalog.UntrackedTableException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.h2.mvstore.MVMap;

/**
 * The table catalog: table name to a small integer id, and whether the table is tracked. Persisted in the
 * {@code catalog} map as {@code name -> id * 2 + (tracked ? 1 : 0)}; mirrored in memory for lock-free lookups.
 * Ids are never reused, so deltas of an untracked table stay readable.
 */
final class Catalog {
    private final MVMap<String, Long> map;
    private final Map<String, Integer> ids = new ConcurrentHashMap<>();
    private final Map<Integer, String> names = new ConcurrentHashMap<>();
    private final Map<String, Boolean> tracked = new ConcurrentHashMap<>();
    /**
     * Whether each table id is tracked, indexed by id: {@link #checkTracked} runs for every recorded delta, and an
     * array read is much cheaper than the two map lookups by id and name. Replaced (never changed in place)
     * by {@link #setTracked}, after the maps, so a reader sees a consistent snapshot.
     */
    /**
     * Ids at or above this take the map lookups: a damaged catalog may claim any id, and the array must not be
     * sized by it.
     */
    private static final int FAST_IDS = 1 << 16;

    private volatile boolean[] trackedById = new boolean[0];
    private int maxId;

    Catalog(MVMap<String, Long> map) {
        this.map = map;
        for (Map.Entry<String, Long> e : map.entrySet()) {
            long packed = e.getValue();
            int id = (int) (packed >>> 1);
            ids.put(e.getKey(), id);
            names.put(id, e.getKey());
            tracked.put(e.getKey(), (packed & 1) != 0);
            maxId = Math.max(maxId, id);
        }
        refreshTrackedById();
    }

    /** Returns the id of a table the log has ever known, or -1. */
    int id(String table) {
        Integer id = ids.get(table);
        return id == null ? -1 : id;
    }

    /** Returns the name of a table id, or null. */
    String name(int id) {
        return names.get(id);
    }

    boolean isTracked(String table) {
        return Boolean.TRUE.equals(tracked.get(table));
    }

    /** Returns the tracked tables, sorted by name. */
    List<String> trackedTables() {
        List<String> list = new ArrayList<>();
        for (Map.Entry<String, Boolean> e : tracked.entrySet()) {
            if (e.getValue()) {
                list.add(e.getKey());
            }
        }
        Collections.sort(list);
        return list;
    }

    /** Returns every table the log knows, tracked or not, sorted by name. */
    List<String> allTables() {
        List<String> list = new ArrayList<>(ids.keySet());
        Collections.sort(list);
        return list;
    }

    /** Returns every table id the log knows, tracked or not. */
    List<Integer> allIds() {
        List<Integer> list = new ArrayList<>(names.keySet());
        Collections.sort(list);
        return list;
    }

    /**
     * Marks a table tracked or not, creating it on first track. Called under the commit lock.
     *
     * @return true if anything changed
     */
    boolean setTracked(String table, boolean on) {
        Integer id = ids.get(table);
        if (id == null) {
            if (!on) {
                return false;
            }
            id = ++maxId;
        } else if (isTracked(table) == on) {
            return false;
        }
        map.put(table, ((long) id << 1) | (on ? 1 : 0));
        names.put(id, table);
        ids.put(table, id);
        tracked.put(table, on);
        refreshTrackedById();
        return true;
    }

    private void refreshTrackedById() {
        int size = 0;
        for (Map.Entry<String, Boolean> e : tracked.entrySet()) {
            int id = ids.get(e.getKey());
            if (e.getValue() && id >= 0 && id < FAST_IDS) {
                size = Math.max(size, id + 1);
            }
        }
        boolean[] byId = new boolean[size];
        for (Map.Entry<String, Boolean> e : tracked.entrySet()) {
            int id = ids.get(e.getKey());
            if (e.getValue() && id >= 0 && id < size) {
                byId[id] = true;
            }
        }
        trackedById = byId;
    }

    /** Throws unless the table with this id is tracked. */
    void checkTracked(int id) {
        boolean[] byId = trackedById;
        if (id >= 0 && id < byId.length && byId[id]) {
            return;
        }
        String name = names.get(id);
        if (name == null || !isTracked(name)) {
            throw new UntrackedTableException(
                    "table '" + name + "' is not tracked: track(\"" + name + "\") before recording changes into it");
        }
    }
}
