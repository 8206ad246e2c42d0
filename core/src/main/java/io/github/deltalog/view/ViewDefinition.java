package io.github.deltalog.view;

import io.github.deltalog.Tuple;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * What a view computes, as SQL would say it: {@code SELECT group columns, aggregates FROM table [[LEFT] JOIN
 * other ON table.col = other.col] WHERE filter GROUP BY columns}. Rows are positional tuples; a joined row is the
 * left row's values followed by the right row's (NULLs for an unmatched row of a left join), the optional
 * projection ({@link Builder#select}) maps it to the row that is grouped and aggregated. Immutable.
 *
 * <pre>{@code
 * ViewDefinition revenue = ViewDefinition.from("orders")          // (id, customer, amount, status)
 *         .where(row -> !"cancelled".equals(row.get(3)))
 *         .groupBy(1)
 *         .count().sum(2).min(2).max(2)
 *         .build();
 * }</pre>
 */
public final class ViewDefinition {
    private final String table;
    private final Join join;
    private final Predicate<Tuple> filter;
    private final Function<Tuple, Tuple> projection;
    private final int[] groupBy;
    private final List<Aggregate> aggregates;
    private final boolean keepChanges;
    private final double rebuildAbove;

    private ViewDefinition(Builder b) {
        this.table = b.table;
        this.join = b.join;
        this.filter = b.filter;
        this.projection = b.projection;
        this.groupBy = b.groupBy;
        this.aggregates = Collections.unmodifiableList(new ArrayList<>(b.aggregates));
        this.keepChanges = b.keepChanges;
        this.rebuildAbove = b.rebuildAbove;
    }

    /**
     * The join of a view: the right table, the key columns on both sides, and for a left join the number of
     * columns of the right table (the NULLs an unmatched left row is padded with).
     *
     * @param table the right table
     * @param leftColumn the join key's position in the left table's rows
     * @param rightColumn the join key's position in the right table's rows
     * @param outer true for a left outer join
     * @param rightWidth columns of the right table (for padding), 0 for an inner join
     */
    public record Join(String table, int leftColumn, int rightColumn, boolean outer, int rightWidth) {}

    /**
     * Starts a definition over a table.
     *
     * @param table a tracked table (checked when the view is opened)
     * @return a builder
     */
    public static Builder from(String table) {
        return new Builder(Objects.requireNonNull(table, "table"));
    }

    /**
     * Returns the (left) table.
     *
     * @return the (left) table
     */
    public String table() {
        return table;
    }

    /**
     * Returns the join, or null.
     *
     * @return the join, or null
     */
    public Join join() {
        return join;
    }

    /**
     * Returns the tables the view reads: the table, then the joined one.
     *
     * @return the tables the view reads: the table, then the joined one
     */
    public List<String> tables() {
        return join == null ? List.of(table) : List.of(table, join.table());
    }

    /**
     * Returns the grouping columns' positions.
     *
     * @return the grouping columns' positions
     */
    public int[] groupBy() {
        return groupBy.clone();
    }

    /**
     * Returns the aggregates, in output order.
     *
     * @return the aggregates, in output order
     */
    public List<Aggregate> aggregates() {
        return aggregates;
    }

    /**
     * Tells whether the view keeps its own change stream ({@link View#changesAfter}).
     *
     * @return whether the view keeps its own change stream ({@link View#changesAfter})
     */
    public boolean keepsChanges() {
        return keepChanges;
    }

    /**
     * Returns the fraction of the base above which a refresh rebuilds, or {@code +Infinity} for never.
     *
     * @return the fraction of the base above which a refresh rebuilds, or {@code +Infinity} for never
     */
    public double rebuildAbove() {
        return rebuildAbove;
    }

    int[] groupColumns() {
        return groupBy;
    }

    Predicate<Tuple> filter() {
        return filter;
    }

    Function<Tuple, Tuple> projection() {
        return projection;
    }

    /**
     * A description of the definition's structure (tables, join, grouping, aggregates), stored with the view so
     * that opening it again with another structure fails. Filters and projections are code and not compared.
     */
    String signature() {
        return "from " + table + (join == null ? "" : " join " + join) + " group by " + Arrays.toString(groupBy)
                + " aggregates " + aggregates + (projection == null ? "" : " projected")
                + (keepChanges ? " with changes" : "");
    }

    /** Describes a {@link ViewDefinition}. Methods fail fast on bad arguments. */
    public static final class Builder {
        private final String table;
        private Join join;
        private Predicate<Tuple> filter = row -> true;
        private Function<Tuple, Tuple> projection;
        private int[] groupBy;
        private final List<Aggregate> aggregates = new ArrayList<>();
        private boolean keepChanges;
        private double rebuildAbove = Double.POSITIVE_INFINITY;

        private Builder(String table) {
            this.table = table;
        }

        /**
         * Joins another table: {@code JOIN other ON table[leftColumn] = other[rightColumn]}. NULL keys match
         * nothing, as in SQL. The joined row is the left row followed by the right row.
         *
         * @param other the right table, tracked
         * @param leftColumn the key's position in the left rows
         * @param rightColumn the key's position in the right rows
         * @return this builder
         */
        public Builder join(String other, int leftColumn, int rightColumn) {
            return join(other, leftColumn, rightColumn, false, 0);
        }

        /**
         * Left outer join: like {@link #join} but a left row without a match is kept, followed by {@code
         * rightWidth} NULLs.
         *
         * @param other the right table, tracked
         * @param leftColumn the key's position in the left rows
         * @param rightColumn the key's position in the right rows
         * @param rightWidth how many columns the right table's rows have
         * @return this builder
         */
        public Builder leftJoin(String other, int leftColumn, int rightColumn, int rightWidth) {
            if (rightWidth < 1) {
                throw new IllegalArgumentException("a left join needs the right table's width, was " + rightWidth);
            }
            return join(other, leftColumn, rightColumn, true, rightWidth);
        }

        private Builder join(String other, int leftColumn, int rightColumn, boolean outer, int rightWidth) {
            Objects.requireNonNull(other, "other");
            if (join != null) {
                throw new IllegalStateException("a view joins at most one other table; already joined " + join.table());
            }
            if (other.equals(table)) {
                throw new IllegalArgumentException("a self-join of table '" + table + "' is not supported");
            }
            checkColumn(leftColumn);
            checkColumn(rightColumn);
            this.join = new Join(other, leftColumn, rightColumn, outer, rightWidth);
            return this;
        }

        /**
         * Keeps only rows that pass a predicate (WHERE), applied to the joined row. Default: every row. The
         * predicate must be a pure function of the row.
         *
         * @param predicate the filter
         * @return this builder
         */
        public Builder where(Predicate<Tuple> predicate) {
            this.filter = Objects.requireNonNull(predicate, "predicate");
            return this;
        }

        /**
         * Maps each (joined, filtered) row to the row that is grouped and aggregated: a projection or derived
         * columns ({@code row -> Tuple.of(row.get(1), amount.multiply(qty))}). Must be a pure function.
         *
         * @param projection the mapping
         * @return this builder
         */
        public Builder select(Function<Tuple, Tuple> projection) {
            this.projection = Objects.requireNonNull(projection, "projection");
            return this;
        }

        /**
         * Groups by columns (of the projected row); none for one group over all rows.
         *
         * @param columns the positions of the grouping columns
         * @return this builder
         */
        public Builder groupBy(int... columns) {
            for (int c : columns) {
                checkColumn(c);
            }
            this.groupBy = columns.clone();
            return this;
        }

        /**
         * Adds {@code COUNT(*)}.
         *
         * @return this builder
         */
        public Builder count() {
            aggregates.add(new Aggregate(Aggregate.Kind.COUNT_ROWS, -1));
            return this;
        }

        /**
         * Adds {@code COUNT(column)}.
         *
         * @param column a position
         * @return this builder
         */
        public Builder count(int column) {
            return add(Aggregate.Kind.COUNT, column);
        }

        /**
         * Adds {@code SUM(column)} (numbers only).
         *
         * @param column a position
         * @return this builder
         */
        public Builder sum(int column) {
            return add(Aggregate.Kind.SUM, column);
        }

        /**
         * Adds {@code AVG(column)} (numbers only).
         *
         * @param column a position
         * @return this builder
         */
        public Builder avg(int column) {
            return add(Aggregate.Kind.AVG, column);
        }

        /**
         * Adds {@code MIN(column)}.
         *
         * @param column a position
         * @return this builder
         */
        public Builder min(int column) {
            return add(Aggregate.Kind.MIN, column);
        }

        /**
         * Adds {@code MAX(column)}.
         *
         * @param column a position
         * @return this builder
         */
        public Builder max(int column) {
            return add(Aggregate.Kind.MAX, column);
        }

        /**
         * Adds {@code COUNT(DISTINCT column)}.
         *
         * @param column a position
         * @return this builder
         */
        public Builder countDistinct(int column) {
            return add(Aggregate.Kind.COUNT_DISTINCT, column);
        }

        private Builder add(Aggregate.Kind kind, int column) {
            checkColumn(column);
            aggregates.add(new Aggregate(kind, column));
            return this;
        }

        /**
         * Keeps the view's own change stream: each refresh records, per changed group, its row before and after
         * ({@link View#changesAfter}). Off by default (it grows until {@link View#trimChanges}).
         *
         * @return this builder
         */
        public Builder keepChanges() {
            this.keepChanges = true;
            return this;
        }

        /**
         * Lets a refresh rebuild the view from its base rows instead of applying changes when the merged change
         * set is larger than {@code fraction} of the rows the view was built from (the rows of the view's table,
         * or of both tables for a join). Needs base rows given when the view is opened. Default: never.
         *
         * @param fraction a positive fraction, e.g. 0.3
         * @return this builder
         */
        public Builder rebuildAbove(double fraction) {
            if (!(fraction > 0)) {
                throw new IllegalArgumentException("rebuild fraction must be positive, was " + fraction);
            }
            this.rebuildAbove = fraction;
            return this;
        }

        /**
         * Builds the definition.
         *
         * @return the definition
         * @throws IllegalStateException without {@code groupBy(...)} or without an aggregate
         */
        public ViewDefinition build() {
            if (groupBy == null) {
                throw new IllegalStateException("view over '" + table + "' needs groupBy(...) (none for one group)");
            }
            if (aggregates.isEmpty()) {
                throw new IllegalStateException("view over '" + table + "' needs at least one aggregate");
            }
            return new ViewDefinition(this);
        }

        private static void checkColumn(int column) {
            if (column < 0) {
                throw new IllegalArgumentException("column position must not be negative, was " + column);
            }
        }
    }
}
