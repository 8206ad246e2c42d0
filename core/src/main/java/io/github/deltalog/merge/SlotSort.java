package io.github.deltalog.merge;

/**
 * Sorts row ids together with the slots that hold them (two parallel primitive arrays), so that a merge's output
 * can be produced in row order without looking each row up again. Quicksort with a median-of-three pivot,
 * insertion sort for short runs, and recursion only into the shorter side (stack depth O(log n)).
 */
final class SlotSort {
    private static final int INSERTION = 24;

    private SlotSort() {}

    /** Sorts {@code ids[from, to)} ascending, moving {@code slots} along. */
    static void sort(long[] ids, int[] slots, int from, int to) {
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
                sort(ids, slots, from, j + 1);
                from = i;
            } else {
                sort(ids, slots, i, to);
                to = j + 1;
            }
        }
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
