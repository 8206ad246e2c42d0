package io.github.deltalog;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * An immutable set of deltas read at one watermark, ordered by commit timestamp, then table, then row id.
 */
public final class ChangeSet implements Iterable<Delta> {
    /** The order of a change set: commit timestamp, then table name, then row id. */
    public static final Comparator<Delta> COMMIT_ORDER = Comparator.comparingLong(Delta::commitTimestamp)
            .thenComparing(Delta::table)
            .thenComparingLong(Delta::rowId);

    private final List<Delta> deltas;
    private final long watermark;

    /**
     * Creates a change set.
     *
     * @param deltas the deltas, in the order of the set
     * @param watermark the watermark they were read at
     */
    public ChangeSet(List<Delta> deltas, long watermark) {
        this.deltas = Collections.unmodifiableList(new ArrayList<>(deltas));
        this.watermark = watermark;
    }

    /**
     * Returns the deltas, unmodifiable, in order.
     *
     * @return the deltas, unmodifiable, in order
     */
    public List<Delta> deltas() {
        return deltas;
    }

    /**
     * Returns the watermark the set was read at: pass it as {@code after} to read on without a gap or a
     * repeat.
     *
     * @return the watermark the set was read at: pass it as {@code after} to read on without a gap or a repeat
     */
    public long watermark() {
        return watermark;
    }

    /**
     * Returns how many deltas the set holds.
     *
     * @return how many deltas the set holds
     */
    public int size() {
        return deltas.size();
    }

    /**
     * Tells whether the set is empty.
     *
     * @return true if the set is empty
     */
    public boolean isEmpty() {
        return deltas.isEmpty();
    }

    /**
     * Returns the tables that occur in the set, in order of first occurrence.
     *
     * @return the tables that occur in the set, in order of first occurrence
     */
    public Set<String> tables() {
        Set<String> tables = new LinkedHashSet<>();
        for (Delta d : deltas) {
            tables.add(d.table());
        }
        return Collections.unmodifiableSet(tables);
    }

    /**
     * Returns the set that undoes this one: the deltas in reverse order, each inverted. O(n).
     *
     * @return the inverse change set, at the same watermark
     */
    public ChangeSet invert() {
        List<Delta> inverted = new ArrayList<>(deltas.size());
        for (int i = deltas.size() - 1; i >= 0; i--) {
            inverted.add(deltas.get(i).invert());
        }
        return new ChangeSet(inverted, watermark);
    }

    @Override
    public Iterator<Delta> iterator() {
        return deltas.iterator();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ChangeSet c && c.watermark == watermark && c.deltas.equals(deltas);
    }

    @Override
    public int hashCode() {
        return deltas.hashCode() * 31 + Long.hashCode(watermark);
    }

    @Override
    public String toString() {
        return "ChangeSet(" + deltas.size() + " deltas at " + watermark + ")";
    }
}
