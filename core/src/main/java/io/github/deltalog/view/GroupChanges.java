package io.github.deltalog.view;

import io.github.deltalog.Tuple;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.h2.mvstore.Cursor;
import org.h2.mvstore.DataUtils;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.WriteBuffer;

/**
 * The effect of one refresh on a view's groups, staged in memory: weighted rows go in ({@link #add}), and {@link
 * #prepare} reads the touched groups (in key order) and their value counts once each, then computes and checks
 * the new states before anything is written, so that a bad row leaves the view unchanged. {@link #writeTo} then
 * hands the touched groups and value counts to a {@link MapSink}. Cost O(touched groups + touched values) reads
 * and writes, whatever the view's size.
 *
 * <p>A group's state is stored as the {@link KeyType} encoding of {@code [rows, n0, x0, n1, x1, ...]} (kept as
 * those bytes, {@link KeyBytesType}), one pair per aggregate: {@code n} counts non-null values (distinct values
 * for COUNT(DISTINCT)), {@code x} is the exact sum (SUM, AVG) or the current extreme (MIN, MAX). MIN, MAX and
 * COUNT(DISTINCT) read a count per (column, group, value). In a view of state format 2 the state goes on with,
 * per such column, the group's value counts inline (one byte array, {@link ValueCounts#encode}) while the group
 * has at most {@link #INLINE_LIMIT} distinct values, so that a change costs one read and one write of its group;
 * beyond that the column is spilled ({@code -1}) to the values map, one entry per (column, group, value), until
 * the group empties. A format 1 view keeps every column in the values map and its states without the inline
 * part. For a spilled column a new extreme comes from the values the refresh added, or stays the stored one while
 * it is still counted; only when the refresh removed the current extreme is the values map searched for the next
 * one (one seek, skipping values this refresh removes).
 *
 * <p>A row's values are only noted by {@link #add} (per group and column, with their weights); {@link #prepare}
 * sorts each group's noted values once, merges equal ones, and looks them up in the group's inline counts by
 * binary search, so that no per-value key or hash lookup is made.
 */
final class GroupChanges {
    /** The most distinct values of one column a group keeps inline in its state. */
    static final int INLINE_LIMIT = 128;

    private static final long SPILLED = -1L;

    /**
     * The first size of the reused state and counts buffers: room for {@link #INLINE_LIMIT} numbers and their
     * counts, since an H2 {@link WriteBuffer} that outgrows its capacity grows by at least a megabyte: once a
     * refresh, but a refresh of 10^2 changes allocates about half a megabyte in all.
     */
    private static final int BUFFER_SIZE = 4096;

    private final String view;
    private final ViewDefinition def;
    private final List<Aggregate> aggregates;
    private final Aggregate.Kind[] kinds;
    private final int[] columns;
    private final int[] groupColumns;
    private final int[] valueColumns;
    /** The indexes into {@link #valueColumns} by column number: the values map's key order. */
    private final int[] valueColumnsInKeyOrder;
    /** Per value column (index into {@link #valueColumns}), the aggregates that read its counts. */
    private final int[][] valueAggregates;
    /** Per aggregate, the index into {@link #valueColumns} of its column, -1 if it reads no value counts. */
    private final int[] valueColumnOf;
    /** Whether group states hold their value counts inline (state format 2). */
    private final boolean inline;

    private final MVMap<Key, byte[]> groups;
    private final MVMap<Key, Long> values;
    private final boolean fromEmpty;
    private final boolean keepChanges;
    private final Map<Key, Group> touched = new HashMap<>();
    private final List<ViewChange> changes = new ArrayList<>();
    /** Per value column, where a group's changed inline counts are written, reused group after group. */
    private final WriteBuffer[] scratch;
    /**
     * Where the stored extremes of the group being read start in its state, reused group after group: an extreme
     * whose column's counts are inline is never built (the new one comes from the counts).
     */
    private final int[] extremeStarts;
    /** Where a group's new state is written, reused group after group. */
    private final WriteBuffer stateBuffer = new WriteBuffer(BUFFER_SIZE);
    /** The changed counts of spilled columns, in the values map's key order; set by {@link #prepare}. */
    private final List<ValueCount> spilled = new ArrayList<>();
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
            MVMap<Key, byte[]> groups,
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
        this.valueColumnsInKeyOrder = java.util.stream.IntStream.range(0, valueColumns.length)
                .boxed()
                .sorted(java.util.Comparator.comparingInt(c -> valueColumns[c]))
                .mapToInt(Integer::intValue)
                .toArray();
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
        Arrays.fill(valueColumnOf, -1);
        for (int c = 0; c < valueAggregates.length; c++) {
            for (int i : valueAggregates[c]) {
                valueColumnOf[i] = c;
            }
        }
        this.extremeStarts = new int[n];
        this.scratch = new WriteBuffer[valueColumns.length];
        for (int c = 0; c < scratch.length; c++) {
            scratch[c] = new WriteBuffer(BUFFER_SIZE);
        }
        this.inline = inline;
        this.groupColumns = def.groupColumns();
        this.groups = groups;
        this.values = values;
        this.fromEmpty = fromEmpty;
        this.keepChanges = def.keepsChanges();
    }

    /**
     * One group's state while the refresh runs: the rows' effect as {@link #add} notes it (counts and sums as
     * differences), then, from {@link #load} on, the state after the refresh.
     */
    private final class Group {
        final Key key;
        /** The stored state's bytes, null for a new group; set by {@link #load}. */
        byte[] stored;

        boolean loaded;
        /** Whether {@link #settle} has computed the group's new state. */
        boolean settled;

        long rows;
        final long[] n;
        /** SUM, AVG: the sum (of the added rows until {@link #load}); MIN, MAX: the stored extreme, then the new. */
        final Object[] x;
        /** Per MIN/MAX aggregate: the best value the refresh added (or kept counted), null if none. */
        final Object[] added;
        /** Per MIN/MAX aggregate: whether the refresh removed the stored extreme's last count. */
        final boolean[] extremeGone;
        /** Per value column: the stored inline counts, null where they are in the values map. */
        final ValueCounts[] counts;
        /**
         * Per value column: the rows' values with their weights as added; after {@link #mergeValues}, one entry
         * per changed value, sorted by {@link ValueOrder}. Null if none.
         */
        final List<ValueCount>[] changed;
        /** Per inline value column: the counts after the refresh, set by {@link #prepare}. */
        final ValueCounts[] countsAfter;
        /** Per inline value column: whether this refresh moves its counts to the values map. */
        final boolean[] spill;
        /** The state to write, set by {@link #prepare}. */
        byte[] state;
        /**
         * Whether the new state differs from the stored one (or there was none), found by {@link #settle} while
         * the stored bytes are still in the processor's cache.
         */
        boolean changedState;

        @SuppressWarnings("unchecked")
        Group(Key key) {
            int aggregates = kinds.length;
            this.key = key;
            this.n = new long[aggregates];
            this.x = new Object[aggregates];
            this.added = new Object[aggregates];
            this.extremeGone = new boolean[aggregates];
            int columns = valueColumns.length;
            this.counts = new ValueCounts[columns];
            this.changed = (List<ValueCount>[]) new List<?>[columns];
            this.countsAfter = new ValueCounts[columns];
            this.spill = new boolean[columns];
        }

        /** Adds the stored state (null for none) to what the rows noted. */
        void load(byte[] state) {
            loaded = true;
            stored = state;
            if (state == null) {
                if (inline) {
                    Arrays.fill(counts, ValueCounts.EMPTY);
                }
                return;
            }
            ByteBuffer b = ByteBuffer.wrap(state);
            int parts = DataUtils.readVarInt(b);
            rows += (Long) KeyType.readValue(b);
            int[] extremeAt = extremeStarts;
            for (int i = 0; i < kinds.length; i++) {
                n[i] += (Long) KeyType.readValue(b);
                if (valueColumnOf[i] >= 0) {
                    // MIN, MAX, COUNT(DISTINCT): built below only if its column's counts are not inline
                    extremeAt[i] = b.position();
                    KeyType.skipValue(b);
                    continue;
                }
                Object s = KeyType.readValue(b);
                if (kinds[i] == Aggregate.Kind.SUM || kinds[i] == Aggregate.Kind.AVG) {
                    x[i] = s == null ? x[i] : x[i] == null ? s : ((BigDecimal) s).add((BigDecimal) x[i]);
                } else {
                    x[i] = s;
                }
            }
            for (int c = 0, p = 1 + 2 * kinds.length; c < counts.length && p < parts; c++, p++) {
                int at = b.position();
                if (state[at] == KeyType.BYTES) {
                    int from = KeyType.varEnd(state, at + 1);
                    int to = from + (int) KeyType.varLong(state, at + 1);
                    counts[c] = ValueCounts.decode(state, from, to, view);
                    ((java.nio.Buffer) b).position(to); // Buffer's: Android 26 lacks the covariant one
                } else {
                    KeyType.readValue(b); // spilled
                }
            }
            for (int i = 0; i < kinds.length; i++) {
                if (valueColumnOf[i] >= 0 && counts[valueColumnOf[i]] == null) {
                    x[i] = KeyType.readValue(ByteBuffer.wrap(state, extremeAt[i], state.length - extremeAt[i]));
                }
            }
        }

        /** Notes a row's value of a value column with the row's weight. */
        void note(int column, Object value, long weight) {
            List<ValueCount> l = changed[column];
            if (l == null) {
                l = new ArrayList<>(4);
                changed[column] = l;
            }
            l.add(new ValueCount(this, column, value, weight));
        }

        /** Sorts a column's noted values and merges equal ones; drops values whose weights cancel out. */
        void mergeValues(int column) {
            List<ValueCount> l = changed[column];
            if (l == null) {
                return;
            }
            if (l.size() > 1) {
                sortByValue(l);
            }
            int kept = 0;
            ValueCount last = null;
            for (ValueCount vc : l) {
                if (last != null && ValueOrder.compare(last.value, vc.value) == 0) {
                    last.delta += vc.delta;
                    continue;
                }
                if (last != null && last.delta != 0) {
                    l.set(kept++, last);
                }
                last = vc;
            }
            if (last != null && last.delta != 0) {
                l.set(kept++, last);
            }
            l.subList(kept, l.size()).clear();
            if (kept == 0) {
                changed[column] = null;
            }
        }

        /** Computes the inline columns' counts after the refresh, and which of them spill. */
        void settleCounts() {
            for (int c = 0; c < counts.length; c++) {
                if (counts[c] == null) {
                    continue;
                }
                List<ValueCount> l = changed[c];
                ValueCounts after = counts[c];
                if (l != null) {
                    Object[] v = new Object[l.size()];
                    long[] k = new long[l.size()];
                    int[] found = new int[l.size()];
                    for (int j = 0; j < v.length; j++) {
                        ValueCount vc = l.get(j);
                        v[j] = vc.value;
                        k[j] = vc.after;
                        found[j] = vc.found;
                    }
                    after = after.with(found, v, k, v.length, scratch[c]);
                }
                spill[c] = after.size() > INLINE_LIMIT;
                // The state copies the counts from the buffer before the next group reuses it; spilled ones are
                // written to the values map later.
                countsAfter[c] = spill[c] && l != null ? after.detached() : after;
            }
        }

        /** Writes the state's bytes: the {@link KeyType} encoding of its values. */
        byte[] state() {
            WriteBuffer w = stateBuffer;
            w.clear();
            w.putVarInt(1 + 2 * n.length + (inline ? counts.length : 0));
            KeyType.writeLong(w, rows);
            for (int i = 0; i < n.length; i++) {
                KeyType.writeLong(w, n[i]);
                KeyType.writeValue(w, x[i]);
            }
            if (inline) {
                for (int c = 0; c < counts.length; c++) {
                    if (counts[c] == null || spill[c]) {
                        KeyType.writeLong(w, SPILLED);
                    } else {
                        countsAfter[c].writeAsValue(w);
                    }
                }
            }
            ByteBuffer b = w.getBuffer();
            return Arrays.copyOf(b.array(), b.position());
        }

        /** Returns where a changed value is in {@link #changed}, or a negative number if the refresh left it. */
        int changedIndex(int column, Object value) {
            List<ValueCount> l = changed[column];
            if (l == null) {
                return -1;
            }
            int lo = 0;
            int hi = l.size() - 1;
            while (lo <= hi) {
                int mid = (lo + hi) >>> 1;
                int c = ValueOrder.compare(l.get(mid).value, value);
                if (c < 0) {
                    lo = mid + 1;
                } else if (c > 0) {
                    hi = mid - 1;
                } else {
                    return mid;
                }
            }
            return -1;
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
        /** For a spilled column, the key in the values map; set by {@link #prepare}. */
        Key key;

        ValueCount(Group group, int column, Object value, long delta) {
            this.group = group;
            this.column = column;
            this.value = value;
            this.delta = delta;
        }
    }

    /** Sorts by value: by insertion while short (a group's few changed values), else by the library sort. */
    private static void sortByValue(List<ValueCount> l) {
        int n = l.size();
        if (n > 16) {
            l.sort((a, b) -> ValueOrder.compare(a.value, b.value));
            return;
        }
        for (int i = 1; i < n; i++) {
            ValueCount v = l.get(i);
            int j = i - 1;
            while (j >= 0 && ValueOrder.compare(l.get(j).value, v.value) > 0) {
                l.set(j + 1, l.get(j));
                j--;
            }
            l.set(j + 1, v);
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
            g = new Group(key);
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
                g.note(c, v, weight);
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
     * Reads the touched groups' states (in key order) and the counts of their changed values, computes the new
     * value counts, distinct counts, extremes and group states, and checks that no count went negative. Reads the
     * store; writes nothing.
     *
     * @throws ViewException if a change removes a row the view never counted (incomplete base rows)
     */
    void prepare() {
        // In key order: neighbouring groups (and counts) share leaf pages, read here and written by writeTo once
        // each while they are cached, instead of in hash order across a map far larger than the page cache.
        List<Group> groupsInOrder = load();
        for (int c : valueColumnsInKeyOrder) {
            for (Group g : groupsInOrder) {
                if (g.counts[c] == null && g.changed[c] != null) {
                    spilled.addAll(g.changed[c]);
                }
            }
        }
        for (ValueCount vc : spilled) {
            Object[] group = vc.group.key.parts;
            Object[] vk = new Object[group.length + 2];
            vk[0] = valueColumns[vc.column];
            System.arraycopy(group, 0, vk, 1, group.length);
            vk[vk.length - 1] = vc.value;
            vc.key = Key.of(vk);
            Long stored = fromEmpty ? null : values.get(vc.key);
            count(vc, stored == null ? 0 : stored);
        }
        for (Group g : groupsInOrder) {
            if (!g.settled) {
                settle(g);
            }
        }
        touchedInOrder = groupsInOrder;
    }

    /**
     * Reads a group's stored state (null for none), counts its changed inline values and, unless it waits for
     * counts from the values map, settles it: all while its state and its changes are still in the processor's
     * cache, which a second pass over thousands of groups would miss.
     */
    private void load(Group g, byte[] state) {
        g.load(state);
        boolean waits = false;
        for (int c = 0; c < valueColumns.length; c++) {
            g.mergeValues(c);
            ValueCounts inlineCounts = g.counts[c];
            if (g.changed[c] == null) {
                continue;
            }
            if (inlineCounts == null) {
                waits = true;
                continue;
            }
            for (ValueCount vc : g.changed[c]) {
                vc.found = inlineCounts.find(vc.value);
                count(vc, inlineCounts.countAt(vc.found));
            }
        }
        if (!waits) {
            settle(g);
        }
    }

    /**
     * Reads the touched groups' stored states ({@link #load(Group, byte[])}) and returns the groups in key order.
     * When they are few next to the map, sorts them and looks each up (a descent of about log2(size)
     * comparisons); else walks the whole map once, finds each stored key among the touched groups by hash, and
     * sorts only the new groups into that order.
     */
    private List<Group> load() {
        long size = fromEmpty ? 0 : groups.sizeAsLong();
        long lookups = (long) touched.size() * (64 - Long.numberOfLeadingZeros(size));
        if (fromEmpty || lookups < 2 * size) {
            List<Group> inOrder = new ArrayList<>(touched.values());
            inOrder.sort(GroupChanges::byKey);
            for (Group g : inOrder) {
                load(g, fromEmpty ? null : groups.get(g.key));
            }
            return inOrder;
        }
        List<Group> stored = new ArrayList<>(touched.size());
        Cursor<Key, byte[]> c = groups.cursor(null);
        while (c.hasNext()) {
            Group g = touched.get(c.next());
            if (g != null) {
                load(g, c.getValue());
                stored.add(g);
            }
        }
        List<Group> fresh = new ArrayList<>();
        for (Group g : touched.values()) {
            if (!g.loaded) {
                load(g, null);
                fresh.add(g);
            }
        }
        fresh.sort(GroupChanges::byKey);
        List<Group> inOrder = new ArrayList<>(touched.size());
        int i = 0;
        for (Group g : stored) {
            while (i < fresh.size() && byKey(fresh.get(i), g) < 0) {
                inOrder.add(fresh.get(i++));
            }
            inOrder.add(g);
        }
        inOrder.addAll(fresh.subList(i, fresh.size()));
        return inOrder;
    }

    private static int byKey(Group a, Group b) {
        return a.key.compareTo(b.key);
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
        g.settled = true;
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
        g.changedState = g.stored == null || !Arrays.equals(g.state, g.stored);
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
        int column = valueColumnOf[i];
        while (k != null && k.startsWith(prefix)) {
            Object value = k.parts[k.parts.length - 1];
            int at = g.changedIndex(column, value);
            if (at < 0 || g.changed[column].get(at).after != 0) {
                return value;
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
        for (ValueCount vc : spilled) {
            if (vc.after == 0) {
                sink.remove(values, vc.key);
            } else if (vc.after > 0) {
                sink.put(values, vc.key, vc.after);
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
            } else if (g.changedState) {
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
    static Tuple output(List<Aggregate> aggregates, byte[] state) {
        return output(aggregates, KeyBytesType.decode(state));
    }

    private static Tuple output(List<Aggregate> aggregates, Key state) {
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

    private Tuple output(byte[] state) {
        return output(aggregates, state);
    }

    /** Strips trailing zeros (keeping a scale of at least 0), so that equal sums print and compare equal. */
    static BigDecimal canonical(BigDecimal d) {
        BigDecimal s = d.stripTrailingZeros();
        return s.scale() < 0 ? s.setScale(0) : s;
    }
}
