package io.github.deltalog.bench;

import io.github.deltalog.DeltaLog;
import io.github.deltalog.DeltaTransaction;
import io.github.deltalog.Durability;
import io.github.deltalog.bench.peers.Peer;
import io.github.deltalog.bench.peers.Peers;
import io.github.deltalog.store.DeltaKey;
import io.github.deltalog.store.DeltaKeyType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Comparator;
import java.util.Locale;
import java.util.stream.Stream;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.type.ByteArrayDataType;

/**
 * Files the benchmarks write and read: fresh per-trial folders, and the pre-filled log that the read benchmarks
 * share. Everything lives under the folder named by the system property {@code deltalog.bench.dir} (default:
 * {@code java.io.tmpdir}).
 */
final class BenchFiles {
    /** The one table of the pre-filled log. */
    static final String TABLE = "t0";
    /** The name of the deltas map inside a log file (DESIGN §3). */
    static final String DELTAS_MAP = "deltas";
    /** Deltas per transaction in the pre-filled log; ranges should be multiples of it. */
    static final int PREFILL_TX_SIZE = 100;

    private static final long PREFILL_SEED = 42;
    private static final String PREFILL_VERSION = "v2";

    private BenchFiles() {}

    /** Returns the folder benchmark files go under. */
    static Path root() {
        Path root = Paths.get(System.getProperty("deltalog.bench.dir", System.getProperty("java.io.tmpdir")))
                .resolve("deltalog-bench");
        try {
            return Files.createDirectories(root);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + root, e);
        }
    }

    /** Creates a fresh, empty folder for one trial. */
    static Path freshFolder(String prefix) {
        try {
            return Files.createTempDirectory(root(), prefix);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a folder under " + root(), e);
        }
    }

    /** Deletes a folder and everything in it; missing is fine. */
    static void deleteRecursively(Path folder) {
        if (folder == null || !Files.exists(folder)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(folder)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + folder, e);
        }
    }

    /**
     * Returns a log file holding {@code deltas} deltas of table {@link #TABLE} in transactions of
     * {@link #PREFILL_TX_SIZE}, building it (once per size and version) if it is not there yet. The file is
     * closed when this returns.
     *
     * @param deltas the number of deltas, a multiple of {@link #PREFILL_TX_SIZE}
     * @return the log file
     */
    static synchronized Path prefilledLog(int deltas) {
        if (deltas % PREFILL_TX_SIZE != 0) {
            throw new IllegalArgumentException("log size " + deltas + " is not a multiple of " + PREFILL_TX_SIZE);
        }
        Path folder = root().resolve("prefilled-" + deltas + "-" + PREFILL_SEED + "-" + PREFILL_VERSION);
        Path file = folder.resolve("log.db");
        Path done = folder.resolve("complete");
        if (Files.exists(done)) {
            return file;
        }
        deleteRecursively(folder);
        try {
            Files.createDirectories(folder);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + folder, e);
        }
        Workload workload = prefillWorkload(deltas);
        try (DeltaLog log =
                DeltaLog.builder().path(file).durability(Durability.ASYNC).open()) {
            log.track(TABLE);
            for (int n = 0; n < deltas; n += PREFILL_TX_SIZE) {
                Workload.Transaction tx = workload.next(PREFILL_TX_SIZE);
                try (DeltaTransaction t = log.begin()) {
                    for (int i = 0; i < tx.size(); i++) {
                        t.record(tx.tables()[i], tx.rowIds()[i], tx.ops()[i]);
                    }
                    t.commit();
                }
            }
            if (log.count(TABLE, 0) != deltas) {
                throw new IllegalStateException(
                        "pre-filled log holds " + log.count(TABLE, 0) + " deltas, not " + deltas);
            }
        }
        try {
            Files.createFile(done);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot mark " + folder + " complete", e);
        }
        return file;
    }

    /** Returns the generator of a pre-filled log's changes (the same for deltalog and the peers). */
    static Workload prefillWorkload(int deltas) {
        return new Workload(PREFILL_SEED, 1, Math.max(PREFILL_TX_SIZE, deltas / 10));
    }

    /**
     * Returns a peer holding the changes of {@link #prefilledLog} (the same workload, recorded through the peer in
     * transactions of {@link #PREFILL_TX_SIZE}), building it once per peer, size and version if it is not there
     * yet (SQLite and H2 take tens of seconds per 10^6 changes). Close the returned peer after use.
     *
     * @param kind the peer
     * @param deltas the number of changes, a multiple of {@link #PREFILL_TX_SIZE}
     * @return the open peer
     */
    static synchronized Peer prefilledPeer(Peers.Kind kind, int deltas) {
        if (deltas % PREFILL_TX_SIZE != 0) {
            throw new IllegalArgumentException("log size " + deltas + " is not a multiple of " + PREFILL_TX_SIZE);
        }
        String name = "prefilled-" + kind.name().toLowerCase(Locale.ROOT) + "-" + deltas + "-" + PREFILL_SEED + "-"
                + PREFILL_VERSION;
        Path folder = root().resolve(name);
        Path done = folder.resolve("complete");
        Workload workload = prefillWorkload(deltas);
        if (Files.exists(done)) {
            return Peers.open(kind, folder, workload.schemas());
        }
        deleteRecursively(folder);
        try {
            Files.createDirectories(folder);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + folder, e);
        }
        Peer peer = Peers.open(kind, folder, workload.schemas());
        for (int n = 0; n < deltas; n += PREFILL_TX_SIZE) {
            peer.record(workload.next(PREFILL_TX_SIZE), 0);
        }
        long count = peer.count(TABLE, Long.MIN_VALUE);
        if (count != deltas) {
            peer.close();
            throw new IllegalStateException("pre-filled " + kind + " peer holds " + count + " changes, not " + deltas);
        }
        try {
            Files.createFile(done);
        } catch (IOException e) {
            peer.close();
            throw new UncheckedIOException("cannot mark " + folder + " complete", e);
        }
        return peer;
    }

    /**
     * Opens the deltas map of a closed log file read-only, as raw MVStore; close the returned store after use.
     *
     * @param file a closed log file
     * @return the store; its deltas map is {@link #deltasMap}
     */
    static MVStore openRaw(Path file) {
        return new MVStore.Builder().fileName(file.toString()).readOnly().open();
    }

    /** Opens (or creates) the deltas map of a store with deltalog's key and value types. */
    static MVMap<DeltaKey, byte[]> deltasMap(MVStore store) {
        return store.openMap(
                DELTAS_MAP,
                new MVMap.Builder<DeltaKey, byte[]>()
                        .keyType(DeltaKeyType.INSTANCE)
                        .valueType(ByteArrayDataType.INSTANCE));
    }

    /**
     * Returns the position after which exactly the last {@code range} deltas of a pre-filled map follow.
     *
     * @param map the deltas map of a pre-filled log
     * @param range how many deltas, a multiple of {@link #PREFILL_TX_SIZE}, at most the map's size
     * @return the exclusive lower bound to read after
     */
    static long afterLast(MVMap<DeltaKey, byte[]> map, long range) {
        long size = map.sizeAsLong();
        if (range > size) {
            throw new IllegalArgumentException("range " + range + " exceeds the " + size + " deltas of the log");
        }
        return range == size ? 0 : map.getKey(size - range - 1).commitTimestamp();
    }
}
