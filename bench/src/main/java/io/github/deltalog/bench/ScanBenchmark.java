package io.github.deltalog.bench;

import io.github.deltalog.Delta;
import io.github.deltalog.DeltaCursor;
import io.github.deltalog.store.DeltaCodec;
import io.github.deltalog.store.DeltaKey;
import java.util.concurrent.TimeUnit;
import org.h2.mvstore.Cursor;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * Scan + decode throughput: one operation reads and decodes the last {@code range} deltas of one table of a
 * pre-filled log of {@code logSize} deltas; the secondary result {@code deltas} is the figure in deltas per
 * second (DESIGN §9, scan target), and {@code cpuNanos} the benchmark thread's CPU time (per delta: divide by
 * {@code deltas}; robust to other processes' load, see {@link CpuTime}).
 *
 * <ul>
 *   <li>{@code DELTALOG}: {@code log.changesAfter(table, after)}, every {@link Delta} into a Blackhole.
 *   <li>{@code MVSTORE_CURSOR_DECODE}: the floor. A raw MVStore cursor over the same map of the same file,
 *       and {@link DeltaCodec#decode} (checksum + the value reader) of each value into a Blackhole.
 *   <li>{@code SQLITE}, {@code H2}: the peers' {@code SELECT ... FROM changelog WHERE tbl = ? AND ts > ? ORDER BY
 *       ts, row_id}, each row decoded to a {@link Delta} (JSON row images to typed tuples).
 *   <li>{@code SEED_ROCKSDB}: the seed's read, from the start of the key space (see
 *       {@link io.github.deltalog.bench.peers.SeedRocksPeer}).
 * </ul>
 *
 * <p>The peers hold the same changes in their own pre-filled stores, built once like the log.
 *
 * <p>The log is built once per size in the benchmark folder (see {@link BenchFiles}) and reused by later runs;
 * both implementations open that file read-only.
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar ScanBenchmark -rf json -rff bench/scan.json}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms1g", "-Xmx4g"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class ScanBenchmark {
    private static final String WHERE = "the pre-filled log";

    /** The implementations under test. */
    public enum Impl {
        DELTALOG,
        MVSTORE_CURSOR_DECODE,
        /** Peer: SQLite, trigger changelog. */
        SQLITE,
        /** Peer: H2 embedded, trigger changelog. */
        H2,
        /** Peer: the seed's algorithm on RocksDB. */
        SEED_ROCKSDB
    }

    /** Deltas read per operation: the last {@code range} of the log. */
    @Param({"1000", "10000", "100000"})
    public int range;

    /** Deltas in the pre-filled log. */
    @Param("1000000")
    public int logSize;

    /** The implementation. */
    @Param
    public Impl impl;

    private PrefilledRange data;

    /** Builds (once) or finds the pre-filled log and opens the range for the implementation. */
    @Setup(Level.Trial)
    public void setUp() {
        data = PrefilledRange.open(impl.name(), logSize, range);
    }

    /** Closes the files. */
    @TearDown(Level.Trial)
    public void tearDown() {
        data.close();
    }

    /**
     * Reads and decodes one range.
     *
     * @param counter counts the deltas
     * @param cpu counts the benchmark thread's CPU time
     * @param bh receives every decoded delta
     * @return the number of deltas read
     */
    @Benchmark
    public long scan(DeltaCounter counter, CpuTime cpu, Blackhole bh) {
        long start = CpuTime.now();
        long n = 0;
        if (data.peer != null) {
            n = data.peer.scan(BenchFiles.TABLE, data.after, bh::consume);
        } else if (data.log != null) {
            try (DeltaCursor cursor = data.log.changesAfter(BenchFiles.TABLE, data.after)) {
                for (Delta d : cursor) {
                    bh.consume(d);
                    n++;
                }
            }
        } else {
            Cursor<DeltaKey, byte[]> c = data.map.cursor(
                    DeltaKey.first(data.tableId, data.after + 1), DeltaKey.last(data.tableId, Long.MAX_VALUE), false);
            while (c.hasNext()) {
                DeltaKey key = c.next();
                bh.consume(DeltaCodec.decode(key, c.getValue(), BenchFiles.TABLE, WHERE));
                n++;
            }
        }
        cpu.cpuNanos += CpuTime.now() - start;
        counter.deltas += n;
        return n;
    }
}
