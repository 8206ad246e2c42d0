package io.github.deltalog.view;

import io.github.deltalog.Tuple;

/**
 * One change of a view's row, from its change stream: a group that appeared ({@code before} null), changed, or
 * disappeared ({@code after} null). As weighted deltas it is {@code -1 × (key ++ before)} and {@code +1 × (key ++
 * after)}, which is how views feed caches or other views.
 *
 * @param position the log position of the refresh that made the change
 * @param key the group key
 * @param before the aggregates before, or null
 * @param after the aggregates after, or null
 */
public record ViewChange(long position, Tuple key, Tuple before, Tuple after) {}
