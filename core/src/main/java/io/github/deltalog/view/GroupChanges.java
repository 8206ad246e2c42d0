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
import java.util.TreeMap;
import org.h2.mvstore.MVMap;

/**
 * The effect of one refresh on a view's groups, staged in memory: weighted rows go in ({@link #add}), the touched
 * groups are read from the store once each, and {@link #prepare} checks the result before anything is written, so
 * that a bad row leaves the view unchanged. {@link #write} then puts the touched groups and value counts (under
 * the log's checkpoint lock). Cost O(touched groups + touched values) reads and writes, whatever the view's size.
 *
 * <p>A group's state is stored as {@code [rows, n0, x0, n1, x1, ...]}, one pair per aggregate: {@code n} counts
 * non-null values (distinct values for COUNT(DISTINCT)), {@code x} is the exact sum (SUM, AVG) or the current
 * extreme (MIN, MAX). MIN, MAX and COUNT(DISTINCT) read a count per (column, group, value) kept in the values map,
 * so removing the current minimum finds the next one with one seek.
 */
final class GroupChanges {
    private final String view;
    private final ViewDefinition def;
    private final List<Aggregate> aggregates;
    private final int[] valueColumns;
    private final MVMap<Key, Key> groups;
    private final MVMap<Key, Long> values;
    private final boolean fromEmpty;
    private final Map<Key, Group> touched = new TreeMap<>(); // sorted: writes and changes in key order
    private final Map<Key, long[]> valueDeltas = new HashMap<>();
    private final List<ViewChange> changes = new ArrayList<>();

    /**
     * @param fromEmpty true when the view is being rebuilt: the stored state is ignored (and cleared by the
     *     caller before {@link #write})
     */
    GroupChanges(String view, ViewDefinition def, MVMap<Key, Key> groups, MVMap<Key, Long> values, boolean fromEmpty) {
        this.view = view;
        this.def = def;
        this.aggregates = def.aggregates();
        Set<Integer> cols = new LinkedHashSet<>();
        for (Aggregate a : aggregates) {
            if (a.needsValueCounts()) {
                cols.add(a.column());
            }
        }
        this.valueColumns = cols.stream().mapToInt(Integer::intValue).toArray();
        this.groups = groups;
        this.values = values;
        this.fromEmpty = fromEmpty;
    }

    /** One group's state while the refresh runs. */
    private static final class Group {
        final Key stored;
        long rows;
        final long[] n;
        final Object[] x;

        Group(Key stored, int aggregates) {
            this.stored = stored;
            this.n = new long[aggregates];
            this.x = new Object[aggregates];
            if (stored != null) {
                rows = (Long) stored.parts[0];
                for (int i = 0; i < aggregates; i++) {
                    n[i] = (Long) stored.parts[1 + 2 * i];
                    x[i] = stored.parts[2 + 2 * i];
                }
            }
        }

        Key state() {
            Object[] s = new Object[1 + 2 * n.length];
            s[0] = rows;
            for (int i = 0; i < n.length; i++) {
                s[1 + 2 * i] = n[i];
                s[2 + 2 * i] = x[i];
            }
            return Key.of(s);
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
        int[] cols = def.groupColumns();
        Object[] k = new Object[cols.length];
        for (int i = 0; i < cols.length; i++) {
            k[i] = column(r, cols[i], source);
        }
        Key key = Key.of(k);
        Group g = touched.get(key);
        if (g == null) {
            g = new Group(fromEmpty ? null : groups.get(key), aggregates.size());
            touched.put(key, g);
        }
        g.rows += weight;
        for (int i = 0; i < aggregates.size(); i++) {
            Aggregate a = aggregates.get(i);
            if (a.kind() == Aggregate.Kind.COUNT_ROWS) {
                continue;
            }
            Object v = column(r, a.column(), source);
            if (v == null) {
                continue;
            }
            switch (a.kind()) {
                case COUNT, MIN, MAX -> g.n[i] += weight;
                case SUM, AVG -> {
                    g.n[i] += weight;
                    BigDecimal d = Numbers.toDecimal(v);
                    if (d == null) {
                        throw new ViewException("view '" + view + "': cannot " + a.kind() + " column " + a.column()
                                + " of " + source + ": " + v.getClass().getSimpleName() + " value " + v
                                + " is not a finite number");
                    }
                    BigDecimal sum = g.x[i] == null ? BigDecimal.ZERO : (BigDecimal) g.x[i];
                    g.x[i] = sum.add(weight == 1 ? d : d.multiply(BigDecimal.valueOf(weight)));
                }
                default -> {}
            }
        }
        for (int c : valueColumns) {
            Object v = r.get(c);
            if (v != null) {
                Object[] vk = new Object[k.length + 2];
                vk[0] = c;
                System.arraycopy(k, 0, vk, 1, k.length);
                vk[vk.length - 1] = v;
                valueDeltas.computeIfAbsent(Key.of(vk), x -> new long[1])[0] += weight;
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

    /** Staged value-count changes, checked: key, new count. */
    private final Map<Key, Long> newCounts = new HashMap<>();

    /**
     * Computes the new value counts and distinct counts and checks that no count went negative.
     *
     * @throws ViewException if a change removes a row the view never counted (incomplete base rows)
     */
    void prepare() {
        for (Map.Entry<Key, long[]> e : valueDeltas.entrySet()) {
            long d = e.getValue()[0];
            if (d == 0) {
                continue;
            }
            Key vk = e.getKey();
            Long stored = fromEmpty ? null : values.get(vk);
            long before = stored == null ? 0 : stored;
            long after = before + d;
            if (after < 0) {
                throw inconsistent("value " + vk.parts[vk.parts.length - 1] + " of column " + vk.parts[0] + " in group "
                        + groupOf(vk));
            }
            newCounts.put(vk, after);
            if ((before == 0) != (after == 0)) {
                Group g = touched.get(groupKeyOf(vk));
                for (int i = 0; i < aggregates.size(); i++) {
                    Aggregate a = aggregates.get(i);
                    if (a.kind() == Aggregate.Kind.COUNT_DISTINCT && a.column() == (Integer) vk.parts[0]) {
                        g.n[i] += after == 0 ? -1 : 1;
                    }
                }
            }
        }
        for (Map.Entry<Key, Group> e : touched.entrySet()) {
            Group g = e.getValue();
            boolean bad = g.rows < 0;
            for (long n : g.n) {
                bad |= n < 0 || (g.rows == 0 && n != 0);
            }
            if (bad) {
                throw inconsistent("group " + e.getKey());
            }
        }
    }

    private ViewException inconsistent(String what) {
        return new ViewException("view '" + view + "': the changes remove more rows of " + what
                + " than the view holds; its base rows were incomplete (rows that existed before the table was"
                + " tracked?) -- rebuild it with the full base rows");
    }

    private static Key groupKeyOf(Key vk) {
        Object[] k = new Object[vk.parts.length - 2];
        System.arraycopy(vk.parts, 1, k, 0, k.length);
        return Key.of(k);
    }

    private static String groupOf(Key vk) {
        return groupKeyOf(vk).toString();
    }

    /**
     * Writes the staged value counts and the touched groups; empty groups are removed. Call after {@link
     * #prepare}, under the checkpoint lock.
     */
    void write(long position) {
        for (Map.Entry<Key, Long> e : newCounts.entrySet()) {
            if (e.getValue() == 0) {
                values.remove(e.getKey());
            } else {
                values.put(e.getKey(), e.getValue());
            }
        }
        for (Map.Entry<Key, Group> e : touched.entrySet()) {
            Key key = e.getKey();
            Group g = e.getValue();
            if (g.rows == 0) {
                if (g.stored != null) {
                    groups.remove(key);
                    changes.add(new ViewChange(position, key.tuple(0, key.parts.length), output(g.stored), null));
                }
                continue;
            }
            for (int i = 0; i < aggregates.size(); i++) {
                Aggregate a = aggregates.get(i);
                if (a.kind() == Aggregate.Kind.MIN || a.kind() == Aggregate.Kind.MAX) {
                    g.x[i] = g.n[i] == 0 ? null : extreme(a, key);
                }
            }
            Key state = g.state();
            if (g.stored == null || !state.equals(g.stored)) {
                groups.put(key, state);
                Tuple before = g.stored == null ? null : output(g.stored);
                Tuple after = output(state);
                if (!after.equals(before)) {
                    changes.add(new ViewChange(position, key.tuple(0, key.parts.length), before, after));
                }
            }
        }
    }

    private Object extreme(Aggregate a, Key group) {
        Object[] prefix = new Object[group.parts.length + 1];
        prefix[0] = a.column();
        System.arraycopy(group.parts, 0, prefix, 1, group.parts.length);
        Key found =
                a.kind() == Aggregate.Kind.MIN ? values.higherKey(Key.of(prefix)) : values.lowerKey(Key.above(prefix));
        return found != null && found.startsWith(prefix) ? found.parts[found.parts.length - 1] : null;
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
