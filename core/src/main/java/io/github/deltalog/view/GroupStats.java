package io.github.deltalog.view;

import java.math.BigDecimal;

/**
 * The aggregates of one group of an {@link AggregateView}, as SQL computes them: {@code count} counts rows,
 * the others ignore null values of the aggregated column ({@code sum}, {@code avg}, {@code min} and {@code max}
 * are null when the group has no non-null value). Sums and averages have their trailing zeros stripped, so that
 * a view kept incrementally equals the same view recomputed.
 *
 * @param count COUNT(*) of the group's rows
 * @param sum SUM(column), exact
 * @param avg AVG(column), to 16 significant digits
 * @param min MIN(column)
 * @param max MAX(column)
 */
public record GroupStats(long count, BigDecimal sum, BigDecimal avg, Object min, Object max) {}
