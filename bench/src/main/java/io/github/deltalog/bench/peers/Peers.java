package io.github.deltalog.bench.peers;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Opens the peers by kind. */
public final class Peers {
    private Peers() {}

    /** The peers. */
    public enum Kind {
        /** SQLite with a trigger changelog. */
        SQLITE,
        /** H2 with a trigger changelog. */
        H2,
        /** The seed's algorithm on RocksDB. */
        SEED_ROCKSDB
    }

    /**
     * Opens (creating when absent) a peer's store in a folder.
     *
     * @param kind the peer
     * @param folder an existing folder for its files
     * @param schemas the workload's tables and column types
     * @return the peer
     */
    public static Peer open(Kind kind, Path folder, Map<String, List<Class<?>>> schemas) {
        return switch (kind) {
            case SQLITE -> SqlChangelogPeer.open(SqlChangelogPeer.Dialect.SQLITE, folder, schemas);
            case H2 -> SqlChangelogPeer.open(SqlChangelogPeer.Dialect.H2, folder, schemas);
            case SEED_ROCKSDB -> SeedRocksPeer.open(folder.resolve("rocksdb"), schemas);
        };
    }
}
