package io.github.deltalog.view;

/**
 * A small multiset of one group's values of one column (for MIN, MAX and COUNT(DISTINCT)), kept inline in the
 * group's stored state instead of one entry per value in the view's values map: values sorted by {@link
 * ValueOrder}, each with its count (always positive). In a state it is stored as its size followed by {@code value,
 * count} pairs ({@link #read}, {@link #write}), with the view's usual value encoding. Immutable; {@link #with}
 * returns a changed copy in O(size + changes × log size).
 */
final class ValueCounts {
    static final ValueCounts EMPTY = new ValueCounts(new Object[0], new long[0]);

    private final Object[] values;
    private final long[] counts;

    /** Takes the arrays as they are: sorted, distinct, counts positive (not copied). */
    private ValueCounts(Object[] values, long[] counts) {
        this.values = values;
        this.counts = counts;
    }

    /**
     * Reads a multiset of {@code size} values from a stored state.
     *
     * @param parts the state's parts
     * @param at where the first value is; {@code size} pairs follow
     * @throws ViewException if the pairs are not sorted with positive counts (a damaged state)
     */
    static ValueCounts read(Object[] parts, int at, int size, String view) {
        Object[] v = new Object[size];
        long[] c = new long[size];
        for (int i = 0; i < size; i++) {
            v[i] = parts[at + 2 * i];
            c[i] = parts[at + 2 * i + 1] instanceof Long n ? n : 0;
            if (c[i] <= 0 || (i > 0 && ValueOrder.compare(v[i - 1], v[i]) >= 0)) {
                throw new ViewException("view '" + view + "': a stored group state is damaged (value counts not"
                        + " sorted with positive counts); rebuild the view");
            }
        }
        return new ValueCounts(v, c);
    }

    /** Writes the {@code value, count} pairs (not the size) into a state's parts from {@code at}; returns the end. */
    int write(Object[] parts, int at) {
        for (int i = 0; i < values.length; i++) {
            parts[at++] = values[i];
            parts[at++] = counts[i];
        }
        return at;
    }

    /** Returns how many distinct values there are. */
    int size() {
        return values.length;
    }

    /** Returns the i-th smallest value. */
    Object value(int i) {
        return values[i];
    }

    /** Returns the count of the i-th smallest value. */
    long count(int i) {
        return counts[i];
    }

    /** Returns the count of a value, 0 if it is not there. O(log size). */
    long count(Object value) {
        int i = indexOf(value);
        return i < 0 ? 0 : counts[i];
    }

    private int indexOf(Object value) {
        int lo = 0;
        int hi = values.length - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int c = ValueOrder.compare(values[mid], value);
            if (c < 0) {
                lo = mid + 1;
            } else if (c > 0) {
                hi = mid - 1;
            } else {
                return mid;
            }
        }
        return -(lo + 1);
    }

    /**
     * Returns a copy with some values' counts set.
     *
     * @param changed values sorted by {@link ValueOrder}, distinct
     * @param after their new counts (0 removes the value), in the same order
     * @param n how many of the arrays' entries to use
     */
    ValueCounts with(Object[] changed, long[] after, int n) {
        int[] at = new int[n];
        int added = 0;
        for (int j = 0; j < n; j++) {
            at[j] = indexOf(changed[j]);
            boolean there = at[j] >= 0;
            added += there ? (after[j] == 0 ? -1 : 0) : (after[j] == 0 ? 0 : 1);
        }
        Object[] v = new Object[values.length + added];
        long[] c = new long[v.length];
        int i = 0;
        int o = 0;
        for (int j = 0; j < n; j++) {
            int upTo = at[j] >= 0 ? at[j] : -at[j] - 1;
            int run = upTo - i;
            System.arraycopy(values, i, v, o, run);
            System.arraycopy(counts, i, c, o, run);
            o += run;
            i = upTo;
            if (after[j] != 0) {
                v[o] = changed[j];
                c[o++] = after[j];
            }
            if (at[j] >= 0) {
                i++;
            }
        }
        int run = values.length - i;
        System.arraycopy(values, i, v, o, run);
        System.arraycopy(counts, i, c, o, run);
        return new ValueCounts(v, c);
    }
}
