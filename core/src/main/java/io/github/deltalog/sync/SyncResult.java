package io.github.deltalog.sync;

/**
 * What one {@link TwoWaySync#sync} did.
 *
 * @param intoFirst what was applied to the first replica (from the second)
 * @param intoSecond what was applied to the second replica (from the first)
 */
public record SyncResult(ApplyResult intoFirst, ApplyResult intoSecond) {}
