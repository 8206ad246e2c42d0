package io.github.deltalog.view;

import io.github.deltalog.Delta;
import io.github.deltalog.Tuple;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * An aggregate view kept from changes: {@code SELECT key, COUNT(*), SUM(c), AVG(c), MIN(c), MAX(c) FROM table
 * WHERE filter GROUP BY key}. Each delta is applied in its weighted form (an update removes its before image and
 * adds its after image), so deletes, updates and rows that enter or leave the filter through an update are all
 * handled; a group whose count reaches 0 disappears. MIN and MAX keep a count per distinct value, so deleting
 * the current minimum is right without rescanning base data. O(log d) per delta for d distinct values in the
 * group. Not thread-safe.
 */
public final class AggregateView {
    private final String table;
    private final Function<Tuple, Tuple> groupKey;
    private final int column;
    private final Predicate<Tuple> filter;
    private final Map<Tuple, GroupState> groups = new HashMap<>();

    private AggregateView(String table, Function<Tuple, Tuple> groupKey, int column, Predicate<Tuple> filter) {
        this.table = table;
        this.groupKey = groupKey;
        this.column = column;
        this.filter = filter;
    }

    /**
     * Starts describing a view over a table.
     *
     * @param table the table whose rows the view aggregates
     * @return a builder
     */
    public static Builder over(String table) {
        return new Builder(Objects.requireNonNull(table, "table"));
    }

    /** Describes an {@link AggregateView}. */
    public static final class Builder {
        private final String table;
        private Function<Tuple, Tuple> groupKey;
        private int column = -1;
        private Predicate<Tuple> filter = row -> true;

        private Builder(String table) {
            this.table = table;
        }

        /**
         * Groups by the values of some columns.
         *
         * @param columns the positions of the key columns
         * @return this builder
         */
        public Builder groupBy(int... columns) {
            int[] cols = columns.clone();
            this.groupKey = row -> {
                Object[] key = new Object[cols.length];
                for (int i = 0; i < cols.length; i++) {
                    key[i] = row.get(cols[i]);
                }
                return Tuple.of(key);
            };
            return this;
        }

        /**
         * Groups by a key derived from each row.
         *
         * @param key the function from a row to its group key
         * @return this builder
         */
        public Builder groupBy(Function<Tuple, Tuple> key) {
            this.groupKey = Objects.requireNonNull(key, "key");
            return this;
        }

        /**
         * Aggregates a column: SUM and AVG need numbers, MIN and MAX any ordered values.
         *
         * @param column the column's position
         * @return this builder
         */
        public Builder aggregate(int column) {
            if (column < 0) {
                throw new IllegalArgumentException("column position must not be negative, was " + column);
            }
            this.column = column;
            return this;
        }

        /**
         * Keeps only rows that pass a predicate (a WHERE clause). Default: every row.
         *
         * @param filter the predicate
         * @return this builder
         */
        public Builder filter(Predicate<Tuple> filter) {
            this.filter = Objects.requireNonNull(filter, "filter");
            return this;
        }

        /**
         * Builds an empty view.
         *
         * @return the view
         * @throws IllegalStateException if no grouping or no aggregated column was given
         */
        public AggregateView build() {
            if (groupKey == null || column < 0) {
                throw new IllegalStateException("a view needs groupBy(...) and aggregate(...)");
            }
            return new AggregateView(table, groupKey, column, filter);
        }
    }

    /**
     * Returns the table the view aggregates.
     *
     * @return the table the view aggregates
     */
    public String table() {
        return table;
    }

    /**
     * Applies one change; changes of other tables are ignored.
     *
     * @param d the delta
     */
    public void apply(Delta d) {
        if (!d.table().equals(table)) {
            return;
        }
        if (d.op().before() != null) {
            addRow(d.op().before(), -1);
        }
        if (d.op().after() != null) {
            addRow(d.op().after(), +1);
        }
    }

    /**
     * Applies changes in order (merged or not).
     *
     * @param deltas the deltas
     */
    public void applyAll(Iterable<Delta> deltas) {
        for (Delta d : deltas) {
            apply(d);
        }
    }

    /**
     * Adds (weight +1) or removes (weight -1) one row image.
     *
     * @param row the row image
     * @param weight +1 or -1
     */
    public void addRow(Tuple row, int weight) {
        if (weight != 1 && weight != -1) {
            throw new IllegalArgumentException("weight must be +1 or -1, was " + weight);
        }
        if (!filter.test(row)) {
            return;
        }
        Tuple key = groupKey.apply(row);
        GroupState g = groups.computeIfAbsent(key, k -> new GroupState());
        g.add(row.get(column), weight);
        if (g.isEmpty()) {
            groups.remove(key);
        }
    }

    /**
     * Replaces the view's state by a full computation over base rows.
     *
     * @param rows every row of the table
     */
    public void rebuild(Iterable<Tuple> rows) {
        groups.clear();
        for (Tuple row : rows) {
            addRow(row, +1);
        }
    }

    /**
     * Returns the aggregates of every group. O(g) for g groups.
     *
     * @return an unmodifiable snapshot, group key to aggregates
     */
    public Map<Tuple, GroupStats> groups() {
        Map<Tuple, GroupStats> out = new HashMap<>();
        groups.forEach((k, g) -> out.put(k, g.stats()));
        return Collections.unmodifiableMap(out);
    }

    /**
     * Returns one group's aggregates.
     *
     * @param key the group key
     * @return the aggregates, or null if the group has no row
     */
    public GroupStats group(Tuple key) {
        GroupState g = groups.get(key);
        return g == null ? null : g.stats();
    }

    /**
     * Returns how many groups have rows.
     *
     * @return how many groups have rows
     */
    public int size() {
        return groups.size();
    }

    /** Gives the raw group states, for the state file. */
    Map<Tuple, GroupState> states() {
        return groups;
    }
}
