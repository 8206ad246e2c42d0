package io.github.deltalog.view;

import java.util.Arrays;
import org.h2.mvstore.WriteBuffer;

/**
 * A key of a join arrangement (state format 3): the join key's value as the bytes {@link KeyType} writes for it,
 * then the row's id. Equal join values have equal bytes ({@link #encode}: NaN made canonical, as {@code equals}
 * sees it), so that the rows of one join value are one range, ordered by rowId; the order between values is the
 * bytes' (unsigned), which a join does not need to be any other. Compared and hashed on bytes: no values are
 * built to find a row, and a cached page holds two objects per key.
 */
final class ArrangementKey implements Comparable<ArrangementKey> {
    final byte[] joinKey;
    final long rowId;
    private int hash;

    ArrangementKey(byte[] joinKey, long rowId) {
        this.joinKey = joinKey;
        this.rowId = rowId;
    }

    /** The encoded join value, the same bytes for values that are {@code equals}. O(value size). */
    static byte[] encode(Object joinValue) {
        Object v = joinValue;
        if (v instanceof Double d && d.isNaN()) {
            v = Double.NaN;
        } else if (v instanceof Float f && f.isNaN()) {
            v = Float.NaN;
        }
        WriteBuffer b = new WriteBuffer(32);
        KeyType.writeValue(b, v);
        return Arrays.copyOf(b.getBuffer().array(), b.position());
    }

    /** The first key of a join value's range. */
    static ArrangementKey first(byte[] joinKey) {
        return new ArrangementKey(joinKey, Long.MIN_VALUE);
    }

    /** The last key of a join value's range. */
    static ArrangementKey last(byte[] joinKey) {
        return new ArrangementKey(joinKey, Long.MAX_VALUE);
    }

    /** Tells whether this key has the same join value as another. */
    boolean sameJoinKey(ArrangementKey o) {
        return Arrays.equals(joinKey, o.joinKey);
    }

    @Override
    public int compareTo(ArrangementKey o) {
        int c = compareJoinKeys(joinKey, o.joinKey);
        return c != 0 ? c : Long.compare(rowId, o.rowId);
    }

    /** Orders encoded join values: unsigned lexicographic, a proper prefix first. */
    static int compareJoinKeys(byte[] a, byte[] b) {
        int n = Math.min(a.length, b.length);
        for (int i = 0; i < n; i++) {
            if (a[i] != b[i]) {
                return Integer.compare(a[i] & 0xff, b[i] & 0xff);
            }
        }
        return Integer.compare(a.length, b.length);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ArrangementKey k && rowId == k.rowId && Arrays.equals(joinKey, k.joinKey);
    }

    @Override
    public int hashCode() {
        int h = hash;
        if (h == 0) {
            h = Arrays.hashCode(joinKey) * 31 + Long.hashCode(rowId);
            hash = h;
        }
        return h;
    }

    @Override
    public String toString() {
        return KeyType.readValue(java.nio.ByteBuffer.wrap(joinKey)) + "/" + rowId;
    }
}
