package io.github.deltalog.store;

import java.util.Arrays;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.Page;
import org.h2.mvstore.type.DataType;

/**
 * One computation of a sorted run's insertion on one root of a {@link RangeCutMap}: the new pages that put a run of
 * ascending new keys into the one leaf where the first of them belongs, with a single copy of that leaf and of its
 * path, where key by key puts copy the leaf and its path once per key. Computes only; the map publishes the new
 * root and then calls {@link #settle}.
 *
 * <p><b>Which keys.</b> The run is the longest prefix of the given keys that ascends strictly, stays below the leaf's
 * next key (or, past the leaf's last key, below the separator that bounds the leaf in its ancestors) and fits in the
 * room the leaf's parent has for new leaves. A key already in the map, or no room at all, gives no run: the caller
 * puts that key through {@code MVMap.put}, which splits pages as it needs, and tries again with the next.
 *
 * <p><b>Tree shape.</b> A run that fits goes into one copy of the leaf. Otherwise the leaf's keys and the run's, in
 * order, are laid out over as few leaves as the store's {@code keysPerPage} allows: a run after the leaf's last key
 * (a commit's, as a rule) fills the leaf's copy and then new leaves, the last keeping the rest, as MVMap's append
 * does; any other run is spread evenly. A leaf also ends early when its estimated memory passes the store's page
 * split size, as MVMap splits it. The extra leaves go into a copy of the parent, each after a separator equal to its first key (MVMap's
 * split does the same), which keeps every key between its separators and the per-child counts right ({@code
 * setChild}/{@code insertNode} maintain them). A root leaf is never split here, and no inner page gains more than
 * {@code keysPerPage} keys. The file format is MVMap's: only the shape of the tree differs from what key by key
 * puts build, as it differs with the order of puts.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
final class SortedRunInsert<K, V> {
    private final RangeCutMap<K, V> map;
    private final DataType<K> type;
    private final int keysPerPage;
    private final long maxPageSize;

    /** The path from the root to the leaf's parent: {@code nodes[0..depth)} and the child taken in each. */
    private Page<K, V>[] nodes;

    private int[] childIndex;
    private int depth;
    private Page<K, V> leaf;
    /** The estimated memory of the new, unsaved pages. */
    private int created;
    /** How many keys the run put in. */
    private int runLength;

    @SuppressWarnings("unchecked")
    SortedRunInsert(RangeCutMap<K, V> map) {
        this.map = map;
        this.type = map.getKeyType();
        MVStore store = map.getStore();
        this.keysPerPage = store.getKeysPerPage();
        this.maxPageSize = store.getMaxPageSize();
        this.nodes = new Page[4];
        this.childIndex = new int[4];
    }

    /** How many keys the last computed run holds. */
    int runLength() {
        return runLength;
    }

    /**
     * Computes the new root that holds {@code keys[from..]}'s run besides everything under {@code root}.
     *
     * @return the new root, or null if no run starts at {@code from} (see the class comment)
     */
    Page<K, V> apply(Page<K, V> root, K[] keys, V[] values, int from, int to) {
        created = 0;
        runLength = 0;
        depth = 0;
        K first = keys[from];
        K upper = null;
        Page<K, V> p = root;
        while (!p.isLeaf()) {
            if (depth == nodes.length) {
                nodes = Arrays.copyOf(nodes, depth * 2);
                childIndex = Arrays.copyOf(childIndex, depth * 2);
            }
            int ci = search(p, first, true);
            if (ci < p.getKeyCount()) {
                upper = p.getKey(ci);
            }
            nodes[depth] = p;
            childIndex[depth] = ci;
            depth++;
            p = p.getChildPage(ci);
        }
        leaf = p;
        int n = p.getKeyCount();
        int at = search(p, first, false);
        if (at < n && type.compare(p.getKey(at), first) == 0) {
            return null;
        }
        K bound = at < n ? p.getKey(at) : upper;
        // With a parent, the run may fill the leaf and as many new full leaves as the parent has keys to spare.
        int maxLeaves = depth == 0 ? 1 : 1 + Math.max(0, keysPerPage - nodes[depth - 1].getKeyCount());
        int maxRun = maxLeaves * keysPerPage - n;
        if (maxRun <= 0) {
            return null;
        }
        int end = from + 1;
        while (end < to
                && end - from < maxRun
                && type.compare(keys[end - 1], keys[end]) < 0
                && (bound == null || type.compare(keys[end], bound) < 0)) {
            end++;
        }
        int run = end - from;
        Page<K, V> replacement = n + run <= keysPerPage ? extend(p, at, keys, values, from, run) : null;
        int top = depth - 1;
        if (replacement == null) {
            if (depth == 0) {
                return null;
            }
            replacement = spread(p, at, keys, values, from, run, maxLeaves);
            if (replacement == null) {
                return null;
            }
            top = depth - 2; // the parent is already replaced
        }
        for (int d = top; d >= 0; d--) {
            // A keyless inner page (written by H2 before 1.4.198) is dropped, as MVMap's own replacePage does.
            if (nodes[d].getKeyCount() > 0) {
                Page<K, V> copy = nodes[d].copy();
                copy.setChild(childIndex[d], replacement);
                created += copy.getMemory();
                replacement = copy;
            }
        }
        runLength = run;
        return replacement;
    }

    /**
     * Inserts the run into one copy of the leaf.
     *
     * @return the copy, or null if its memory passes the page split size
     */
    private Page<K, V> extend(Page<K, V> p, int at, K[] keys, V[] values, int from, int run) {
        Page<K, V> copy = p.copy();
        for (int i = 0; i < run; i++) {
            copy.insertLeaf(at + i, keys[from + i], values[from + i]);
        }
        if (copy.getMemory() > maxPageSize) {
            return null;
        }
        created += copy.getMemory();
        return copy;
    }

    /**
     * Lays the leaf's keys and the run's over new leaves and puts them into a copy of the parent.
     *
     * @return the parent's copy, or null if the leaves do not fit in it
     */
    private Page<K, V> spread(Page<K, V> p, int at, K[] keys, V[] values, int from, int run, int maxLeaves) {
        int n = p.getKeyCount();
        int total = n + run;
        // Appended after the leaf's last key (a commit's run, as a rule): the leaf's copy and new leaves are filled
        // up and the last one keeps the rest, so the next commit's run goes into a small leaf, and the old keys are
        // copied once, not inserted one by one (each insert copies the page's arrays). Otherwise evenly.
        boolean append = at == n;
        int leaves = (total + keysPerPage - 1) / keysPerPage;
        int perLeaf = append ? keysPerPage : (total + leaves - 1) / leaves;
        @SuppressWarnings("unchecked")
        Page<K, V>[] built = new Page[Math.min(maxLeaves, total)];
        int count = 0;
        Page<K, V> current = append ? p.copy() : map.newLeaf();
        for (int i = append ? n : 0; i < total; i++) {
            K key;
            V value;
            if (i < at) {
                key = p.getKey(i);
                value = p.getValue(i);
            } else if (i < at + run) {
                key = keys[from + i - at];
                value = values[from + i - at];
            } else {
                key = p.getKey(i - run);
                value = p.getValue(i - run);
            }
            int size = current.getKeyCount();
            if (size == perLeaf) {
                if (count == built.length) {
                    return null;
                }
                built[count++] = current;
                current = map.newLeaf();
                size = 0;
            }
            current.insertLeaf(size, key, value);
            if (size > 0 && current.getMemory() > maxPageSize) {
                current.remove(size);
                if (count == built.length) {
                    return null;
                }
                built[count++] = current;
                current = map.newLeaf();
                current.insertLeaf(0, key, value);
            }
        }
        if (count == built.length) {
            return null;
        }
        built[count++] = current;
        Page<K, V> parent = nodes[depth - 1].copy();
        int ci = childIndex[depth - 1];
        parent.setChild(ci, built[count - 1]);
        for (int j = count - 2; j >= 0; j--) {
            parent.insertNode(ci, built[j + 1].getKey(0), built[j]);
        }
        if (parent.getKeyCount() > keysPerPage) {
            return null;
        }
        for (int j = 0; j < count; j++) {
            created += built[j].getMemory();
        }
        created += parent.getMemory();
        return parent;
    }

    /**
     * Accounts the replaced leaf and path as removed at the old root's version and the new pages as unsaved memory;
     * called once the new root is published.
     *
     * @return the change of the map's unsaved memory
     */
    int settle(long version) {
        int unsaved = created + leaf.removePage(version);
        for (int d = 0; d < depth; d++) {
            unsaved += nodes[d].removePage(version);
        }
        return unsaved;
    }

    private int search(Page<K, V> p, K key, boolean after) {
        return RangeCutMap.search(type, p, key, after);
    }
}
