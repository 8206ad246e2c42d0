package io.github.deltalog.bench;

import io.github.deltalog.DeltaLog;
import io.github.deltalog.DeltaTransaction;
import io.github.deltalog.Durability;
import io.github.deltalog.Tuple;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Group commit: transactions of 100 deltas committed with {@link Durability#SYNC} (each commit forced to disk
 * before it returns) by one thread and by four threads on one log. Concurrent committers share one fsync, so
 * four threads should reach at least 3× the transactions per second of one (DESIGN §9). The secondary result
 * {@code deltas} is deltas per second. The log checkpoints at the builder's default interval (1 s). Each case runs
 * 3 warm-up and 10 measured iterations of 2 s (the command, {@code -wi 3 -i 10 -r 2s}), so the median is
 * taken over 10 iterations.
 *
 * <p>How many transactions one fsync covered is not a JMH result: count the process's fsyncs alongside, for
 * instance {@code perf stat -e syscalls:sys_enter_fsync -- java -jar bench/target/benchmarks.jar
 * 'SyncRecordBenchmark.fourThreads$'}, and divide the transactions by them (each checkpoint adds about four: the store
 * file, the rotated and the new journal, the folder).
 *
 * <p>What four threads can reach at most without any fsync: {@code -p durability=SYNC,COMMIT}. The commit's work
 * (seal, journal record, map puts) runs under one write lock, so {@code COMMIT} with four threads bounds {@code
 * SYNC} with four threads; on 2 cores, where one SYNC thread is mostly CPU, that bound divided by one SYNC thread
 * can be below 3×.
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar SyncRecordBenchmark -rf json -rff sync.json}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms1g", "-Xmx4g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 10, time = 2)
public class SyncRecordBenchmark {
    private static final int TX_SIZE = 100;

    /**
     * The commits' durability: {@code SYNC} (the benchmark) or, as the ceiling four SYNC threads can reach,
     * {@code COMMIT} (the same transactions and the same write lock, no fsync): {@code -p durability=SYNC,COMMIT}.
     */
    @Param({"SYNC"})
    public Durability durability;

    private final AtomicLong nextRow = new AtomicLong();
    private Path folder;
    private DeltaLog log;

    @Setup(Level.Trial)
    public void open() {
        folder = BenchFiles.freshFolder("sync");
        log = DeltaLog.builder()
                .path(folder.resolve("log.db"))
                .durability(durability)
                .open();
        log.track("orders");
    }

    @TearDown(Level.Trial)
    public void close() {
        try {
            log.close();
        } finally {
            BenchFiles.deleteRecursively(folder);
        }
    }

    private long commitOne(DeltaCounter counter) {
        long first = nextRow.getAndAdd(TX_SIZE);
        try (DeltaTransaction tx = log.begin()) {
            for (long row = first; row < first + TX_SIZE; row++) {
                tx.insert("orders", row, Tuple.of(row, "customer-" + (row % 101), BigDecimal.valueOf(row, 2)));
            }
            counter.deltas += TX_SIZE;
            return tx.commit();
        }
    }

    /** One committing thread. */
    @Benchmark
    @Threads(1)
    public long oneThread(DeltaCounter counter) {
        return commitOne(counter);
    }

    /** Four committing threads sharing fsyncs. */
    @Benchmark
    @Threads(4)
    public long fourThreads(DeltaCounter counter) {
        return commitOne(counter);
    }
}
