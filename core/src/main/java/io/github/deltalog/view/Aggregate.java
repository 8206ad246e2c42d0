package io.github.deltalog.view;

/**
 * One aggregate of a view, over a column of the (joined, projected) row. Nulls are ignored as SQL does, except
 * by {@link Kind#COUNT_ROWS}.
 *
 * @param kind what is computed
 * @param column the column's position; -1 for {@code COUNT(*)}
 */
public record Aggregate(Kind kind, int column) {
    /** The aggregate functions. */
    public enum Kind {
        /** {@code COUNT(*)}: rows of the group, a Long. */
        COUNT_ROWS,
        /** {@code COUNT(col)}: non-null values, a Long. */
        COUNT,
        /** {@code SUM(col)}: an exact BigDecimal, null without a non-null value. */
        SUM,
        /** {@code AVG(col)}: a BigDecimal to 16 significant digits, null without a non-null value. */
        AVG,
        /** {@code MIN(col)}: the smallest value in {@link ValueOrder}, null without a non-null value. */
        MIN,
        /** {@code MAX(col)}: the largest value, null without a non-null value. */
        MAX,
        /** {@code COUNT(DISTINCT col)}: distinct non-null values, a Long. */
        COUNT_DISTINCT
    }

    /** Tells whether the aggregate keeps a count per distinct value of its column. */
    boolean needsValueCounts() {
        return kind == Kind.MIN || kind == Kind.MAX || kind == Kind.COUNT_DISTINCT;
    }

    @Override
    public String toString() {
        return kind == Kind.COUNT_ROWS ? "COUNT(*)" : kind + "(" + column + ")";
    }
}
