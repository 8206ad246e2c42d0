package io.github.deltalog.merge;

/**
 * Sorts row ids together with the slots that hold them (two parallel primitive arrays), so that a merge's output
 * can be produced in row order without looking each row up again. Long runs are radix-sorted: ids that differ only
 * in their low two bytes (sequential row ids) by an LSD sort over those bytes, O(n) per byte, every pass reading and
 * writing sequentially (a quicksort of 10^6 ids was a cache miss per comparison); ids spread wider (hashed or random
 * keys, which differ in all eight bytes) by one counting pass into buckets of their top differing bits, then a
 * short sort per bucket: two moves per id instead of eight. Short runs use a quicksort with a median-of-three
 * pivot and insertion sort, recursing only into the shorter side (stack depth O(log n)).
 */
final class SlotSort {
    private static final int INSERTION = 24;
    /** Runs at least this long are radix-sorted: below it, the counting arrays cost more than they save. */
    private static final int RADIX = 1024;
    /** At most 2^16 buckets for the first pass of {@link #bucketSort}: their ends stay within 256 KB. */
    private static final int MAX_BUCKET_BITS = 16;

    private SlotSort() {}

    /** Sorts {@code ids[from, to)} ascending, moving {@code slots} along. */
    static void sort(long[] ids, int[] slots, int from, int to) {
        if (to - from >= RADIX) {
            radixSort(ids, slots, from, to);
        } else {
            quickSort(ids, slots, from, to);
        }
    }

    /**
     * Sorts {@code ids[from, to)} ascending, moving {@code slots} along, keeping equal ids in their order. O(n) when
     * they already are in order (a scan of one transaction comes in row order), else O(n) per byte in which the ids
     * differ; short runs by insertion sort.
     */
    static void sortStable(long[] ids, int[] slots, int from, int to) {
        int i = from + 1;
        while (i < to && ids[i - 1] <= ids[i]) {
            i++;
        }
        if (i >= to) {
            return;
        }
        if (to - from > INSERTION) {
            radixSort(ids, slots, from, to);
        } else {
            insertionSort(ids, slots, from, to);
        }
    }

    /**
     * Radix sort of a long run: by buckets of its top differing bits when the ids differ above their low two bytes
     * (hashed or random keys: an LSD sort would make up to eight passes), else LSD over the differing bytes.
     */
    private static void radixSort(long[] ids, int[] slots, int from, int to) {
        long first = ids[from];
        long differing = 0;
        for (int i = from + 1; i < to; i++) {
            differing |= ids[i] ^ first;
        }
        if (Long.numberOfLeadingZeros(differing) < 64 - 16) {
            bucketSort(ids, slots, from, to, differing);
        } else {
            lsdRadixSort(ids, slots, from, to, differing);
        }
    }

    /**
     * One stable counting pass into n/4 to n/2 buckets (at most 2^16) by the top bits in which the ids differ (the sign
     * bit flipped, so negative ids come first), then each bucket on its own: the usual few ids by insertion sort, a
     * crowded one (ids bunched under one prefix) by {@link #lsdRadixSort}. Two moves per id where LSD makes one per
     * differing byte, and at worst two passes more than LSD. Allocates a copy of the run and 4 bytes per bucket.
     */
    private static void bucketSort(long[] ids, int[] slots, int from, int to, long differing) {
        int n = to - from;
        int high = 64 - Long.numberOfLeadingZeros(differing);
        int bits = Math.min(Math.min(MAX_BUCKET_BITS, high), Math.max(1, 30 - Integer.numberOfLeadingZeros(n)));
        int shift = high - bits;
        int mask = (1 << bits) - 1;
        int[] ends = new int[1 << bits];
        for (int i = from; i < to; i++) {
            ends[(int) ((ids[i] ^ Long.MIN_VALUE) >>> shift) & mask]++;
        }
        int sum = 0;
        for (int b = 0; b <= mask; b++) {
            int count = ends[b];
            ends[b] = sum;
            sum += count;
        }
        long[] sortedIds = new long[n];
        int[] sortedSlots = new int[n];
        for (int i = from; i < to; i++) {
            long id = ids[i];
            int at = ends[(int) ((id ^ Long.MIN_VALUE) >>> shift) & mask]++; // a bucket's start becomes its end
            sortedIds[at] = id;
            sortedSlots[at] = slots[i];
        }
        System.arraycopy(sortedIds, 0, ids, from, n);
        System.arraycopy(sortedSlots, 0, slots, from, n);
        int start = from;
        for (int b = 0; b <= mask; b++) {
            int end = from + ends[b];
            if (end - start > INSERTION) {
                long bucketFirst = ids[start];
                long bucketDiffering = 0;
                for (int i = start + 1; i < end; i++) {
                    bucketDiffering |= ids[i] ^ bucketFirst;
                }
                lsdRadixSort(ids, slots, start, end, bucketDiffering);
            } else if (end - start > 1) {
                insertionSort(ids, slots, start, end);
            }
            start = end;
        }
    }

    /**
     * LSD radix sort, one pass per byte that is not the same in every id ({@code differing} has the bits in which
     * some id differs from another); the sign bit is flipped in the top byte so that negative ids come first.
     * Stable, so each pass keeps the order of the ones before. The counts of every differing byte are taken in one
     * read of the run before the first pass (each pass then only moves). Allocates a copy of the run.
     */
    private static void lsdRadixSort(long[] ids, int[] slots, int from, int to, long differing) {
        if (differing == 0) {
            return;
        }
        int n = to - from;
        int[] counts = new int[8 * 257];
        for (int i = from; i < to; i++) {
            long id = ids[i];
            counts[(int) id & 0xFF]++;
            counts[257 + ((int) (id >>> 8) & 0xFF)]++;
            counts[2 * 257 + ((int) (id >>> 16) & 0xFF)]++;
            counts[3 * 257 + ((int) (id >>> 24) & 0xFF)]++;
            counts[4 * 257 + ((int) (id >>> 32) & 0xFF)]++;
            counts[5 * 257 + ((int) (id >>> 40) & 0xFF)]++;
            counts[6 * 257 + ((int) (id >>> 48) & 0xFF)]++;
            counts[7 * 257 + ((int) (id >>> 56) & 0xFF ^ 0x80)]++;
        }
        long[] srcIds = ids;
        int[] srcSlots = slots;
        int srcFrom = from;
        long[] dstIds = new long[n];
        int[] dstSlots = new int[n];
        int dstFrom = 0;
        int[] start = new int[256];
        for (int shift = 0; shift < 64; shift += 8) {
            if (((differing >>> shift) & 0xFF) == 0) {
                continue; // every id has the same byte here: the pass would move nothing
            }
            int flip = shift == 56 ? 0x80 : 0;
            int base = (shift >>> 3) * 257;
            int sum = 0;
            for (int b = 0; b < 256; b++) {
                start[b] = sum;
                sum += counts[base + b];
            }
            for (int i = srcFrom; i < srcFrom + n; i++) {
                long id = srcIds[i];
                int at = dstFrom + start[(int) (id >>> shift) & 0xFF ^ flip]++;
                dstIds[at] = id;
                dstSlots[at] = srcSlots[i];
            }
            long[] ti = srcIds;
            int[] ts = srcSlots;
            int tf = srcFrom;
            srcIds = dstIds;
            srcSlots = dstSlots;
            srcFrom = dstFrom;
            dstIds = ti;
            dstSlots = ts;
            dstFrom = tf;
        }
        if (srcIds != ids) {
            System.arraycopy(srcIds, srcFrom, ids, from, n);
            System.arraycopy(srcSlots, srcFrom, slots, from, n);
        }
    }

    private static void quickSort(long[] ids, int[] slots, int from, int to) {
        while (to - from > INSERTION) {
            int mid = (from + to) >>> 1;
            medianToMiddle(ids, slots, from, mid, to - 1);
            long pivot = ids[mid];
            int i = from;
            int j = to - 1;
            while (i <= j) {
                while (ids[i] < pivot) {
                    i++;
                }
                while (ids[j] > pivot) {
                    j--;
                }
                if (i <= j) {
                    swap(ids, slots, i++, j--);
                }
            }
            if (j - from < to - i) {
                quickSort(ids, slots, from, j + 1);
                from = i;
            } else {
                quickSort(ids, slots, i, to);
                to = j + 1;
            }
        }
        insertionSort(ids, slots, from, to);
    }

    private static void insertionSort(long[] ids, int[] slots, int from, int to) {
        for (int i = from + 1; i < to; i++) {
            long id = ids[i];
            int slot = slots[i];
            int j = i - 1;
            while (j >= from && ids[j] > id) {
                ids[j + 1] = ids[j];
                slots[j + 1] = slots[j];
                j--;
            }
            ids[j + 1] = id;
            slots[j + 1] = slot;
        }
    }

    private static void medianToMiddle(long[] ids, int[] slots, int a, int b, int c) {
        if (ids[b] < ids[a]) {
            swap(ids, slots, a, b);
        }
        if (ids[c] < ids[b]) {
            swap(ids, slots, b, c);
            if (ids[b] < ids[a]) {
                swap(ids, slots, a, b);
            }
        }
    }

    private static void swap(long[] ids, int[] slots, int a, int b) {
        long id = ids[a];
        ids[a] = ids[b];
        ids[b] = id;
        int slot = slots[a];
        slots[a] = slots[b];
        slots[b] = slot;
    }
}
