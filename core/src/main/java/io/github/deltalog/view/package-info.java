/**
 * Materialized views kept incrementally from the log's merged changes. Entry point: {@link
 * io.github.deltalog.DeltaLog#view(String, io.github.deltalog.view.ViewDefinition)} returns a {@link
 * io.github.deltalog.view.View} whose state (groups, per-value counts for MIN/MAX/COUNT DISTINCT, join
 * arrangements) lives in the log's own store and is committed with the view's position in one step, exactly once
 * across crashes; {@link io.github.deltalog.view.ViewDefinition} says what it computes (filter, projection, an
 * optional equi-join, group by, aggregates), {@link io.github.deltalog.view.ViewComputation} computes the same
 * from scratch.
 */
package io.github.deltalog.view;
