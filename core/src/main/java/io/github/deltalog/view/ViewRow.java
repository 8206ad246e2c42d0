package io.github.deltalog.view;

import io.github.deltalog.Tuple;

/**
 * One row of a view: a group key and its aggregates, in the order the definition lists them.
 *
 * @param key the values of the grouping columns
 * @param values the aggregates
 */
public record ViewRow(Tuple key, Tuple values) {}
