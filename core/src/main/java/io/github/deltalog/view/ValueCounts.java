package io.github.deltalog.view;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.h2.mvstore.WriteBuffer;

/**
 * A small multiset of one group's values of one column (for MIN, MAX and COUNT(DISTINCT)), kept inline in the
 * group's stored state instead of one entry per value in the view's values map: values sorted by {@link
 * ValueOrder}, each with its count (always positive). In a state it is one byte array ({@link #encode}): a
 * copy for the journal and the store file, one object for the page cache.
 *
 * <p>It works on that array as it is: {@link #decode} only notes where each entry starts (skipping the values'
 * bytes, checking the counts), a search compares Longs and decimals of one scale on their bytes and builds other
 * values only where it looks, counts are read where they are asked for, and {@link #with} copies the unchanged
 * entries' bytes and offsets. A refresh that changes a few values of a group thus builds no value of its
 * multiset of Longs or decimals; only the copy is O(size), and it is a byte copy. Immutable (the lazily
 * built values are a cache); not thread-safe, as it lives within one refresh.
 */
final class ValueCounts {
    static final ValueCounts EMPTY = new ValueCounts(new byte[] {0}, 0, new int[] {1}, null);

    /** The stored form: varint size, then per value its {@link KeyType} encoding and a varlong count. */
    private final byte[] bytes;
    /** Where the stored form starts in {@link #bytes} (its size); it ends at {@code starts[size]}. */
    private final int from;
    /** Where entry i starts; {@code starts[size]} is the end. A count is read where its value ends. */
    private final int[] starts;
    /** The values built so far, null where not yet; the array itself is made on the first one. */
    private Object[] values;

    private ValueCounts(byte[] bytes, int from, int[] starts, Object[] values) {
        this.bytes = bytes;
        this.from = from;
        this.starts = starts;
        this.values = values;
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
        return decode(bytes, 0, bytes.length, view);
    }

    /**
     * Reads a multiset stored by {@link #encode} in {@code bytes[from, to)} (a group state's inline part), as
     * {@link #decode(byte[], String)} does; the array is kept, not copied.
     *
     * @throws ViewException if the bytes do not parse as values with positive counts (a damaged state)
     */
    static ValueCounts decode(byte[] bytes, int from, int to, String view) {
        try {
            long size = KeyType.varLong(bytes, from);
            int at = KeyType.varEnd(bytes, from);
            if (size < 0 || size > to - at) {
                throw damaged(view, null);
            }
            int n = (int) size;
            int[] starts = new int[n + 1];
            for (int i = 0; i < n; i++) {
                starts[i] = at;
                at = KeyType.valueEnd(bytes, at);
                if (KeyType.varLong(bytes, at) <= 0) {
                    throw damaged(view, null);
                }
                at = KeyType.varEnd(bytes, at);
            }
            if (at != to) {
                throw damaged(view, null);
            }
            starts[n] = at;
            return new ValueCounts(bytes, from, starts, null);
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
        int to = starts[starts.length - 1];
        return from == 0 && to == bytes.length ? bytes : Arrays.copyOfRange(bytes, from, to);
    }

    /** Writes the stored form as one {@code byte[]} value of a key ({@link KeyType#writeValue}), without a copy. */
    void writeAsValue(WriteBuffer w) {
        KeyType.writeBytes(w, bytes, from, starts[starts.length - 1] - from);
    }

    /** Returns how many distinct values there are. */
    int size() {
        return starts.length - 1;
    }

    /** Returns the i-th smallest value, building it on the first call. */
    Object value(int i) {
        if (values == null) {
            values = new Object[size()];
        }
        Object v = values[i];
        if (v == null) {
            v = read(starts[i]);
            values[i] = v;
        }
        return v;
    }

    /** Builds the value at {@code bytes[at]}: a decimal whose unscaled value fits a long straight from its bytes. */
    private Object read(int at) {
        if (bytes[at] == KeyType.DECIMAL) {
            int lengthAt = KeyType.varEnd(bytes, at + 1);
            int length = (int) KeyType.varLong(bytes, lengthAt);
            if (length > 0 && length <= 8) {
                int scale = (int) KeyType.varLong(bytes, at + 1);
                return BigDecimal.valueOf(
                        KeyType.twosComplement(bytes, KeyType.varEnd(bytes, lengthAt), length), scale);
            }
        }
        return KeyType.readValue(ByteBuffer.wrap(bytes, at, KeyType.valueEnd(bytes, at) - at));
    }

    /** Returns the count of the i-th smallest value. */
    long count(int i) {
        return KeyType.varLong(bytes, KeyType.valueEnd(bytes, starts[i]));
    }

    /** Returns the count of a value, 0 if it is not there. O(log size). */
    long count(Object value) {
        return countAt(find(value));
    }

    /** Returns the count at what {@link #find} returned: 0 for a value that is not there. */
    long countAt(int found) {
        return found < 0 ? 0 : count(found);
    }

    /**
     * Finds a value: its index, or {@code -(insertion point + 1)} if it is not there. O(log size); stored Longs
     * and decimals of the value's scale are compared on their bytes.
     */
    int find(Object value) {
        return indexOf(value);
    }

    private int indexOf(Object value) {
        // The probe's unscaled value, so that stored decimals of its scale compare without being built: as a long
        // when it fits one (an amount, a price), else as its bytes.
        long small = 0;
        byte[] unscaled = null;
        if (value instanceof BigDecimal d) {
            if (d.precision() <= 18) {
                small = KeyType.unscaledLong(d);
            } else {
                unscaled = d.unscaledValue().toByteArray();
            }
        }
        int lo = 0;
        int hi = size() - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int c = compareAt(mid, value, small, unscaled);
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
     * Compares entry i's value with a probe as {@link ValueOrder} does: on the stored bytes when both are Longs,
     * or BigDecimals of one scale (their order is then their unscaled values' order); else on the built value.
     */
    private int compareAt(int i, Object probe, long small, byte[] unscaled) {
        if (values == null || values[i] == null) {
            int at = starts[i];
            byte tag = bytes[at];
            if (tag == KeyType.LONG && probe instanceof Long p) {
                return Long.compare(KeyType.varLong(bytes, at + 1), p);
            }
            if (tag == KeyType.DECIMAL
                    && probe instanceof BigDecimal p
                    && (int) KeyType.varLong(bytes, at + 1) == p.scale()) {
                int lengthAt = KeyType.varEnd(bytes, at + 1);
                int start = KeyType.varEnd(bytes, lengthAt);
                int length = (int) KeyType.varLong(bytes, lengthAt);
                if (unscaled != null) {
                    return compareTwosComplement(bytes, start, length, unscaled);
                }
                if (length > 0 && length <= 8) {
                    return Long.compare(KeyType.twosComplement(bytes, start, length), small);
                }
                // a stored unscaled value longer than a long is further from 0 than the probe's
                return length > 8 ? (bytes[start] < 0 ? -1 : 1) : ValueOrder.compare(value(i), probe);
            }
        }
        return ValueOrder.compare(value(i), probe);
    }

    /**
     * Compares two integers given as minimal big-endian two's complement ({@link java.math.BigInteger#toByteArray}):
     * the sign, then the length (more bytes are further from 0), then the bytes, the first one signed.
     */
    private static int compareTwosComplement(byte[] a, int from, int length, byte[] b) {
        boolean negative = a[from] < 0;
        if (negative != (b[0] < 0)) {
            return negative ? -1 : 1;
        }
        if (length != b.length) {
            return (length < b.length) != negative ? -1 : 1;
        }
        int c = Byte.compare(a[from], b[0]);
        for (int j = 1; c == 0 && j < length; j++) {
            c = Integer.compare(a[from + j] & 0xff, b[j] & 0xff);
        }
        return c;
    }

    /**
     * Returns a copy with some values' counts set: the unchanged entries' bytes are copied as they are, nothing
     * is parsed again. O(size) bytes copied. The copy is written in {@code w} and reads its array: it is valid
     * until {@code w} is written again ({@link #detached} makes one that stays).
     *
     * @param found what {@link #find} returned for each changed value
     * @param changed values sorted by {@link ValueOrder}, distinct
     * @param after their new counts (0 removes the value), in the same order
     * @param n how many of the arrays' entries to use
     * @param w a buffer to write the copy in (cleared first), reused across calls to spare its allocation
     */
    ValueCounts with(int[] found, Object[] changed, long[] after, int n, WriteBuffer w) {
        int size = size();
        for (int j = 0; j < n; j++) {
            boolean there = found[j] >= 0;
            size += there ? (after[j] == 0 ? -1 : 0) : (after[j] == 0 ? 0 : 1);
        }
        // The new entries' offsets and built values follow from the copy: nothing is parsed again.
        int[] newStarts = new int[size + 1];
        Object[] newValues = values == null ? null : new Object[size];
        w.clear();
        w.putVarInt(size);
        int i = 0;
        int k = 0;
        for (int j = 0; j < n; j++) {
            int upTo = found[j] >= 0 ? found[j] : -found[j] - 1;
            k = copy(w, i, upTo, k, newStarts, newValues);
            i = upTo;
            if (after[j] != 0) {
                newStarts[k] = w.position();
                if (found[j] >= 0) {
                    w.put(bytes, starts[i], KeyType.valueEnd(bytes, starts[i]) - starts[i]);
                } else {
                    KeyType.writeValue(w, changed[j]);
                }
                if (newValues != null) {
                    newValues[k] = changed[j];
                }
                w.putVarLong(after[j]);
                k++;
            }
            if (found[j] >= 0) {
                i++;
            }
        }
        copy(w, i, size(), k, newStarts, newValues);
        newStarts[size] = w.position();
        return new ValueCounts(w.getBuffer().array(), 0, newStarts, newValues);
    }

    /** Returns a copy in an array of its own (of one that {@link #with} wrote in a reused buffer). O(size). */
    ValueCounts detached() {
        int[] s = new int[starts.length];
        for (int i = 0; i < s.length; i++) {
            s[i] = starts[i] - from;
        }
        return new ValueCounts(Arrays.copyOfRange(bytes, from, starts[starts.length - 1]), 0, s, values);
    }

    /** Copies entries {@code [from, to)} as they are to new entry k on; returns the next new entry. */
    private int copy(WriteBuffer w, int from, int to, int k, int[] newStarts, Object[] newValues) {
        int shift = w.position() - starts[from];
        w.put(bytes, starts[from], starts[to] - starts[from]);
        for (int i = from; i < to; i++, k++) {
            newStarts[k] = starts[i] + shift;
            if (newValues != null) {
                newValues[k] = values[i];
            }
        }
        return k;
    }
}
