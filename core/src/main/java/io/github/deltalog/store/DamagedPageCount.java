package io.github.deltalog.store;

import io.github.deltalog.DamagedPageException;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.Page;

/**
 * Decides whether the number of deltas a damaged page hides, as {@link PageSkip} counts it by index, can be
 * trusted. The count comes from the counts that inner pages keep for their children; damage that reaches those
 * counts, or keys that decode from garbage, makes it wrong. So it is reported only when the tree agrees with
 * itself: every inner page's total equals what its readable children hold (at least one key for each unreadable
 * child), and the keys on both sides of the damage are found again at the indexes the count used. Otherwise the
 * count is {@link DamagedPageException#UNKNOWN}: never a wrong number.
 *
 * <p>O(inner pages) page reads (about one page in fifty of the map), paid only when a damaged page is met.
 */
final class DamagedPageCount {
    private DamagedPageCount() {}

    /**
     * Returns the skip's count if the map's tree and the keys around the damage agree with it, else {@link
     * DamagedPageException#UNKNOWN}.
     *
     * @param map the deltas map the walk reads
     * @param lastGood the last key the walk read, or null if the damage came first
     * @param from the range's first key
     * @param to the range's last key
     * @param skip where the walk resumes and how many keys it skipped by index
     * @param cause what reading the damaged page threw
     */
    static long checked(
            MVMap<DeltaKey, byte[]> map,
            DeltaKey lastGood,
            DeltaKey from,
            DeltaKey to,
            PageSkip.Resume skip,
            Throwable cause) {
        try {
            if (cause instanceof IllegalStateException
                    && String.valueOf(cause.getMessage()).contains("run backwards")) {
                return DamagedPageException.UNKNOWN; // keys decoded from garbage in a page that was read
            }
            DeltaKey lo = lastGood != null ? lastGood : from;
            DeltaKey hi = skip.next() != null ? skip.next() : to;
            if (!consistent(map.getRootPage(), lo, hi, map.getKeyType())) {
                return DamagedPageException.UNKNOWN;
            }
            long start;
            if (lastGood != null) {
                start = map.getKeyIndex(lastGood) + 1;
                if (start <= 0 || !lastGood.equals(map.getKey(start - 1))) {
                    return DamagedPageException.UNKNOWN;
                }
            } else {
                long i = map.getKeyIndex(from);
                start = i >= 0 ? i : -(i + 1);
            }
            long end;
            if (skip.next() != null) {
                end = map.getKeyIndex(skip.next());
                if (end < 0 || !skip.next().equals(map.getKey(end))) {
                    return DamagedPageException.UNKNOWN;
                }
            } else {
                long i = map.getKeyIndex(to);
                end = i >= 0 ? i + 1 : -(i + 1);
                if (end < map.sizeAsLong()) {
                    DeltaKey after = map.getKey(end);
                    if (after == null || map.getKeyType().compare(after, to) <= 0) {
                        return DamagedPageException.UNKNOWN;
                    }
                }
            }
            return end - start == skip.skipped() ? skip.skipped() : DamagedPageException.UNKNOWN;
        } catch (RuntimeException | OutOfMemoryError | StackOverflowError | AssertionError e) {
            return DamagedPageException.UNKNOWN; // a check itself met the damage: nothing is sure
        }
    }

    /**
     * Whether the counts agree on the pages that lead to the keys from {@code lo} to {@code hi}: each inner page
     * on the way has a total equal to the sum of its readable children's totals, leaving at least one key for each
     * unreadable child. O(height × fan-out + pages in the range) page reads.
     */
    private static boolean consistent(
            Page<DeltaKey, byte[]> page, DeltaKey lo, DeltaKey hi, org.h2.mvstore.type.DataType<DeltaKey> keys) {
        if (page.isLeaf()) {
            return true;
        }
        long readable = 0;
        int unreadable = 0;
        int children = page.getRawChildPageCount();
        for (int i = 0; i < children; i++) {
            Page<DeltaKey, byte[]> child;
            try {
                child = page.getChildPage(i);
            } catch (RuntimeException | OutOfMemoryError | StackOverflowError | AssertionError e) {
                if (page.getChildPagePos(i) == 0) {
                    return false; // a zeroed position: the parent itself is damaged, its counts too
                }
                unreadable++;
                continue;
            }
            // Child i holds the keys from separator i - 1 (inclusive) to separator i (exclusive).
            boolean inRange = (i == 0 || keys.compare(page.getKey(i - 1), hi) <= 0)
                    && (i == children - 1 || keys.compare(page.getKey(i), lo) > 0);
            if (inRange && !consistent(child, lo, hi, keys)) {
                return false;
            }
            readable += child.getTotalCount();
        }
        long total = page.getTotalCount();
        return unreadable == 0 ? total == readable : total - readable >= unreadable;
    }
}
