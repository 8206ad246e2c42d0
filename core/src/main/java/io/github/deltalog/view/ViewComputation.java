package io.github.deltalog.view;

import io.github.deltalog.Tuple;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Computes a view from scratch: a hash join of the base rows, the filter and projection, then each group's
 * aggregates from its rows. This is the full recomputation an incremental refresh is measured and checked against
 * ({@link View#verify}); it shares no state with the incremental path. O(rows + joined rows) time and memory;
 * only COUNT(DISTINCT) keeps a set of values, the other aggregates one running value each.
 */
public final class ViewComputation {
    private ViewComputation() {}

    /**
     * Computes a view's rows.
     *
     * @param def the definition
     * @param base the rows of the view's tables
     * @return the rows sorted by group key, as {@link View#rows()} iterates them
     * @throws ViewException if a column is missing or a value cannot be summed
     */
    public static List<ViewRow> compute(ViewDefinition def, BaseRows base) {
        Map<Key, List<Tuple>> groups = new TreeMap<>();
        for (Tuple row : joined(def, base)) {
            if (!def.filter().test(row)) {
                continue;
            }
            Tuple r = def.projection() == null ? row : def.projection().apply(row);
            int[] cols = def.groupColumns();
            Object[] k = new Object[cols.length];
            for (int i = 0; i < cols.length; i++) {
                k[i] = column(r, cols[i], def);
            }
            groups.computeIfAbsent(Key.of(k), x -> new ArrayList<>()).add(r);
        }
        List<ViewRow> out = new ArrayList<>(groups.size());
        for (Map.Entry<Key, List<Tuple>> e : groups.entrySet()) {
            out.add(new ViewRow(Tuple.of(e.getKey().parts), aggregate(def, e.getValue())));
        }
        return out;
    }

    private static List<Tuple> joined(ViewDefinition def, BaseRows base) {
        List<Tuple> out = new ArrayList<>();
        ViewDefinition.Join join = def.join();
        if (join == null) {
            for (BaseRows.Row r : base.rows(def.table())) {
                out.add(r.row());
            }
            return out;
        }
        Map<Key, List<Tuple>> right = new HashMap<>();
        for (BaseRows.Row r : base.rows(join.table())) {
            Object k = column(r.row(), join.rightColumn(), def);
            if (k != null) {
                right.computeIfAbsent(Key.of(k), x -> new ArrayList<>()).add(r.row());
            }
        }
        for (BaseRows.Row r : base.rows(def.table())) {
            Object k = column(r.row(), join.leftColumn(), def);
            List<Tuple> matches = k == null ? null : right.get(Key.of(k));
            if (matches != null) {
                for (Tuple b : matches) {
                    out.add(concat(r.row(), b.values()));
                }
            } else if (join.outer()) {
                out.add(concat(r.row(), java.util.Arrays.asList(new Object[join.rightWidth()])));
            }
        }
        return out;
    }

    private static Tuple concat(Tuple a, List<Object> b) {
        List<Object> v = new ArrayList<>(a.values());
        v.addAll(b);
        return Tuple.of(v);
    }

    private static Tuple aggregate(ViewDefinition def, List<Tuple> rows) {
        List<Aggregate> aggregates = def.aggregates();
        Object[] out = new Object[aggregates.size()];
        for (int i = 0; i < out.length; i++) {
            Aggregate a = aggregates.get(i);
            if (a.kind() == Aggregate.Kind.COUNT_ROWS) {
                out[i] = (long) rows.size();
                continue;
            }
            long n = 0;
            BigDecimal sum = BigDecimal.ZERO;
            // A set only where the distinct values are the answer; MIN and MAX keep the extreme so far.
            TreeSet<Object> distinct =
                    a.kind() == Aggregate.Kind.COUNT_DISTINCT ? new TreeSet<>(ValueOrder.COMPARATOR) : null;
            Object extreme = null;
            int better = a.kind() == Aggregate.Kind.MIN ? -1 : 1;
            for (Tuple r : rows) {
                Object v = column(r, a.column(), def);
                if (v == null) {
                    continue;
                }
                n++;
                switch (a.kind()) {
                    case SUM, AVG -> {
                        BigDecimal d = Numbers.toDecimal(v);
                        if (d == null) {
                            throw new ViewException("cannot " + a.kind() + " column " + a.column() + ": "
                                    + v.getClass().getSimpleName() + " value " + v + " is not a finite number");
                        }
                        sum = sum.add(d);
                    }
                    case MIN, MAX -> {
                        if (extreme == null || Integer.signum(ValueOrder.compare(v, extreme)) == better) {
                            extreme = v;
                        }
                    }
                    case COUNT_DISTINCT -> distinct.add(v);
                    default -> {}
                }
            }
            out[i] = switch (a.kind()) {
                case COUNT -> n;
                case COUNT_DISTINCT -> (long) distinct.size();
                case SUM -> n == 0 ? null : GroupChanges.canonical(sum);
                case AVG -> n == 0
                        ? null
                        : GroupChanges.canonical(sum.divide(BigDecimal.valueOf(n), MathContext.DECIMAL64));
                case MIN, MAX -> extreme;
                case COUNT_ROWS -> throw new AssertionError();
            };
        }
        return Tuple.of(out);
    }

    private static Object column(Tuple r, int c, ViewDefinition def) {
        if (c >= r.size()) {
            throw new ViewException("view over '" + def.table() + "' uses column " + c + " but a row has " + r.size()
                    + " columns: " + r);
        }
        return r.get(c);
    }
}
