/**
 * Sync: applying change sets elsewhere. Entry point: {@link io.github.deltalog.sync.ChangeApplier}, which applies a
 * {@link io.github.deltalog.ChangeSet} atomically to an {@link io.github.deltalog.sync.ApplyTarget} with SQLite's
 * conflict rules and a {@link io.github.deltalog.sync.ConflictHandler}; {@link io.github.deltalog.sync.TwoWaySync}
 * keeps two replicas in step; {@link io.github.deltalog.sync.SqliteChangesets} reads and writes SQLite's
 * changeset and patchset format; {@link io.github.deltalog.sync.TimeTravel} computes diffs and rewinds.
 */
package io.github.deltalog.sync;
