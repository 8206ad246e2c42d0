package io.github.deltalog.view;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.h2.mvstore.DataUtils;
import org.h2.mvstore.WriteBuffer;

/**
 * A small multiset of one group's values of one column (for MIN, MAX and COUNT(DISTINCT)), kept inline in the
 * group's stored state instead of one entry per value in the view's values map: values sorted by {@link
 * ValueOrder}, each with its count (always positive). In a state it is one byte array ({@link #encode}): a
 * copy for the journal and the store file, one object for the page cache. Immutable; {@link #with}
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
     * Decodes a multiset stored by {@link #encode}.
     *
     * @param bytes the stored form
     * @param view the view's name, for the message
     * @throws ViewException if the bytes do not hold values sorted with positive counts (a damaged state)
     */
    static ValueCounts decode(byte[] bytes, String view) {
        try {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            int n = DataUtils.readVarInt(b);
            if (n < 0 || n > b.remaining()) {
                throw damaged(view, null);
            }
            Object[] v = new Object[n];
            long[] c = new long[n];
            for (int i = 0; i < n; i++) {
                v[i] = KeyType.readValue(b);
                c[i] = DataUtils.readVarLong(b);
                if (c[i] <= 0 || (i > 0 && ValueOrder.compare(v[i - 1], v[i]) >= 0)) {
                    throw damaged(view, null);
                }
            }
            if (b.hasRemaining()) {
                throw damaged(view, null);
            }
            return new ValueCounts(v, c);
        } catch (RuntimeException e) {
            throw e instanceof ViewException x ? x : damaged(view, e);
        }
    }

    private static ViewException damaged(String view, Throwable cause) {
        return new ViewException(
                "view '" + view + "': a stored group state is damaged (its value counts do not decode); rebuild"
                        + " the view",
                cause);
    }

    /** Returns the stored form: varint size, then per value its {@link KeyType} encoding and a varlong count. */
    byte[] encode() {
        WriteBuffer w = new WriteBuffer(16 + 12 * values.length);
        w.putVarInt(values.length);
        for (int i = 0; i < values.length; i++) {
            KeyType.writeValue(w, values[i]);
            w.putVarLong(counts[i]);
        }
        ByteBuffer b = w.getBuffer();
        return Arrays.copyOf(b.array(), b.position());
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
