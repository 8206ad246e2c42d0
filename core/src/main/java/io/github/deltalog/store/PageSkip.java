package io.github.deltalog.store;

import org.h2.mvstore.MVMap;

/**
 * Finds where a walk over the deltas map can go on after a damaged page: the first key after the damage that
 * can be read. MVMap's counted B-tree finds a key by its index through the inner pages' counts, so only leaves
 * that are probed are read: O(log n) probes of O(log n) each, exponential and then binary.
 */
final class PageSkip {
    private PageSkip() {}

    /**
     * Where a walk resumes.
     *
     * @param next the first readable key after the damage, or null if none is left in the range
     * @param skipped how many keys the damage hides (by index)
     */
    record Resume(DeltaKey next, long skipped) {}

    /**
     * Finds the first readable key after a damaged page.
     *
     * @param map the deltas map
     * @param lastGood the last key the walk read, or null if the damage came first
     * @param from the range's first key (where the walk started)
     * @param to the range's last key
     */
    static Resume after(MVMap<DeltaKey, byte[]> map, DeltaKey lastGood, DeltaKey from, DeltaKey to) {
        long size = map.sizeAsLong();
        long start = firstIndex(map, lastGood, from);
        if (start < 0) {
            return new Resume(null, 1); // even the rank of the last good key is unreadable: the rest is lost
        }
        long bad = start; // the damage covers this index
        long step = 1;
        long good = -1;
        while (bad + step < size) {
            long probe = bad + step;
            if (readable(map, probe)) {
                good = probe;
                break;
            }
            bad = probe;
            step *= 2;
        }
        if (good < 0) {
            return new Resume(null, Math.max(1, countUpTo(map, to, size) - start));
        }
        while (good - bad > 1) {
            long mid = bad + (good - bad) / 2;
            if (readable(map, mid)) {
                good = mid;
            } else {
                bad = mid;
            }
        }
        DeltaKey next;
        try {
            next = map.getKey(good);
        } catch (RuntimeException | OutOfMemoryError | StackOverflowError | AssertionError e) {
            next = null;
        }
        DeltaKey floor = lastGood != null ? lastGood : from;
        int order = next == null ? 1 : map.getKeyType().compare(next, floor);
        if (next == null || map.getKeyType().compare(next, to) > 0 || order < 0 || (order == 0 && lastGood != null)) {
            // Past the range, or not after the damage (damaged counts in an inner page point back): the walk
            // ends here rather than go round.
            return new Resume(null, Math.max(1, countUpTo(map, to, size) - start));
        }
        return new Resume(next, Math.max(1, good - start));
    }

    private static long firstIndex(MVMap<DeltaKey, byte[]> map, DeltaKey lastGood, DeltaKey from) {
        try {
            if (lastGood != null) {
                return map.getKeyIndex(lastGood) + 1;
            }
            long i = map.getKeyIndex(from);
            return i >= 0 ? i : -(i + 1);
        } catch (RuntimeException | OutOfMemoryError | StackOverflowError | AssertionError e) {
            return -1;
        }
    }

    /** How many keys are at most {@code to}: the end of the range by index. */
    private static long countUpTo(MVMap<DeltaKey, byte[]> map, DeltaKey to, long size) {
        try {
            long i = map.getKeyIndex(to);
            return i >= 0 ? i + 1 : -(i + 1);
        } catch (RuntimeException | OutOfMemoryError | StackOverflowError | AssertionError e) {
            return size;
        }
    }

    private static boolean readable(MVMap<DeltaKey, byte[]> map, long index) {
        try {
            return map.getKey(index) != null;
        } catch (RuntimeException | OutOfMemoryError | StackOverflowError | AssertionError e) {
            return false;
        }
    }
}
