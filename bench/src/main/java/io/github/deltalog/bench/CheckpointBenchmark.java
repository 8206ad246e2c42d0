package io.github.deltalog.bench;

import io.github.deltalog.DeltaLog;
import io.github.deltalog.DeltaTransaction;
import io.github.deltalog.Tuple;
import java.nio.file.Path;
import java.time.Duration;
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
 * The cost of one checkpoint (issue 21's new fsyncs): one operation is {@code log.checkpoint()} after {@code
 * sinceCheckpoint} deltas (transactions of 100) were committed since the last one, outside the timed code. A
 * checkpoint writes the store (a store commit and its fsync), starts the next journal generation (its header
 * forced to disk, then the folder forced so that the new file's name survives a power cut) and deletes the old
 * generation. {@code folderForce} {@code ON} is the shipped behaviour; {@code OFF} skips the folder force (the
 * system property {@code deltalog.folderSync=false}, a measuring switch), so the difference of the two in one run
 * is what the folder force costs on this disk. Single-shot: each iteration times one checkpoint (so the file
 * stays small however fast the disk is); JMH reports their mean and spread in milliseconds.
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar CheckpointBenchmark -rf json -rff checkpoint.json}; add
 * {@code -jvmArgsAppend -Ddeltalog.bench.dir=/some/disk} to measure another disk than {@code java.io.tmpdir}'s.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1)
@Warmup(iterations = 10)
@Measurement(iterations = 40)
public class CheckpointBenchmark {
    /** Whether the checkpoint forces the folder after creating the next journal generation. */
    public enum FolderForce {
        /** As shipped: the new journal's folder entry is forced to disk. */
        ON,
        /** Skipped, to measure its cost only (not power-cut safe). */
        OFF
    }

    @Param
    public FolderForce folderForce;

    /** Deltas committed between two checkpoints. */
    @Param({"100", "10000"})
    public int sinceCheckpoint;

    private Path folder;
    private DeltaLog log;
    private long row;

    @Setup(Level.Trial)
    public void open() {
        System.setProperty("deltalog.folderSync", folderForce == FolderForce.ON ? "true" : "false");
        folder = BenchFiles.freshFolder("checkpoint");
        // No checkpoint by itself: each one is the benchmark's.
        log = DeltaLog.builder()
                .path(folder.resolve("log.deltas"))
                .checkpointInterval(Duration.ofHours(1))
                .checkpointBytes(1L << 40)
                .open();
        log.track(BenchFiles.TABLE);
    }

    @Setup(Level.Iteration)
    public void commit() {
        for (int done = 0; done < sinceCheckpoint; done += 100) {
            try (DeltaTransaction tx = log.begin()) {
                for (int i = 0; i < Math.min(100, sinceCheckpoint - done); i++) {
                    tx.insert(BenchFiles.TABLE, row, Tuple.of(row, "customer-" + row % 977, 12.5));
                    row++;
                }
                tx.commit();
            }
        }
    }

    @Benchmark
    public long checkpoint() {
        log.checkpoint();
        return row;
    }

    @TearDown(Level.Trial)
    public void close() {
        try {
            log.close();
        } finally {
            System.clearProperty("deltalog.folderSync");
            BenchFiles.deleteRecursively(folder);
        }
    }
}
