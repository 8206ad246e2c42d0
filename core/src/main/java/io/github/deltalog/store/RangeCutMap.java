package io.github.deltalog.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.h2.mvstore.DataUtils;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.Page;
import org.h2.mvstore.RootReference;
import org.h2.mvstore.type.DataType;

/**
 * An {@link MVMap} that removes a whole key range in one step: {@link #removeRange} copies the pages on the path
 * down to each end of the range, drops every subtree in between without reading its leaves, and swaps the root
 * once. A purge of one table below a timestamp is one such range, so it costs O(height × fanout) page copies and
 * one visit per dropped inner page, where removing key by key copies a leaf and its path for every key. Its
 * counterpart for commits, {@link #putSorted}, inserts each run of ascending new keys that belongs to one leaf with
 * one copy of that leaf and its path ({@link SortedRunInsert}), with the same root swap, accounting and format; and
 * {@link #applySorted} makes a view refresh's scattered puts and removals in one pass ({@link SortedBatch}), each
 * touched page copied once.
 *
 * <p><b>Tree shape.</b> Only pages that contained keys of the range change. A boundary leaf keeps its keys outside
 * the range; a boundary node keeps its children outside the range and the cut copies of its two boundary children,
 * and its separator keys are removed with the children they bounded (as {@code Page.remove} does), so every key
 * still lies between its separators. A page left empty is removed from its parent, never kept; a node left with
 * one child is replaced by that child, as MVMap's own remove replaces a node with one key by its other child. So
 * there is no empty page but an empty root leaf and no keyless inner node; the tree never grows taller; boundary
 * pages may be left under-full, as by key-by-key removal (MVMap does not merge pages). Every copied node gets its
 * children through {@code setChild}/{@code remove}, which keep the per-child counts and the page's total count that
 * {@code sizeAsLong} and {@code getKeyIndex} read.
 *
 * <p><b>Crash safety.</b> MVStore is copy-on-write: no page reachable from a stored version is ever changed. The cut
 * builds new pages in memory (copies whose position is "not saved") and publishes them by swapping the map's in-memory
 * root; the file is not touched. Nothing of the cut reaches the file until the store commits a new version, and that
 * commit writes the new pages, the new root and the chunk occupancy in one chunk whose header makes it the newest
 * version only when it is complete. A store commit sees the map's root before or after the swap, so a version on disk
 * holds the whole range or none of it (key by key, a checkpoint during the removal stores the range part way; {@code
 * PurgeKillTest} kills purges and reads the file as left). A kill before the next commit leaves the file at its last
 * committed version. (The log's purge raises its low-water mark in the meta map before it cuts; a commit that stored
 * the mark but not yet the cut is completed at open by {@code Purges.finishCutShort}.) The pages the cut replaces or
 * drops are only <em>accounted</em> as removed at the map's current version ({@code Page.removePage}, {@code
 * removeAllRecursive}, as {@code MVMap.clear} does); MVStore frees a chunk's space only once no version still in use or
 * still on disk as the last stored one needs it.
 *
 * <p><b>Readers and writers.</b> A reader that holds an older root (an open cursor, a snapshot) keeps reading the
 * old, unchanged pages; the cut never modifies a page it did not create. The root is swapped with MVMap's
 * compare-and-set, as {@code put} does: a concurrent writer makes the swap fail and the cut is recomputed on the new
 * root (the page accounting happens only after a successful swap); after a few failed attempts the cut takes the
 * root lock, as {@code MVMap.operate} does under contention. The version in use is registered for the cut, so that
 * no concurrent commit reuses the space of pages it still reads.
 *
 * <p>The file format is MVMap's: the class adds no map type to the store's metadata, so a store written through it
 * opens with a plain {@code MVMap.Builder} and the other way round.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
final class RangeCutMap<K, V> extends MVMap<K, V> {
    /** Root swaps tried without the lock before taking it. */
    private static final int OPTIMISTIC_ATTEMPTS = 4;

    private RangeCutMap(Map<String, Object> config, DataType<K> keyType, DataType<V> valueType) {
        super(config, keyType, valueType);
    }

    private RangeCutMap(RangeCutMap<K, V> source) {
        super(source);
    }

    @Override
    protected MVMap<K, V> cloneIt() {
        return new RangeCutMap<>(this);
    }

    /**
     * Removes every key {@code k} with {@code from <= k <= to}. Amortized O(h × f + d) for a tree of height h and
     * fanout f with d inner pages under the removed range, independent of how many keys are removed.
     *
     * @return how many keys were removed
     * @throws IllegalArgumentException if {@code from} is after {@code to}
     * @throws UnsupportedOperationException if the map is read-only
     */
    long removeRange(K from, K to) {
        return removeRange(from, to, OPTIMISTIC_ATTEMPTS);
    }

    /**
     * {@link #removeRange(Object, Object)} with a given number of lock-free attempts before the root lock is taken
     * (0: at once; tests use it to run the locked path).
     */
    long removeRange(K from, K to, int optimisticAttempts) {
        if (getKeyType().compare(from, to) > 0) {
            throw new IllegalArgumentException("range start " + from + " is after its end " + to);
        }
        beforeWrite();
        MVStore.TxCounter usage = store.registerVersionUsage();
        try {
            for (int attempt = 1; ; attempt++) {
                RootReference<K, V> root = flushAndGetRoot();
                if (attempt <= optimisticAttempts) {
                    Cut cut = new Cut(from, to);
                    Page<K, V> newRoot = cut.apply(root.root);
                    if (newRoot == root.root) {
                        return 0;
                    }
                    if (updateRoot(root, newRoot, attempt)) {
                        return cut.settle(root, newRoot);
                    }
                    continue;
                }
                RootReference<K, V> locked = tryLock(root, attempt);
                if (locked == null) {
                    continue;
                }
                Page<K, V> newRoot = null;
                Cut cut = new Cut(from, to);
                try {
                    newRoot = cut.apply(locked.root);
                } finally {
                    unlockRoot(newRoot);
                }
                return newRoot == locked.root ? 0 : cut.settle(locked, newRoot);
            }
        } finally {
            store.deregisterVersionUsage(usage);
        }
    }

    /**
     * Puts {@code keys[i] -> values[i]} for every {@code i < count}, as {@code put} one after the other would, but
     * inserts each run of ascending new keys that belongs to one leaf with one copy of that leaf and its path and one
     * root swap ({@link SortedRunInsert}). A commit's keys (one timestamp, then row ids, per table) are such runs:
     * about one leaf copy per table and transaction instead of one per key. Keys out of order, keys already present
     * and runs that would overflow an inner page are put one by one. Each run is atomic for readers: a cursor or
     * snapshot sees all of a run or none of it; the whole call is not atomic.
     *
     * @param keys the keys, best in ascending order
     * @param values their values, same length
     * @param count how many to put
     * @throws UnsupportedOperationException if the map is read-only
     */
    void putSorted(K[] keys, V[] values, int count) {
        if (count == 1) {
            put(keys[0], values[0]);
            return;
        }
        if (count == 0) {
            return;
        }
        beforeWrite();
        SortedRunInsert<K, V> insert = new SortedRunInsert<>(this);
        int i = 0;
        while (i < count) {
            int done = putRun(insert, keys, values, i, count);
            if (done == 0) {
                put(keys[i], values[i]);
                done = 1;
            }
            i += done;
        }
    }

    /** Inserts the run starting at {@code from}; returns its length, 0 if none starts there. */
    private int putRun(SortedRunInsert<K, V> insert, K[] keys, V[] values, int from, int to) {
        for (int attempt = 1; ; attempt++) {
            RootReference<K, V> root = flushAndGetRoot();
            if (attempt <= OPTIMISTIC_ATTEMPTS) {
                Page<K, V> newRoot = insert.apply(root.root, keys, values, from, to);
                if (newRoot == null) {
                    return 0;
                }
                if (updateRoot(root, newRoot, attempt)) {
                    registerUnsavedMemory(insert.settle(root.version));
                    return insert.runLength();
                }
                continue;
            }
            RootReference<K, V> locked = tryLock(root, attempt);
            if (locked == null) {
                continue;
            }
            Page<K, V> newRoot = null;
            try {
                newRoot = insert.apply(locked.root, keys, values, from, to);
            } finally {
                unlockRoot(newRoot);
            }
            if (newRoot == null) {
                return 0;
            }
            registerUnsavedMemory(insert.settle(locked.version));
            return insert.runLength();
        }
    }

    /**
     * Makes a batch of puts and removals of distinct keys in ascending order, with one copy of each touched leaf
     * and of each inner page on the way to it and one root swap ({@link SortedBatch}); a leaf the batch would split
     * or empty gets its changes through {@code put} and {@code remove} afterwards. The result is what {@code put}
     * and {@code remove} key by key give. The batch (but for such leaves) is atomic for readers.
     *
     * @param keys the keys, strictly ascending
     * @param values their new values; null removes the key
     * @param count how many changes
     * @param before receives, per change, the value its key held (null if none); filled before {@code check} runs
     * @param check runs once {@code before} is filled and before anything is published: what it throws leaves the
     *     map unchanged
     * @throws UnsupportedOperationException if the map is read-only
     */
    void applySorted(K[] keys, V[] values, int count, V[] before, Runnable check) {
        applySorted(keys, values, count, before, check, OPTIMISTIC_ATTEMPTS);
    }

    /**
     * {@link #applySorted(Object[], Object[], int, Object[], Runnable)} with a given number of lock-free attempts
     * before the root lock is taken (0: at once; tests use it to run the locked path).
     */
    void applySorted(K[] keys, V[] values, int count, V[] before, Runnable check, int optimisticAttempts) {
        beforeWrite();
        SortedBatch<K, V> batch = new SortedBatch<>(this);
        MVStore.TxCounter usage = store.registerVersionUsage();
        try {
            for (int attempt = 1; ; attempt++) {
                RootReference<K, V> root = flushAndGetRoot();
                if (attempt <= optimisticAttempts) {
                    Page<K, V> newRoot = batch.apply(root.root, keys, values, before, count);
                    check.run();
                    if (newRoot == root.root) {
                        break;
                    }
                    if (updateRoot(root, newRoot, attempt)) {
                        registerUnsavedMemory(batch.settle(root.version));
                        break;
                    }
                    continue;
                }
                RootReference<K, V> locked = tryLock(root, attempt);
                if (locked == null) {
                    continue;
                }
                Page<K, V> newRoot = null;
                try {
                    Page<K, V> computed = batch.apply(locked.root, keys, values, before, count);
                    check.run();
                    newRoot = computed;
                } finally {
                    unlockRoot(newRoot);
                }
                if (newRoot != locked.root) {
                    registerUnsavedMemory(batch.settle(locked.version));
                }
                break;
            }
        } finally {
            store.deregisterVersionUsage(usage);
        }
        int[] deferred = batch.deferred();
        for (int d = 0; d < batch.deferredCount(); d++) {
            int j = deferred[d];
            before[j] = values[j] == null ? remove(keys[j]) : put(keys[j], values[j]);
        }
    }

    /** A new, empty leaf of this map (for {@link SortedRunInsert}). */
    Page<K, V> newLeaf() {
        return createEmptyLeaf();
    }

    /** One computation of a cut on one root: the new pages, and what the old tree gives up. */
    private final class Cut {
        private final K from;
        private final K to;
        /** Old pages replaced by a copy (or by nothing): accounted one by one. */
        private final List<Page<K, V>> replaced = new ArrayList<>();
        /** Holders of whole dropped subtrees (a copy of their old parent keeping only them). */
        private final List<Page<K, V>> dropped = new ArrayList<>();
        /** The estimated memory of the new, unsaved pages. */
        private int created;

        Cut(K from, K to) {
            this.from = from;
            this.to = to;
        }

        /** Returns the new root: the old one if the range holds no key. */
        Page<K, V> apply(Page<K, V> root) {
            Page<K, V> cut = cut(root, from, to);
            return cut == null ? createEmptyLeaf() : cut;
        }

        /**
         * Accounts the replaced and dropped pages as removed at the old root's version, and the new pages as unsaved
         * memory; called once the new root is published.
         *
         * @return how many keys the cut removed
         */
        long settle(RootReference<K, V> old, Page<K, V> newRoot) {
            long version = old.version;
            int unsaved = created;
            for (Page<K, V> p : replaced) {
                unsaved += p.removePage(version);
            }
            for (Page<K, V> holder : dropped) {
                // The holder is an unsaved copy never counted as unsaved memory: give back what its removal takes.
                unsaved += holder.getMemory() + holder.removeAllRecursive(version);
            }
            registerUnsavedMemory(unsaved);
            return old.root.getTotalCount() - newRoot.getTotalCount();
        }

        /**
         * Cuts the keys within {@code [lo, hi]} out of the subtree {@code p}; a null bound is open (every key of
         * the subtree is on that side of the range).
         *
         * @return the replacement of {@code p}: {@code p} itself if it has no key in the range, null if it has no
         *     key outside it
         */
        private Page<K, V> cut(Page<K, V> p, K lo, K hi) {
            return p.isLeaf() ? cutLeaf(p, lo, hi) : cutNode(p, lo, hi);
        }

        private Page<K, V> cutLeaf(Page<K, V> p, K lo, K hi) {
            int n = p.getKeyCount();
            int a = lo == null ? 0 : search(p, lo, false);
            int b = hi == null ? n : search(p, hi, true);
            if (a >= b) {
                return p;
            }
            replaced.add(p);
            if (a == 0 && b == n) {
                return null;
            }
            Page<K, V> copy = p.copy();
            for (int i = b - 1; i >= a; i--) {
                copy.remove(i);
            }
            created += copy.getMemory();
            return copy;
        }

        private Page<K, V> cutNode(Page<K, V> p, K lo, K hi) {
            int last = p.getKeyCount();
            int a = lo == null ? 0 : search(p, lo, true);
            int b = hi == null ? last : search(p, hi, true);
            Page<K, V> left;
            Page<K, V> right;
            Page<K, V> childA = p.getChildPage(a);
            if (a == b) {
                left = cut(childA, lo, hi);
                if (left == childA) {
                    return p;
                }
                right = left;
            } else {
                // Child a holds keys below the separator at a, which is at most hi: only lo can bound it, and
                // without lo the whole child is in the range (likewise child b above lo).
                left = lo == null ? null : cut(childA, lo, null);
                right = hi == null ? null : cut(p.getChildPage(b), null, hi);
            }
            replaced.add(p);
            int keep = last + 1 - (b - a + 1) + (left == null ? 0 : 1) + (a != b && right != null ? 1 : 0);
            holdDropped(p, a, b, lo == null, hi == null);
            if (keep == 0) {
                return null;
            }
            Page<K, V> copy = p.copy();
            if (left != null) {
                copy.setChild(a, left);
            }
            if (a != b && right != null) {
                copy.setChild(b, right);
            }
            for (int i = b; i >= a; i--) {
                boolean kept = i == a ? left != null : i == b && right != null;
                if (!kept) {
                    copy.remove(i);
                }
            }
            if (keep == 1) {
                // A node with one child is that child (as MVMap's remove does); the copy is dropped unused.
                return copy.getChildPage(0);
            }
            created += copy.getMemory();
            return copy;
        }

        /**
         * Remembers the children of {@code p} that go as whole subtrees: those strictly between a and b, and a or b
         * themselves when the range covers them entirely.
         */
        private void holdDropped(Page<K, V> p, int a, int b, boolean dropA, boolean dropB) {
            int from = a == b ? a + 1 : dropA ? a : a + 1;
            int to = a == b ? a : dropB ? b : b - 1;
            if (from > to) {
                return;
            }
            readInnerPages(p, from, to);
            Page<K, V> holder = p.copy();
            for (int i = holder.getKeyCount(); i >= 0; i--) {
                if (i < from || i > to) {
                    holder.remove(i);
                }
            }
            dropped.add(holder);
        }

        /**
         * Reads every inner page under children {@code from..to} of a node, so that a damaged one fails the cut
         * before it is published rather than its accounting after ({@link #settle} reads them again, from the
         * page cache). Leaves are not read: they are accounted by their position.
         */
        private void readInnerPages(Page<K, V> node, int from, int to) {
            for (int i = from; i <= to; i++) {
                long pos = node.getChildPagePos(i);
                if (pos == 0 || !DataUtils.isLeafPosition(pos)) {
                    Page<K, V> child = node.getChildPage(i);
                    if (!child.isLeaf()) {
                        readInnerPages(child, 0, child.getKeyCount());
                    }
                }
            }
        }

        private int search(Page<K, V> p, K key, boolean after) {
            return RangeCutMap.search(getKeyType(), p, key, after);
        }
    }

    /**
     * Builds the map for {@code MVStore.openMap}; the key and value types are set as on MVMap's own builder. Typed as
     * building a plain MVMap: a store that already has the map open (under another builder) hands back that
     * instance, which callers then use key by key.
     */
    static final class Builder<K, V> extends MVMap.BasicBuilder<MVMap<K, V>, K, V> {
        /** A builder of a map with the key and value types of {@code plain} (h2's generic type where it sets none). */
        static <K, V> Builder<K, V> like(MVMap.Builder<K, V> plain) {
            Builder<K, V> b = new Builder<>();
            if (plain.getKeyType() != null) {
                b.setKeyType(plain.getKeyType());
            }
            if (plain.getValueType() != null) {
                b.setValueType(plain.getValueType());
            }
            return b;
        }

        @Override
        public Builder<K, V> keyType(DataType<? super K> type) {
            setKeyType(type);
            return this;
        }

        @Override
        public Builder<K, V> valueType(DataType<? super V> type) {
            setValueType(type);
            return this;
        }

        @Override
        protected MVMap<K, V> create(Map<String, Object> config) {
            return new RangeCutMap<>(config, getKeyType(), getValueType());
        }
    }

    /**
     * Binary search over a page's keys. For a leaf with {@code after} false: the first index whose key is at least
     * {@code key}; with {@code after} true: the first index whose key is greater. For a node with {@code after}
     * true: the index of the child whose subtree would hold {@code key}. O(log keys).
     */
    static <K, V> int search(DataType<K> type, Page<K, V> p, K key, boolean after) {
        int low = 0;
        int high = p.getKeyCount();
        while (low < high) {
            int mid = (low + high) >>> 1;
            int c = type.compare(p.getKey(mid), key);
            if (c < 0 || (after && c == 0)) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        return low;
    }
}
