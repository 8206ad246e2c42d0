package io.github.deltalog.bench;

import io.github.deltalog.DeltaLog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * Purge throughput: one operation purges the oldest deltas of a copy of the pre-filled log ({@code retained}
 * deltas, one table), all of them or all but the newest {@code keptPercent}, including the checkpoint and the
 * space reclaim that follow; the secondary result {@code deltas} is deltas removed per second (target ≥ 1 M/s).
 * Purging everything takes the one-step path (the map is emptied); keeping some deltas takes the range cut (one
 * root swap per table, {@code store.RangeCutMap}).
 * The copy and the cut are made outside the timed code.
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar PurgeBenchmark -rf json -rff purge.json}; add
 * {@code -p retained=10000000} for the largest size (its pre-filled log takes minutes to build once).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms1g", "-Xmx4g"})
@Warmup(iterations = 1, time = 1)
@Measurement(iterations = 3, time = 1)
public class PurgeBenchmark {
    @Param({"100000", "1000000"})
    public int retained;

    /** The share of the newest deltas the purge keeps, in percent. */
    @Param({"0", "50"})
    public int keptPercent;

    private Path source;
    private Path folder;
    private DeltaLog log;
    private long cut;
    private long expected;

    @Setup(Level.Trial)
    public void prefill() {
        source = BenchFiles.prefilledLog(retained);
    }

    @Setup(Level.Invocation)
    public void copy() throws IOException {
        folder = BenchFiles.freshFolder("purge");
        Path file = folder.resolve("log.db");
        Files.copy(source, file);
        log = DeltaLog.open(file);
        if (keptPercent == 0) {
            cut = Long.MAX_VALUE;
            expected = retained;
            return;
        }
        // The oldest commit timestamp whose deltas, with all older ones, make up the share to remove.
        long target = (long) retained * (100 - keptPercent) / 100;
        long lo = 0;
        long hi = log.lastCommitted();
        while (lo < hi) {
            long mid = lo + (hi - lo) / 2;
            if (log.count(BenchFiles.TABLE, 0, mid) >= target) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        cut = lo + 1;
        expected = log.count(BenchFiles.TABLE, 0, lo);
    }

    @Benchmark
    public long purge(DeltaCounter counter) {
        long removed = log.purgeBefore(cut);
        if (removed != expected) {
            throw new IllegalStateException("purged " + removed + " of " + expected + " deltas");
        }
        counter.deltas += removed;
        return removed;
    }

    @TearDown(Level.Invocation)
    public void discard() {
        try {
            log.close();
        } finally {
            BenchFiles.deleteRecursively(folder);
        }
    }
}
