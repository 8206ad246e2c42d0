/**
 * Storage internals: the MVStore key type, the Kryo codec, the commit journal, recovery and checkpoints.
 * Entry point: {@link io.github.deltalog.store.LogStore}. Not an API: classes here may change in any release.
 */
package io.github.deltalog.store;
