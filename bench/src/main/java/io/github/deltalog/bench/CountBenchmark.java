package io.github.deltalog.bench;

import io.github.deltalog.DeltaLog;
import io.github.deltalog.bench.peers.Peer;
import io.github.deltalog.bench.peers.Peers;
import io.github.deltalog.store.DeltaKey;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Count throughput: one operation counts the last {@code range} deltas of one table of the pre-filled log
 * (the one {@link ScanBenchmark} reads). The design promises O(log n): the figures should be flat across
 * ranges (DESIGN §9, count target).
 *
 * <ul>
 *   <li>{@code DELTALOG}: {@code log.count(table, after)}.
 *   <li>{@code MVSTORE_KEY_INDEX}: the floor. Two {@code getKeyIndex} ranks on the raw map of the same file.
 *   <li>{@code SQLITE}, {@code H2}: the peers' {@code SELECT COUNT(*) FROM changelog WHERE tbl = ? AND ts > ?}.
 *   <li>{@code SEED_ROCKSDB}: the seed's count, a scan from the start of the key space decoding every change.
 * </ul>
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar CountBenchmark -rf json -rff bench/count.json}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms1g", "-Xmx4g"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class CountBenchmark {
    /** The implementations under test. */
    public enum Impl {
        DELTALOG,
        MVSTORE_KEY_INDEX,
        /** Peer: SQLite, trigger changelog. */
        SQLITE,
        /** Peer: H2 embedded, trigger changelog. */
        H2,
        /** Peer: the seed's algorithm on RocksDB. */
        SEED_ROCKSDB
    }

    /** Deltas counted per operation: the last {@code range} of the log. */
    @Param({"1000", "10000", "100000"})
    public int range;

    /** Deltas in the pre-filled log. */
    @Param("1000000")
    public int logSize;

    /** The implementation. */
    @Param
    public Impl impl;

    private DeltaLog log;
    private Peer peer;
    private MVStore store;
    private MVMap<DeltaKey, byte[]> map;
    private int tableId;
    private long after;

    /** Builds (once) or finds the pre-filled log and opens it read-only. */
    @Setup(Level.Trial)
    public void setUp() {
        Peers.Kind kind = peerKind(impl);
        if (kind != null) {
            peer = BenchFiles.prefilledPeer(kind, logSize);
            after = peer.afterLast(BenchFiles.TABLE, range);
            long count = peer.count(BenchFiles.TABLE, after);
            if (count != range) {
                throw new IllegalStateException(
                        impl + " holds " + count + " changes after " + after + ", not " + range);
            }
            return;
        }
        Path file = BenchFiles.prefilledLog(logSize);
        store = BenchFiles.openRaw(file);
        map = BenchFiles.deltasMap(store);
        tableId = map.firstKey().tableId();
        after = BenchFiles.afterLast(map, range);
        if (impl == Impl.DELTALOG) {
            store.close();
            store = null;
            log = DeltaLog.builder().path(file).readOnly(true).open();
        }
        if (count() != range) {
            throw new IllegalStateException(impl + " counts " + count() + " deltas after " + after + ", not " + range);
        }
    }

    /** Closes the file. */
    @TearDown(Level.Trial)
    public void tearDown() {
        if (peer != null) {
            peer.close();
        }
        if (log != null) {
            log.close();
        }
        if (store != null) {
            store.close();
        }
    }

    /**
     * Counts one range.
     *
     * @return the count
     */
    @Benchmark
    public long count() {
        if (peer != null) {
            return peer.count(BenchFiles.TABLE, after);
        }
        if (impl == Impl.DELTALOG) {
            return log.count(BenchFiles.TABLE, after);
        }
        return rank(DeltaKey.last(tableId, Long.MAX_VALUE)) - rank(DeltaKey.last(tableId, after));
    }

    private long rank(DeltaKey key) {
        long index = map.getKeyIndex(key);
        return index >= 0 ? index + 1 : -(index + 1);
    }

    static Peers.Kind peerKind(Impl impl) {
        return switch (impl) {
            case SQLITE -> Peers.Kind.SQLITE;
            case H2 -> Peers.Kind.H2;
            case SEED_ROCKSDB -> Peers.Kind.SEED_ROCKSDB;
            default -> null;
        };
    }
}
