package io.github.deltalog.view;

import io.github.deltalog.Tuple;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.WriteBuffer;

/**
 * The effect of one refresh on a view's groups, staged in memory: weighted rows go in ({@link #add}), the touched
 * groups and value counts are read from the store once each, and {@link #prepare} computes and checks the new
 * states before anything is written, so that a bad row leaves the view unchanged. {@link #writeTo} then hands the
 * touched groups and value counts to a {@link MapSink}. Cost O(touched groups + touched values) reads and writes,
 * whatever the view's size.
 *
 * <p>A group's state is stored as {@code [rows, n0, x0, n1, x1, ...]}, one pair per aggregate: {@code n} counts
 * non-null values (distinct values for COUNT(DISTINCT)), {@code x} is the exact sum (SUM, AVG) or the current
 * extreme (MIN, MAX). MIN, MAX and COUNT(DISTINCT) read a count per (column, group, value). In a view of state
 * format 2 the state goes on with, per such column, the group's value counts inline (one byte array, {@link
 * ValueCounts#encode}) while the group has at most {@link #INLINE_LIMIT} distinct values, so that a change costs
 * one read and one write of its group; beyond that the column is spilled ({@code -1}) to the values map, one entry
 * per (column, group, value), until the group empties. A format 1 view keeps every column in the values map and
 * its states without the inline part. For a spilled column a new extreme comes from the values the refresh added,
 * or stays the stored one while it is still counted; only when the refresh removed the current extreme is the
 * values map searched for the next one (one seek, skipping values this refresh removes).
 */
final class GroupChanges {
    /** The most distinct values of one column a group keeps inline in its state. */
    static final int INLINE_LIMIT = 128;

    private static final Long SPILLED = -1L;

    private final String view;
    private final ViewDefinition def;
    private final List<Aggregate> aggregates;
    private final Aggregate.Kind[] kinds;
    private final int[] columns;
    private final int[] groupColumns;
    private final int[] valueColumns;
    /** Per value column (index into {@link #valueColumns}), the aggregates that read its counts. */
    private final int[][] valueAggregates;
    /** Per aggregate, the index into {@link #valueColumns} of its column, -1 if it reads no value counts. */
    private final int[] valueColumnOf;
    /** Whether group states hold their value counts inline (state format 2). */
    private final boolean inline;

    private final MVMap<Key, Key> groups;
    private final MVMap<Key, Long> values;
    private final boolean fromEmpty;
    private final boolean keepChanges;
    private final Map<Key, Group> touched = new HashMap<>();
    private final Map<Key, ValueCount> valueDeltas = new HashMap<>();
    private final List<ViewChange> changes = new ArrayList<>();
    /** Where a group's changed inline counts are written, reused group after group. */
    private final WriteBuffer scratch = new WriteBuffer(1024);
    /** The changed counts of spilled columns, in key order; set by {@link #prepare}. */
    private final List<Map.Entry<Key, ValueCount>> spilled = new ArrayList<>();
    /** The touched groups in key order; set by {@link #prepare}. */
    private List<Group> touchedInOrder = List.of();

    /**
     * @param fromEmpty true when the view is being rebuilt: the stored state is ignored (and cleared by the
     *     caller before {@link #writeTo})
     * @param inline whether group states hold small value counts inline (state format 2)
     */
    GroupChanges(
            String view,
            ViewDefinition def,
            MVMap<Key, Key> groups,
            MVMap<Key, Long> values,
            boolean fromEmpty,
            boolean inline) {
        this.view = view;
        this.def = def;
        this.aggregates = def.aggregates();
        int n = aggregates.size();
        this.kinds = new Aggregate.Kind[n];
        this.columns = new int[n];
        Set<Integer> cols = new LinkedHashSet<>();
        for (int i = 0; i < n; i++) {
            Aggregate a = aggregates.get(i);
            kinds[i] = a.kind();
            columns[i] = a.column();
            if (a.needsValueCounts()) {
                cols.add(a.column());
            }
        }
        this.valueColumns = cols.stream().mapToInt(Integer::intValue).toArray();
        this.valueAggregates = new int[valueColumns.length][];
        for (int c = 0; c < valueColumns.length; c++) {
            List<Integer> on = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                if (aggregates.get(i).needsValueCounts() && columns[i] == valueColumns[c]) {
                    on.add(i);
                }
            }
            valueAggregates[c] = on.stream().mapToInt(Integer::intValue).toArray();
        }
        this.valueColumnOf = new int[n];
        java.util.Arrays.fill(valueColumnOf, -1);
        for (int c = 0; c < valueAggregates.length; c++) {
            for (int i : valueAggregates[c]) {
                valueColumnOf[i] = c;
            }
        }
        this.inline = inline;
        this.groupColumns = def.groupColumns();
        this.groups = groups;
        this.values = values;
        this.fromEmpty = fromEmpty;
        this.keepChanges = def.keepsChanges();
    }

    /** One group's state while the refresh runs. */
    private final class Group {
        final Key key;
        final Key stored;
        long rows;
        final long[] n;
        final Object[] x;
        /** Per MIN/MAX aggregate: the best value the refresh added (or kept counted), null if none. */
        final Object[] added;
        /** Per MIN/MAX aggregate: whether the refresh removed the stored extreme's last count. */
        final boolean[] extremeGone;
        /** Per value column: the stored inline counts, null where they are in the values map. */
        final ValueCounts[] counts;
        /** Per inline value column: the refresh's changed counts, null if none. */
        final List<List<ValueCount>> pending;
        /** Per inline value column: the counts after the refresh, set by {@link #prepare}. */
        final ValueCounts[] countsAfter;
        /** Per inline value column: whether this refresh moves its counts to the values map. */
        final boolean[] spill;
        /** The state to write, set by {@link #prepare}. */
        Key state;

        Group(Key key, Key stored) {
            int aggregates = kinds.length;
            this.key = key;
            this.stored = stored;
            this.n = new long[aggregates];
            this.x = new Object[aggregates];
            this.added = new Object[aggregates];
            this.extremeGone = new boolean[aggregates];
            int columns = valueColumns.length;
            this.counts = new ValueCounts[columns];
            this.pending = new ArrayList<>(java.util.Collections.nCopies(columns, null));
            this.countsAfter = new ValueCounts[columns];
            this.spill = new boolean[columns];
            if (stored == null) {
                if (inline) {
                    java.util.Arrays.fill(counts, ValueCounts.EMPTY);
                }
                return;
            }
            Object[] parts = stored.parts;
            rows = (Long) parts[0];
            for (int i = 0; i < aggregates; i++) {
                n[i] = (Long) parts[1 + 2 * i];
                x[i] = parts[2 + 2 * i];
            }
            for (int c = 0, p = 1 + 2 * aggregates; c < columns && p < parts.length; c++, p++) {
                if (parts[p] instanceof byte[] inlineCounts) {
                    counts[c] = ValueCounts.decode(inlineCounts, view);
                }
            }
        }

        /** Notes a changed count of an inline column. */
        void pend(ValueCount vc) {
            List<ValueCount> l = pending.get(vc.column);
            if (l == null) {
                l = new ArrayList<>();
                pending.set(vc.column, l);
            }
            l.add(vc);
        }

        /** Computes the inline columns' counts after the refresh, and which of them spill. */
        void settleCounts() {
            for (int c = 0; c < counts.length; c++) {
                if (counts[c] == null) {
                    continue;
                }
                List<ValueCount> l = pending.get(c);
                ValueCounts after = counts[c];
                if (l != null) {
                    // By stored position (found in count), values not stored before a stored one at the same
                    // place, and those among themselves by value: the order of the values.
                    l.sort(GroupChanges::byPosition);
                    Object[] v = new Object[l.size()];
                    long[] k = new long[l.size()];
                    int[] found = new int[l.size()];
                    for (int j = 0; j < v.length; j++) {
                        ValueCount vc = l.get(j);
                        v[j] = vc.value;
                        k[j] = vc.after;
                        found[j] = vc.found;
                    }
                    after = after.with(found, v, k, v.length, scratch);
                }
                countsAfter[c] = after;
                spill[c] = after.size() > INLINE_LIMIT;
            }
        }

        Key state() {
            Object[] s = new Object[1 + 2 * n.length + (inline ? counts.length : 0)];
            s[0] = rows;
            for (int i = 0; i < n.length; i++) {
                s[1 + 2 * i] = n[i];
                s[2 + 2 * i] = x[i];
            }
            if (inline) {
                int p = 1 + 2 * n.length;
                for (int c = 0; c < counts.length; c++, p++) {
                    if (counts[c] == null || spill[c]) {
                        s[p] = SPILLED;
                    } else if (pending.get(c) == null && stored != null) {
                        s[p] = stored.parts[p]; // unchanged: the stored bytes as they are
                    } else {
                        s[p] = countsAfter[c].encode();
                    }
                }
            }
            return Key.of(s);
        }
    }

    /** The change of one (column, group, value) count. */
    private static final class ValueCount {
        final Group group;
        /** Index into {@link #valueColumns}. */
        final int column;

        final Object value;
        long delta;
        /** The new count, set by {@link #prepare}; -1 before. */
        long after = -1;
        /** For an inline column, where {@link ValueCounts#find} found the value in the stored counts. */
        int found;

        ValueCount(Group group, int column, Object value) {
            this.group = group;
            this.column = column;
            this.value = value;
        }
    }

    /**
     * Adds a row (the joined row, before filter and projection) with a weight: +1 for a row that appears, -1 for
     * one that goes, other weights for join products.
     *
     * @param row the row
     * @param weight its multiplicity change, not 0
     * @param source names the row for messages ("row 7 of table 'orders'")
     * @throws ViewException if a column is missing or a value cannot be summed; nothing is changed
     */
    void add(Tuple row, long weight, Object source) {
        Tuple r = row;
        try {
            if (!def.filter().test(row)) {
                return;
            }
            if (def.projection() != null) {
                r = def.projection().apply(row);
            }
        } catch (RuntimeException e) {
            throw new ViewException(
                    "view '" + view + "': the filter or projection failed on " + source + " " + row + ": " + e, e);
        }
        if (r == null) {
            throw new ViewException("view '" + view + "': the projection returned null for " + source);
        }
        int[] cols = groupColumns;
        Object[] k = new Object[cols.length];
        for (int i = 0; i < cols.length; i++) {
            k[i] = column(r, cols[i], source);
        }
        Key key = Key.of(k);
        Group g = touched.get(key);
        if (g == null) {
            g = new Group(key, fromEmpty ? null : groups.get(key));
            touched.put(key, g);
        }
        g.rows += weight;
        for (int i = 0; i < kinds.length; i++) {
            Aggregate.Kind kind = kinds[i];
            if (kind == Aggregate.Kind.COUNT_ROWS) {
                continue;
            }
            Object v = column(r, columns[i], source);
            if (v == null) {
                continue;
            }
            switch (kind) {
                case COUNT, MIN, MAX -> g.n[i] += weight;
                case SUM, AVG -> {
                    g.n[i] += weight;
                    BigDecimal d = Numbers.toDecimal(v);
                    if (d == null) {
                        throw new ViewException("view '" + view + "': cannot " + kind + " column " + columns[i]
                                + " of " + source + ": " + v.getClass().getSimpleName() + " value " + v
                                + " is not a finite number");
                    }
                    BigDecimal sum = g.x[i] == null ? BigDecimal.ZERO : (BigDecimal) g.x[i];
                    g.x[i] = sum.add(weight == 1 ? d : d.multiply(BigDecimal.valueOf(weight)));
                }
                default -> {}
            }
        }
        for (int c = 0; c < valueColumns.length; c++) {
            Object v = r.get(valueColumns[c]);
            if (v != null) {
                Object[] vk = new Object[k.length + 2];
                vk[0] = valueColumns[c];
                System.arraycopy(k, 0, vk, 1, k.length);
                vk[vk.length - 1] = v;
                Key valueKey = Key.of(vk);
                ValueCount count = valueDeltas.get(valueKey);
                if (count == null) {
                    count = new ValueCount(g, c, v);
                    valueDeltas.put(valueKey, count);
                }
                count.delta += weight;
            }
        }
    }

    private Object column(Tuple r, int c, Object source) {
        if (c >= r.size()) {
            throw new ViewException("view '" + view + "' uses column " + c + " but " + source + " has " + r.size()
                    + " columns" + (def.projection() == null ? "" : " after the projection") + ": " + r);
        }
        return r.get(c);
    }

    /**
     * Computes the new value counts, distinct counts, extremes and group states, and checks that no count went
     * negative. Reads the store; writes nothing.
     *
     * @throws ViewException if a change removes a row the view never counted (incomplete base rows)
     */
    void prepare() {
        for (Map.Entry<Key, ValueCount> e : valueDeltas.entrySet()) {
            ValueCount vc = e.getValue();
            if (vc.delta == 0) {
                continue;
            }
            ValueCounts inlineCounts = vc.group.counts[vc.column];
            if (inlineCounts != null) {
                vc.group.pend(vc);
                vc.found = inlineCounts.find(vc.value);
                count(vc, inlineCounts.countAt(vc.found));
            } else {
                spilled.add(e);
            }
        }
        // In key order: neighbouring counts share leaf pages, read (here) and written (by writeTo) once each while
        // they are cached, instead of in hash order across a map far larger than the page cache.
        spilled.sort(this::bySpilledKey);
        for (Map.Entry<Key, ValueCount> e : spilled) {
            Long stored = fromEmpty ? null : values.get(e.getKey());
            count(e.getValue(), stored == null ? 0 : stored);
        }
        List<Group> groupsInOrder = new ArrayList<>(touched.values());
        groupsInOrder.sort((a, b) -> a.key.compareTo(b.key));
        for (Group g : groupsInOrder) {
            settle(g);
        }
        touchedInOrder = groupsInOrder;
    }

    /**
     * The order of the values map's keys ({@code [column, group key..., value]}) for changed counts, compared on
     * their parts: the column's index, the group (the same object for the same group, so most comparisons skip
     * its key), then the value.
     */
    private int bySpilledKey(Map.Entry<Key, ValueCount> a, Map.Entry<Key, ValueCount> b) {
        ValueCount x = a.getValue();
        ValueCount y = b.getValue();
        if (x.column != y.column) {
            return Integer.compare(valueColumns[x.column], valueColumns[y.column]);
        }
        if (x.group != y.group) {
            int c = x.group.key.compareTo(y.group.key);
            if (c != 0) {
                return c;
            }
        }
        return ValueOrder.compare(x.value, y.value);
    }

    /** The order of a group's changed inline counts: by stored position, then new values by value. */
    private static int byPosition(ValueCount a, ValueCount b) {
        int pa = a.found >= 0 ? a.found : -a.found - 1;
        int pb = b.found >= 0 ? b.found : -b.found - 1;
        if (pa != pb) {
            return Integer.compare(pa, pb);
        }
        if ((a.found >= 0) != (b.found >= 0)) {
            return a.found >= 0 ? 1 : -1; // a value not stored goes before the stored one at its insertion point
        }
        return ValueOrder.compare(a.value, b.value);
    }

    /** Notes a value's new count and what it does to its group's distinct counts and extremes. */
    private void count(ValueCount vc, long before) {
        Group g = vc.group;
        long after = before + vc.delta;
        if (after < 0) {
            throw inconsistent(
                    "value " + vc.value + " of column " + valueColumns[vc.column] + " in group " + vc.group.key);
        }
        vc.after = after;
        for (int i : valueAggregates[vc.column]) {
            switch (kinds[i]) {
                case COUNT_DISTINCT -> {
                    if ((before == 0) != (after == 0)) {
                        g.n[i] += after == 0 ? -1 : 1;
                    }
                }
                case MIN, MAX -> {
                    if (after > 0) {
                        if (g.added[i] == null || better(kinds[i], vc.value, g.added[i])) {
                            g.added[i] = vc.value;
                        }
                    } else if (g.x[i] != null && ValueOrder.compare(g.x[i], vc.value) == 0) {
                        g.extremeGone[i] = true;
                    }
                }
                default -> {}
            }
        }
    }

    /** Checks a group's counts and computes its new extremes and state. */
    private void settle(Group g) {
        boolean bad = g.rows < 0;
        for (long n : g.n) {
            bad |= n < 0 || (g.rows == 0 && n != 0);
        }
        if (bad) {
            throw inconsistent("group " + g.key);
        }
        if (g.rows == 0) {
            return;
        }
        g.settleCounts();
        for (int i = 0; i < kinds.length; i++) {
            if (kinds[i] == Aggregate.Kind.MIN || kinds[i] == Aggregate.Kind.MAX) {
                ValueCounts inlineCounts = g.countsAfter[valueColumnOf[i]];
                if (g.n[i] == 0) {
                    g.x[i] = null;
                } else if (inlineCounts != null) {
                    g.x[i] = inlineCounts.value(kinds[i] == Aggregate.Kind.MIN ? 0 : inlineCounts.size() - 1);
                } else {
                    g.x[i] = extreme(g, i);
                }
            }
        }
        g.state = g.state();
    }

    /** The new extreme of a MIN or MAX aggregate of a group that still has values. */
    private Object extreme(Group g, int i) {
        Object kept;
        if (fromEmpty || g.stored == null || g.x[i] == null) {
            kept = null; // nothing stored for this group and column
        } else if (!g.extremeGone[i]) {
            kept = g.x[i];
        } else {
            kept = storedExtreme(g, i);
        }
        if (kept == null) {
            return g.added[i];
        }
        return g.added[i] == null || better(kinds[i], kept, g.added[i]) ? kept : g.added[i];
    }

    private static boolean better(Aggregate.Kind kind, Object a, Object b) {
        int c = ValueOrder.compare(a, b);
        return kind == Aggregate.Kind.MIN ? c < 0 : c > 0;
    }

    /** Seeks the stored extreme of a group's column, skipping the values this refresh takes to a count of 0. */
    private Object storedExtreme(Group g, int i) {
        Object[] group = g.key.parts;
        Object[] prefix = new Object[group.length + 1];
        prefix[0] = columns[i];
        System.arraycopy(group, 0, prefix, 1, group.length);
        boolean min = kinds[i] == Aggregate.Kind.MIN;
        Key k = min ? values.higherKey(Key.of(prefix)) : values.lowerKey(Key.above(prefix));
        while (k != null && k.startsWith(prefix)) {
            ValueCount vc = valueDeltas.get(k);
            if (vc == null || vc.after != 0) {
                return k.parts[k.parts.length - 1];
            }
            k = min ? values.higherKey(k) : values.lowerKey(k);
        }
        return null;
    }

    private ViewException inconsistent(String what) {
        return new ViewException("view '" + view + "': the changes remove more rows of " + what
                + " than the view holds; its base rows were incomplete (rows that existed before the table was"
                + " tracked?) -- rebuild it with the full base rows");
    }

    /**
     * Hands the new value counts and the changed groups to a sink (empty groups are removed) and, if the view
     * keeps its changes, notes them. Call after {@link #prepare}.
     *
     * @param position the position the refresh brings the view to, for the change stream
     */
    void writeTo(MapSink sink, long position) {
        for (Map.Entry<Key, ValueCount> e : spilled) {
            long after = e.getValue().after;
            if (after == 0) {
                sink.remove(values, e.getKey());
            } else if (after > 0) {
                sink.put(values, e.getKey(), after);
            }
        }
        List<Group> changed = new ArrayList<>(touched.size());
        for (Group g : touchedInOrder) {
            if (g.rows != 0) {
                spill(sink, g);
            }
            if (g.rows == 0) {
                if (g.stored != null) {
                    sink.remove(groups, g.key);
                    changed.add(g);
                }
            } else if (g.stored == null || !g.state.equals(g.stored)) {
                sink.put(groups, g.key, g.state);
                changed.add(g);
            }
        }
        if (keepChanges) {
            for (Group g : changed) {
                Tuple before = g.stored == null ? null : output(g.stored);
                Tuple after = g.rows == 0 ? null : output(g.state);
                if (after == null || !after.equals(before)) {
                    changes.add(new ViewChange(position, g.key.tuple(0, g.key.parts.length), before, after));
                }
            }
        }
    }

    /** Moves the counts of the group's columns that outgrew {@link #INLINE_LIMIT} to the values map. */
    private void spill(MapSink sink, Group g) {
        Object[] group = g.key.parts;
        for (int c = 0; c < valueColumns.length; c++) {
            if (!g.spill[c]) {
                continue;
            }
            ValueCounts counts = g.countsAfter[c];
            for (int j = 0; j < counts.size(); j++) {
                Object[] vk = new Object[group.length + 2];
                vk[0] = valueColumns[c];
                System.arraycopy(group, 0, vk, 1, group.length);
                vk[vk.length - 1] = counts.value(j);
                sink.put(values, Key.of(vk), counts.count(j));
            }
        }
    }

    /** Returns how many groups the refresh touched. */
    int touchedGroups() {
        return touched.size();
    }

    /** Returns the changed groups' rows before and after, known after {@link #write}. */
    List<ViewChange> changes() {
        return changes;
    }

    /** Turns a stored group state into the view's output values, in aggregate order. */
    static Tuple output(List<Aggregate> aggregates, Key state) {
        Object[] out = new Object[aggregates.size()];
        long rows = (Long) state.parts[0];
        for (int i = 0; i < out.length; i++) {
            long n = (Long) state.parts[1 + 2 * i];
            Object x = state.parts[2 + 2 * i];
            out[i] = switch (aggregates.get(i).kind()) {
                case COUNT_ROWS -> rows;
                case COUNT, COUNT_DISTINCT -> n;
                case SUM -> n == 0 ? null : canonical((BigDecimal) x);
                case AVG -> n == 0
                        ? null
                        : canonical(((BigDecimal) x).divide(BigDecimal.valueOf(n), MathContext.DECIMAL64));
                case MIN, MAX -> x;
            };
        }
        return Tuple.of(out);
    }

    private Tuple output(Key state) {
        return output(aggregates, state);
    }

    /** Strips trailing zeros (keeping a scale of at least 0), so that equal sums print and compare equal. */
    static BigDecimal canonical(BigDecimal d) {
        BigDecimal s = d.stripTrailingZeros();
        return s.scale() < 0 ? s.setScale(0) : s;
    }
}
