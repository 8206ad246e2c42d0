package io.github.deltalog.merge;

/**
 * Sorts row ids together with the slots that hold them (two parallel primitive arrays), so that a merge's output
 * can be produced in row order without looking each row up again. Long runs are sorted by an LSD radix sort over
 * the bytes in which the ids differ (sequential row ids differ in two or three): O(n) per byte, and every pass
 * reads and writes sequentially, where a quicksort of 10^6 ids was a cache miss per comparison. Short runs use a
 * quicksort with a median-of-three pivot and insertion sort, recursing only into the shorter side (stack depth
 * O(log n)).
 */
final class SlotSort {
    private static final int INSERTION = 24;
    /** Runs at least this long are radix-sorted: below it, the counting arrays cost more than they save. */
    private static final int RADIX = 1024;

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
     * LSD radix sort, one pass per byte that is not the same in every id; the sign bit is flipped in the top byte
     * so that negative ids come first. Stable, so each pass keeps the order of the ones before. The counts of
     * every byte are taken in one read of the run before the first pass (each pass then only moves). Allocates a
     * copy of the run.
     */
    private static void radixSort(long[] ids, int[] slots, int from, int to) {
        int n = to - from;
        long first = ids[from];
        long differing = 0;
        int[] counts = new int[8 * 257];
        for (int i = from; i < to; i++) {
            long id = ids[i];
            differing |= id ^ first;
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
        long[] dstIds = null;
        int[] dstSlots = null;
        int dstFrom = 0;
        int[] start = new int[256];
        for (int shift = 0; shift < 64; shift += 8) {
            if (((differing >>> shift) & 0xFF) == 0) {
                continue; // every id has the same byte here: the pass would move nothing
            }
            if (dstIds == null) {
                dstIds = new long[n];
                dstSlots = new int[n];
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
