/**
 * The benchmarks' peers (DESIGN §9): {@link io.github.deltalog.bench.peers.SqlChangelogPeer} (trigger-maintained
 * changelog tables in SQLite and H2) and {@link io.github.deltalog.bench.peers.SeedRocksPeer} (the seed's
 * algorithm on RocksDB), behind {@link io.github.deltalog.bench.peers.Peer}; entry point
 * {@link io.github.deltalog.bench.peers.Peers}.
 */
package io.github.deltalog.bench.peers;
