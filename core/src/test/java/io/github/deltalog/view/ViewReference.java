package io.github.deltalog.view;

import io.github.deltalog.Tuple;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The simplest possible computation of a view, for tests: nested loops over the current base rows, a list of
 * rows per group, aggregates by looping over each group's rows. Shares nothing with the view engine but the value
 * order and the decimal rounding rules it documents.
 */
final class ViewReference {
    private ViewReference() {}

    /** Computes group key → aggregates. */
    static Map<Tuple, Tuple> compute(ViewDefinition def, Map<String, Map<Long, Tuple>> tables) {
        List<Tuple> joined = new ArrayList<>();
        Map<Long, Tuple> a = tables.getOrDefault(def.table(), Map.of());
        ViewDefinition.Join j = def.join();
        for (Tuple left : a.values()) {
            if (j == null) {
                joined.add(left);
                continue;
            }
            boolean matched = false;
            Object k = left.get(j.leftColumn());
            for (Tuple right : tables.getOrDefault(j.table(), Map.of()).values()) {
                if (k != null && k.equals(right.get(j.rightColumn()))) {
                    joined.add(concat(left, right.values()));
                    matched = true;
                }
            }
            if (!matched && j.outer()) {
                joined.add(concat(left, java.util.Arrays.asList(new Object[j.rightWidth()])));
            }
        }
        Map<Tuple, List<Tuple>> groups = new HashMap<>();
        for (Tuple row : joined) {
            if (!def.filter().test(row)) {
                continue;
            }
            Tuple r = def.projection() == null ? row : def.projection().apply(row);
            List<Object> key = new ArrayList<>();
            for (int c : def.groupColumns()) {
                key.add(r.get(c));
            }
            groups.computeIfAbsent(Tuple.of(key), x -> new ArrayList<>()).add(r);
        }
        Map<Tuple, Tuple> out = new HashMap<>();
        groups.forEach((k, rows) -> out.put(k, aggregates(def, rows)));
        return out;
    }

    private static Tuple concat(Tuple a, List<Object> b) {
        List<Object> v = new ArrayList<>(a.values());
        v.addAll(b);
        return Tuple.of(v);
    }

    private static Tuple aggregates(ViewDefinition def, List<Tuple> rows) {
        List<Object> out = new ArrayList<>();
        for (Aggregate agg : def.aggregates()) {
            if (agg.kind() == Aggregate.Kind.COUNT_ROWS) {
                out.add((long) rows.size());
                continue;
            }
            List<Object> vals = new ArrayList<>();
            for (Tuple r : rows) {
                if (r.get(agg.column()) != null) {
                    vals.add(r.get(agg.column()));
                }
            }
            BigDecimal sum = BigDecimal.ZERO;
            for (Object v : vals) {
                if (agg.kind() == Aggregate.Kind.SUM || agg.kind() == Aggregate.Kind.AVG) {
                    sum = sum.add(Numbers.toDecimal(v));
                }
            }
            Object min = null;
            Object max = null;
            List<Object> distinct = new ArrayList<>();
            for (Object v : vals) {
                if (min == null || ValueOrder.compare(v, min) < 0) {
                    min = v;
                }
                if (max == null || ValueOrder.compare(v, max) > 0) {
                    max = v;
                }
                if (distinct.stream().noneMatch(d -> Objects.deepEquals(d, v))) {
                    distinct.add(v);
                }
            }
            out.add(
                    switch (agg.kind()) {
                        case COUNT -> (long) vals.size();
                        case COUNT_DISTINCT -> (long) distinct.size();
                        case SUM -> vals.isEmpty() ? null : strip(sum);
                        case AVG -> vals.isEmpty()
                                ? null
                                : strip(sum.divide(BigDecimal.valueOf(vals.size()), MathContext.DECIMAL64));
                        case MIN -> min;
                        case MAX -> max;
                        case COUNT_ROWS -> throw new AssertionError();
                    });
        }
        return Tuple.of(out);
    }

    private static BigDecimal strip(BigDecimal d) {
        BigDecimal s = d.stripTrailingZeros();
        return s.scale() < 0 ? s.setScale(0) : s;
    }

    /** Reads a view's rows into a map, checking that they come sorted by key. */
    static Map<Tuple, Tuple> rowsOf(View view) {
        Map<Tuple, Tuple> out = new HashMap<>();
        Tuple previous = null;
        for (ViewRow r : view.rows()) {
            if (previous != null
                    && ValueOrder.compareArrays(
                                    previous.values().toArray(),
                                    r.key().values().toArray())
                            >= 0) {
                throw new AssertionError("rows out of order: " + previous + " then " + r.key());
            }
            previous = r.key();
            out.put(r.key(), r.values());
        }
        return out;
    }
}
