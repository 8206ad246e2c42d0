package io.github.deltalog.view;

import io.github.deltalog.Tuple;
import java.util.Arrays;

/**
 * A sequence of tuple values used as a key or a value of a view's maps, ordered by {@link ValueOrder} element by
 * element (a proper prefix first). A {@linkplain #above(Object...) bound above} a prefix sorts after every key
 * that extends it: it is only a search bound, never stored.
 */
final class Key implements Comparable<Key> {
    final Object[] parts;
    private final boolean above;
    private int hash;

    private Key(Object[] parts, boolean above) {
        this.parts = parts;
        this.above = above;
    }

    /** A key of these values (not copied). */
    static Key of(Object... parts) {
        return new Key(parts, false);
    }

    /** A search bound after every key that starts with these values. */
    static Key above(Object... prefix) {
        return new Key(prefix, true);
    }

    /** Returns the values from {@code from} on as a tuple. */
    Tuple tuple(int from, int to) {
        return Tuple.of(Arrays.copyOfRange(parts, from, to));
    }

    /** Tells whether this key starts with the values of a prefix. */
    boolean startsWith(Object[] prefix) {
        if (parts.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (ValueOrder.compare(parts[i], prefix[i]) != 0) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int compareTo(Key o) {
        int n = Math.min(parts.length, o.parts.length);
        for (int i = 0; i < n; i++) {
            int c = ValueOrder.compare(parts[i], o.parts[i]);
            if (c != 0) {
                return c;
            }
        }
        if (parts.length == o.parts.length) {
            return Boolean.compare(above, o.above);
        }
        // One is a prefix of the other: the shorter comes first, unless it is a bound above its extensions.
        return parts.length < o.parts.length ? (above ? 1 : -1) : (o.above ? -1 : 1);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Key k) || above != k.above || parts.length != k.parts.length) {
            return false;
        }
        // Part by part rather than Arrays.deepEquals, which tests every element for nine array types: the
        // lookups of thousands of touched groups by key pay for it. byte[] is the only array a tuple value is.
        for (int i = 0; i < parts.length; i++) {
            Object a = parts[i];
            Object b = k.parts[i];
            boolean same = a == b
                    || (a instanceof byte[] x
                            ? b instanceof byte[] y && Arrays.equals(x, y)
                            : a != null && a.equals(b));
            if (!same) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        int h = hash;
        if (h == 0) {
            h = Arrays.deepHashCode(parts) * 31 + (above ? 1 : 0);
            hash = h;
        }
        return h;
    }

    @Override
    public String toString() {
        return Arrays.deepToString(parts);
    }
}
