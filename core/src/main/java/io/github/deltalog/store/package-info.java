/**
 * Storage internals: the MVStore key type, the value codec (Kryo 5's v1 bytes, without Kryo), the commit journal,
 * recovery and checkpoints.
 * Entry point: {@link io.github.deltalog.store.LogStore}, which wires the engine's parts (commit path,
 * consumers, purges, checkpoints, reads, the background thread); {@code StoreState} documents their lock order.
 * Not an API: classes here may change in any release.
 */
package io.github.deltalog.store;
