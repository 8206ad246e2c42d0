package io.github.deltalog.view;

import io.github.deltalog.Tuple;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Computes a view from scratch: a hash join of the base rows, the filter and projection, then one pass that folds
 * each row into its group's aggregates (a count, an exact sum, the best value so far; a sorted set only for
 * COUNT(DISTINCT)). This is the full recomputation an incremental refresh is measured and checked against ({@link
 * View#verify}); it shares no state with the incremental path. O(rows + joined rows) time, O(groups + joined
 * rows) memory.
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
        Map<Key, Folded> groups = new HashMap<>();
        List<Aggregate> aggregates = def.aggregates();
        int[] cols = def.groupColumns();
        for (Tuple row : joined(def, base)) {
            if (!def.filter().test(row)) {
                continue;
            }
            Tuple r = def.projection() == null ? row : def.projection().apply(row);
            Object[] k = new Object[cols.length];
            for (int i = 0; i < cols.length; i++) {
                k[i] = column(r, cols[i], def);
            }
            groups.computeIfAbsent(Key.of(k), x -> new Folded(aggregates)).add(r, def);
        }
        List<Map.Entry<Key, Folded>> sorted = new ArrayList<>(groups.entrySet());
        sorted.sort(Map.Entry.comparingByKey());
        List<ViewRow> out = new ArrayList<>(sorted.size());
        for (Map.Entry<Key, Folded> e : sorted) {
            out.add(new ViewRow(Tuple.of(e.getKey().parts), e.getValue().result()));
        }
        return out;
    }

    /** One group's aggregates so far. */
    private static final class Folded {
        final List<Aggregate> aggregates;
        long rows;
        final long[] n;
        final BigDecimal[] sum;
        final Object[] best;
        final TreeSet<Object>[] distinct;

        @SuppressWarnings("unchecked")
        Folded(List<Aggregate> aggregates) {
            this.aggregates = aggregates;
            int size = aggregates.size();
            n = new long[size];
            sum = new BigDecimal[size];
            best = new Object[size];
            distinct = new TreeSet[size];
        }

        void add(Tuple r, ViewDefinition def) {
            rows++;
            for (int i = 0; i < n.length; i++) {
                Aggregate a = aggregates.get(i);
                if (a.kind() == Aggregate.Kind.COUNT_ROWS) {
                    continue;
                }
                Object v = column(r, a.column(), def);
                if (v == null) {
                    continue;
                }
                n[i]++;
                switch (a.kind()) {
                    case SUM, AVG -> {
                        BigDecimal d = Numbers.toDecimal(v);
                        if (d == null) {
                            throw new ViewException("cannot " + a.kind() + " column " + a.column() + ": "
                                    + v.getClass().getSimpleName() + " value " + v + " is not a finite number");
                        }
                        sum[i] = (sum[i] == null ? BigDecimal.ZERO : sum[i]).add(d);
                    }
                    case MIN -> best[i] = best[i] == null || ValueOrder.compare(v, best[i]) < 0 ? v : best[i];
                    case MAX -> best[i] = best[i] == null || ValueOrder.compare(v, best[i]) > 0 ? v : best[i];
                    case COUNT_DISTINCT -> {
                        if (distinct[i] == null) {
                            distinct[i] = new TreeSet<>(ValueOrder.COMPARATOR);
                        }
                        distinct[i].add(v);
                    }
                    default -> {}
                }
            }
        }

        Tuple result() {
            Object[] out = new Object[n.length];
            for (int i = 0; i < out.length; i++) {
                out[i] = switch (aggregates.get(i).kind()) {
                    case COUNT_ROWS -> rows;
                    case COUNT -> n[i];
                    case COUNT_DISTINCT -> distinct[i] == null ? 0L : (long) distinct[i].size();
                    case SUM -> n[i] == 0 ? null : GroupChanges.canonical(sum[i]);
                    case AVG -> n[i] == 0
                            ? null
                            : GroupChanges.canonical(sum[i].divide(BigDecimal.valueOf(n[i]), MathContext.DECIMAL64));
                    case MIN, MAX -> best[i];
                };
            }
            return Tuple.of(out);
        }
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

    private static Object column(Tuple r, int c, ViewDefinition def) {
        if (c >= r.size()) {
            throw new ViewException("view over '" + def.table() + "' uses column " + c + " but a row has " + r.size()
                    + " columns: " + r);
        }
        return r.get(c);
    }
}
