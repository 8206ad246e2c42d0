package io.github.deltalog.merge;

import io.github.deltalog.Tuple;

/**
 * One row image with a weight, the form in which an aggregate view absorbs a change: an insert is
 * {@code (after, +1)}, a delete {@code (before, -1)}, an update {@code (before, -1)} then {@code (after, +1)}.
 * Summing weights per tuple over a change set gives the difference of the two states as multisets.
 *
 * @param table the table of the row
 * @param rowId the row
 * @param tuple the row image
 * @param weight +1 for an image that enters, -1 for one that leaves
 */
public record WeightedTuple(String table, long rowId, Tuple tuple, int weight) {}
