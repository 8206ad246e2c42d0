package io.github.deltalog.view;

import io.github.deltalog.Tuple;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The running state of one group: row count, and over the aggregated column the non-null count, the exact sum
 * and a count per distinct value, so that removing the current minimum or maximum finds the next one without
 * rescanning base data. O(log d) per change for d distinct values in the group.
 */
final class GroupState {
    private long rows;
    private long nonNull;
    private BigDecimal sum = BigDecimal.ZERO;
    private final TreeMap<Comparable<Object>, Long> values = new TreeMap<>();

    /** Adds (weight +1) or removes (weight -1) one row whose aggregated value is {@code value}. */
    void add(Object value, int weight) {
        rows += weight;
        if (value == null) {
            return;
        }
        nonNull += weight;
        BigDecimal number = Numbers.toDecimal(value);
        if (number != null) {
            sum = weight > 0 ? sum.add(number) : sum.subtract(number);
        }
        @SuppressWarnings("unchecked")
        Comparable<Object> key = (Comparable<Object>) Numbers.comparable(value);
        long n = values.getOrDefault(key, 0L) + weight;
        if (n < 0) {
            throw new IllegalStateException("value " + value + " removed more often than it was added");
        }
        if (n == 0) {
            values.remove(key);
        } else {
            values.put(key, n);
        }
    }

    /** Restores a state written by {@link #write}. */
    static GroupState read(Tuple t, int from) {
        GroupState g = new GroupState();
        g.rows = (Long) t.get(from);
        g.nonNull = (Long) t.get(from + 1);
        g.sum = (BigDecimal) t.get(from + 2);
        for (int i = from + 3; i < t.size(); i += 2) {
            Object v = t.get(i);
            @SuppressWarnings("unchecked")
            Comparable<Object> key = (Comparable<Object>) Numbers.comparable(v);
            g.values.put(key, (Long) t.get(i + 1));
        }
        return g;
    }

    /** Appends the state to a list of tuple values: rows, non-null count, sum, then value and count pairs. */
    void write(List<Object> out) {
        out.add(rows);
        out.add(nonNull);
        out.add(sum);
        for (Map.Entry<Comparable<Object>, Long> e : values.entrySet()) {
            out.add(Numbers.plain(e.getKey()));
            out.add(e.getValue());
        }
    }

    boolean isEmpty() {
        return rows == 0;
    }

    long rows() {
        return rows;
    }

    GroupStats stats() {
        if (nonNull == 0) {
            return new GroupStats(rows, null, null, null, null);
        }
        Map.Entry<Comparable<Object>, Long> first = values.firstEntry();
        Map.Entry<Comparable<Object>, Long> last = values.lastEntry();
        BigDecimal avg = sum.divide(BigDecimal.valueOf(nonNull), MathContext.DECIMAL64);
        return new GroupStats(
                rows, canonical(sum), canonical(avg), Numbers.plain(first.getKey()), Numbers.plain(last.getKey()));
    }

    /**
     * Strips trailing zeros (keeping a scale of at least 0), so that a sum kept incrementally equals the same
     * sum recomputed: adding 1.25 and 3 then removing 1.25 must give what summing 3 alone gives.
     */
    static BigDecimal canonical(BigDecimal d) {
        BigDecimal s = d.stripTrailingZeros();
        return s.scale() < 0 ? s.setScale(0) : s;
    }
}
