/**
 * Incremental aggregate views kept from merged changes. Entry points: {@link
 * io.github.deltalog.view.AggregateView} (the aggregation) and {@link io.github.deltalog.view.IncrementalView}
 * (kept fresh from a consumer, exactly once across crashes).
 */
package io.github.deltalog.view;
