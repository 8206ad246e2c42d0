package io.github.deltalog.view;

import org.h2.mvstore.MVMap;
import org.h2.mvstore.Page;
import org.h2.mvstore.type.DataType;

/**
 * Looks up many keys of one map in ascending order on one snapshot of it, resuming each search from the lowest
 * page of the previous search's path that still covers the key, instead of from the root: keys that fall in one
 * leaf cost a bound check and a search of that leaf, and the pages above are not fetched again (after a
 * checkpoint each fetch is a page cache lookup). A key below the previous one starts again from the root, so any
 * order gives right answers; ascending order gives the saving. Reads the snapshot taken at construction: later
 * writes to the map are not seen. Not thread-safe.
 *
 * @param <K> the map's key type
 * @param <V> the map's value type
 */
final class SortedLookup<K, V> {
    /** Deeper than any B-tree of 2^63 keys with at least two children per inner page. */
    private static final int MAX_DEPTH = 64;

    private final Page<K, V> root;
    private final DataType<K> type;
    private final Object[] path = new Object[MAX_DEPTH];
    /** Per page of the path, the smallest key above it (exclusive), or null for none. */
    private final Object[] upper = new Object[MAX_DEPTH];

    private int depth;
    private K last;

    SortedLookup(MVMap<K, V> map) {
        this.root = map.getRootPage();
        this.type = map.getKeyType();
    }

    /**
     * Returns the value of a key in the snapshot, or null. O(log n) for the first key; then O(log (distance
     * from the previous key)) page steps for ascending keys.
     */
    @SuppressWarnings("unchecked")
    V get(K key) {
        if (last != null && type.compare(key, last) < 0) {
            depth = 0;
        }
        last = key;
        while (depth > 1 && upper[depth - 1] != null && type.compare(key, (K) upper[depth - 1]) >= 0) {
            depth--;
        }
        if (depth == 0) {
            path[0] = root;
            upper[0] = null;
            depth = 1;
        }
        Page<K, V> p = (Page<K, V>) path[depth - 1];
        while (!p.isLeaf()) {
            int n = p.getKeyCount();
            int child = search(p, key);
            child = child >= 0 ? child + 1 : -child - 1; // the number of the page's keys <= key
            upper[depth] = child < n ? p.getKey(child) : upper[depth - 1];
            p = p.getChildPage(child);
            path[depth++] = p;
        }
        int i = search(p, key);
        return i >= 0 ? p.getValue(i) : null;
    }

    /** Binary search of a page's keys: the index of the key, or {@code -(insertion point) - 1}. */
    private int search(Page<K, V> p, K key) {
        int lo = 0;
        int hi = p.getKeyCount() - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int c = type.compare(p.getKey(mid), key);
            if (c < 0) {
                lo = mid + 1;
            } else if (c > 0) {
                hi = mid - 1;
            } else {
                return mid;
            }
        }
        return -lo - 1;
    }
}
