/**
 * Storage internals: the MVStore key type, the Kryo codec, the commit journal, recovery and checkpoints.
 * Entry point: {@link io.github.deltalog.store.LogStore}, which wires the engine's parts (commit path,
 * consumers, purges, checkpoints, reads, the background thread); {@code StoreState} documents their lock order.
 * Not an API: classes here may change in any release.
 */
package io.github.deltalog.store;
