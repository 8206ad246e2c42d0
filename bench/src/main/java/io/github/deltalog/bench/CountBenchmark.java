package io.github.deltalog.bench;

import java.util.concurrent.TimeUnit;
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
     * Counts one range.
     *
     * @return the count
     */
    @Benchmark
    public long count() {
        if (data.peer != null) {
            return data.peer.count(BenchFiles.TABLE, data.after);
        }
        if (data.log != null) {
            return data.log.count(BenchFiles.TABLE, data.after);
        }
        return data.rawCount();
    }
}
