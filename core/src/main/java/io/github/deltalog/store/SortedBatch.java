package io.github.deltalog.store;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.Page;
import org.h2.mvstore.type.DataType;

/**
 * One computation of a sorted batch of puts and removals on one root of a {@link RangeCutMap}: the new tree that
 * holds them, with each touched leaf and each inner page on the way to it copied once, where key by key writes copy
 * a leaf and its whole path for every key (a view refresh's thousands of scattered writes share most of their inner
 * pages). Computes only; the map publishes the new root and then calls {@link #settle}.
 *
 * <p><b>Which changes.</b> A leaf's changes are made in one copy of it unless they would change the tree's shape:
 * if its inserts take it past {@code keysPerPage} keys or past the store's page split size, or its removals empty
 * it (a leaf that is not the root), all its changes are left out ({@link #deferred}) for the caller to make through
 * {@code MVMap.put} and {@code remove}, which split and drop pages as they need. So every page keeps between its
 * parent's separators, the per-child counts are kept by {@code setChild}, and the file format is MVMap's. A
 * replacement is made in place even if its value is larger, as MVMap's own put does.
 *
 * <p>For every change, deferred or not, the value its key held is noted ({@code before}), so that the caller can
 * check the batch before anything of it is published.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
final class SortedBatch<K, V> {
    private final DataType<K> type;
    private final int keysPerPage;
    private final long maxPageSize;
    /** The pages replaced by a copy, accounted as removed by {@link #settle}. */
    private final List<Page<K, V>> replaced = new ArrayList<>();

    private K[] keys;
    private V[] values;
    private V[] before;
    /** Per change of the leaf being rewritten: its key's index in the leaf (or where it would go). */
    private int[] at = new int[16];

    private int[] deferred = new int[16];
    private int deferredCount;
    /** The estimated memory of the new, unsaved pages. */
    private int created;

    SortedBatch(RangeCutMap<K, V> map) {
        this.type = map.getKeyType();
        MVStore store = map.getStore();
        this.keysPerPage = store.getKeysPerPage();
        this.maxPageSize = store.getMaxPageSize();
    }

    /**
     * Computes the new root that holds the changes besides everything under {@code root}.
     *
     * @param keys the changed keys, strictly ascending
     * @param values their new values; null removes the key
     * @param before receives, per change, the value its key held (null if none)
     * @param count how many changes
     * @return the new root ({@code root} itself if every change is deferred or changes nothing)
     */
    Page<K, V> apply(Page<K, V> root, K[] keys, V[] values, V[] before, int count) {
        this.keys = keys;
        this.values = values;
        this.before = before;
        replaced.clear();
        deferredCount = 0;
        created = 0;
        return count == 0 ? root : rewrite(root, 0, count, true);
    }

    /** The indexes of the changes left to the caller, ascending; valid up to {@link #deferredCount}. */
    int[] deferred() {
        return deferred;
    }

    /** How many changes are left to the caller. */
    int deferredCount() {
        return deferredCount;
    }

    /**
     * Accounts the replaced pages as removed at the old root's version and the new pages as unsaved memory; called
     * once the new root is published.
     *
     * @return the change of the map's unsaved memory
     */
    int settle(long version) {
        int unsaved = created;
        for (Page<K, V> p : replaced) {
            unsaved += p.removePage(version);
        }
        return unsaved;
    }

    private Page<K, V> rewrite(Page<K, V> p, int from, int to, boolean isRoot) {
        return p.isLeaf() ? leaf(p, from, to, isRoot) : node(p, from, to);
    }

    /** Hands each child its share of {@code [from, to)}; copies the node once if a child changed. */
    private Page<K, V> node(Page<K, V> p, int from, int to) {
        Page<K, V> copy = null;
        int separators = p.getKeyCount();
        int j = from;
        while (j < to) {
            int c = RangeCutMap.search(type, p, keys[j], true);
            int end = to;
            if (c < separators) {
                K bound = p.getKey(c);
                end = j + 1;
                while (end < to && type.compare(keys[end], bound) < 0) {
                    end++;
                }
            }
            Page<K, V> child = p.getChildPage(c);
            Page<K, V> now = rewrite(child, j, end, false);
            if (now != child) {
                if (copy == null) {
                    copy = p.copy();
                }
                copy.setChild(c, now);
            }
            j = end;
        }
        return replacedBy(p, copy);
    }

    /** Makes {@code [from, to)} in one copy of the leaf, or defers them all (see the class comment). */
    private Page<K, V> leaf(Page<K, V> p, int from, int to, boolean isRoot) {
        int n = p.getKeyCount();
        if (at.length < to - from) {
            at = new int[Math.max(to - from, at.length * 2)];
        }
        int inserts = 0;
        int removes = 0;
        int low = 0;
        for (int j = from; j < to; j++) {
            int i = lowerBound(p, keys[j], low, n);
            boolean found = i < n && type.compare(p.getKey(i), keys[j]) == 0;
            at[j - from] = i;
            before[j] = found ? p.getValue(i) : null;
            low = i;
            if (values[j] == null) {
                removes += found ? 1 : 0;
            } else if (!found) {
                inserts++;
            }
        }
        int size = n + inserts - removes;
        if (size > keysPerPage || (size == 0 && !isRoot)) {
            return defer(p, from, to);
        }
        Page<K, V> copy = null;
        // From the last change down, so that each one's index in the original leaf is still right in the copy.
        for (int j = to - 1; j >= from; j--) {
            int i = at[j - from];
            if (values[j] == null && before[j] == null) {
                continue;
            }
            if (copy == null) {
                copy = p.copy();
            }
            if (values[j] == null) {
                copy.remove(i);
            } else if (before[j] != null) {
                copy.setValue(i, values[j]);
            } else {
                copy.insertLeaf(i, keys[j], values[j]);
            }
        }
        if (copy != null && inserts > 0 && size > 1 && copy.getMemory() > maxPageSize) {
            return defer(p, from, to);
        }
        return replacedBy(p, copy);
    }

    private Page<K, V> defer(Page<K, V> p, int from, int to) {
        if (deferred.length < deferredCount + to - from) {
            deferred = Arrays.copyOf(deferred, Math.max(deferredCount + to - from, deferred.length * 2));
        }
        for (int j = from; j < to; j++) {
            deferred[deferredCount++] = j;
        }
        return p;
    }

    private Page<K, V> replacedBy(Page<K, V> p, Page<K, V> copy) {
        if (copy == null) {
            return p;
        }
        replaced.add(p);
        created += copy.getMemory();
        return copy;
    }

    /** The first index in {@code [low, high)} whose key is at least {@code key} ({@code high} if none). */
    private int lowerBound(Page<K, V> p, K key, int low, int high) {
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (type.compare(p.getKey(mid), key) < 0) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        return low;
    }
}
