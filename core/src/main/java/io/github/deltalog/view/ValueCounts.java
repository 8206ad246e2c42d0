package io.github.deltalog.view;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.h2.mvstore.DataUtils;
import org.h2.mvstore.WriteBuffer;

/**
 * A small multiset of one group's values of one column (for MIN, MAX and COUNT(DISTINCT)), kept inline in the
 * group's stored state instead of one entry per value in the view's values map: values sorted by {@link
 * ValueOrder}, each with its count (always positive). In a state it is one byte array ({@link #encode}): a
 * copy for the journal and the store file, one object for the page cache.
 *
 * <p>It works on that array as it is: {@link #decode} only finds where each entry starts (skipping the values'
 * bytes, reading the counts), a value is built when a search or a caller reads it, and {@link #with} copies the
 * unchanged entries' bytes. A refresh that changes a few values of a group thus builds O(changes × log size)
 * values, not the group's whole multiset; only the copy is O(size), and it is a byte copy. Immutable (the lazily
 * built values are a cache); not thread-safe, as it lives within one refresh.
 */
final class ValueCounts {
    static final ValueCounts EMPTY = new ValueCounts(new byte[] {0}, new int[] {1}, new int[0], new long[0]);

    /** The stored form: varint size, then per value its {@link KeyType} encoding and a varlong count. */
    private final byte[] bytes;
    /** Where entry i starts; {@code starts[size]} is the end. */
    private final int[] starts;
    /** Where entry i's count starts (the end of its value). */
    private final int[] countAt;

    private final long[] counts;
    /** The values built so far, null where not yet. */
    private final Object[] values;

    private ValueCounts(byte[] bytes, int[] starts, int[] countAt, long[] counts) {
        this.bytes = bytes;
        this.starts = starts;
        this.countAt = countAt;
        this.counts = counts;
        this.values = new Object[counts.length];
    }

    /**
     * Reads a multiset stored by {@link #encode}: where each entry starts and its count, O(size) without
     * building any value. The bytes are kept, not copied.
     *
     * @param bytes the stored form
     * @param view the view's name, for the message
     * @throws ViewException if the bytes do not parse as values with positive counts (a damaged state)
     */
    static ValueCounts decode(byte[] bytes, String view) {
        try {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            int n = DataUtils.readVarInt(b);
            if (n < 0 || n > b.remaining()) {
                throw damaged(view, null);
            }
            int[] starts = new int[n + 1];
            int[] countAt = new int[n];
            long[] c = new long[n];
            for (int i = 0; i < n; i++) {
                starts[i] = b.position();
                KeyType.skipValue(b);
                countAt[i] = b.position();
                c[i] = DataUtils.readVarLong(b);
                if (c[i] <= 0) {
                    throw damaged(view, null);
                }
            }
            if (b.hasRemaining()) {
                throw damaged(view, null);
            }
            starts[n] = bytes.length;
            return new ValueCounts(bytes, starts, countAt, c);
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

    /**
     * Returns the stored form (the array itself: do not change it): varint size, then per value its {@link
     * KeyType} encoding and a varlong count.
     */
    byte[] encode() {
        return bytes;
    }

    /** Returns how many distinct values there are. */
    int size() {
        return counts.length;
    }

    /** Returns the i-th smallest value, building it on the first call. */
    Object value(int i) {
        Object v = values[i];
        if (v == null) {
            v = KeyType.readValue(ByteBuffer.wrap(bytes, starts[i], countAt[i] - starts[i]));
            values[i] = v;
        }
        return v;
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
        int hi = counts.length - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int c = ValueOrder.compare(value(mid), value);
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
     * Returns a copy with some values' counts set: the unchanged entries' bytes are copied as they are.
     * O(size) bytes copied, O(n × log size) values compared.
     *
     * @param changed values sorted by {@link ValueOrder}, distinct
     * @param after their new counts (0 removes the value), in the same order
     * @param n how many of the arrays' entries to use
     */
    ValueCounts with(Object[] changed, long[] after, int n) {
        int[] at = new int[n];
        int size = counts.length;
        for (int j = 0; j < n; j++) {
            at[j] = indexOf(changed[j]);
            boolean there = at[j] >= 0;
            size += there ? (after[j] == 0 ? -1 : 0) : (after[j] == 0 ? 0 : 1);
        }
        WriteBuffer w = new WriteBuffer(bytes.length + 32 * n + 8);
        w.putVarInt(size);
        int i = 0;
        for (int j = 0; j < n; j++) {
            int upTo = at[j] >= 0 ? at[j] : -at[j] - 1;
            w.put(bytes, starts[i], starts[upTo] - starts[i]);
            i = upTo;
            if (after[j] != 0) {
                if (at[j] >= 0) {
                    w.put(bytes, starts[i], countAt[i] - starts[i]);
                } else {
                    KeyType.writeValue(w, changed[j]);
                }
                w.putVarLong(after[j]);
            }
            if (at[j] >= 0) {
                i++;
            }
        }
        w.put(bytes, starts[i], starts[counts.length] - starts[i]);
        ByteBuffer b = w.getBuffer();
        return decode(Arrays.copyOf(b.array(), b.position()), "");
    }
}
