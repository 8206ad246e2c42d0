package io.github.deltalog.bench;

import io.github.deltalog.ColumnType;
import io.github.deltalog.DeltaLog;
import io.github.deltalog.DeltaTransaction;
import io.github.deltalog.TableSchema;
import io.github.deltalog.Tuple;
import io.github.deltalog.jdbc.Capture;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.SplittableRandom;
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
 * The relay's throughput beside the log's own record rate (issue 15's target: relay ≥ 0.5× record). One operation
 * moves {@link #TRANSACTIONS} database transactions of {@code captureTxRows} row updates each; every operation
 * handles the same number of deltas, so the ratio of operations per second is the ratio of deltas per second
 * (deltas/s = ops/s × 100 × captureTxRows). The secondary result {@code cpuNanos} divided by the score gives the
 * benchmark thread's CPU nanoseconds per operation (H2's own background writer threads are not in it).
 *
 * <ul>
 *   <li>{@code RELAY_H2}, {@code RELAY_SQLITE}: {@link Capture#relayAvailable} over an outbox holding 100
 *       committed transactions, written before each operation (outside the timed code): read, group, one log
 *       commit per transaction with its position record, then the outbox clean-up (H2 truncates the outbox when
 *       it holds only those rows, else both delete them by id range; H2 also checkpoints).
 *   <li>{@code LOG_RECORD}: the same deltas (before and after images of the same 4-column rows) recorded
 *       straight into a log, under the schema capture registers for the table: 100
 *       {@code begin()}/{@code update}/{@code commit()} transactions.
 * </ul>
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar CaptureRelayBenchmark -rf json -rff bench/capture-relay.json}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms512m", "-Xmx2g"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class CaptureRelayBenchmark {
    static final int TRANSACTIONS = 100;

    /** The implementations under test. */
    public enum Impl {
        RELAY_H2,
        RELAY_SQLITE,
        LOG_RECORD
    }

    @Param
    public Impl impl;

    /** Row changes per database transaction. */
    @Param({"1", "10", "100"})
    public int captureTxRows;

    private Path folder;
    private DeltaLog log;
    private Capture capture;
    private Connection app;
    private PreparedStatement update;
    private final SplittableRandom random = new SplittableRandom(42);
    private long nextRow;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        folder = BenchFiles.freshFolder("capture-relay-");
        log = DeltaLog.open(folder.resolve("log.deltas"));
        if (impl == Impl.LOG_RECORD) {
            // The schema capture registers for H2's table, so both sides pay the log's schema check.
            log.track(
                    "orders",
                    TableSchema.builder()
                            .column("ID", ColumnType.LONG)
                            .nullableColumn("CUSTOMER", ColumnType.INT)
                            .nullableColumn("AMOUNT", ColumnType.DECIMAL)
                            .nullableColumn("NOTE", ColumnType.STRING)
                            .key("ID")
                            .build());
            return;
        }
        CaptureDatabase db = impl == Impl.RELAY_H2 ? CaptureDatabase.H2 : CaptureDatabase.SQLITE;
        app = db.connect(folder);
        db.create(app);
        capture = Capture.of(log, () -> db.connect(folder));
        capture.install(app, "orders");
        capture.enlist(app);
        app.setAutoCommit(false);
        update = app.prepareStatement(CaptureDatabase.UPDATE);
    }

    /** Fills the outbox with the next operation's transactions (not timed). */
    @Setup(Level.Invocation)
    public void fillOutbox() throws Exception {
        if (app != null) {
            for (int t = 0; t < TRANSACTIONS; t++) {
                CaptureDatabase.transaction(app, update, random, captureTxRows);
            }
        }
    }

    /**
     * One operation; {@link CpuTime#cpuNanos} counts the benchmark thread's CPU (the relay runs in it), which the
     * load of other processes moves far less than the wall clock.
     */
    @Benchmark
    public int relay(CpuTime cpu) throws Exception {
        long start = CpuTime.now();
        int moved = move();
        cpu.cpuNanos += CpuTime.now() - start;
        return moved;
    }

    private int move() throws Exception {
        if (impl == Impl.LOG_RECORD) {
            for (int t = 0; t < TRANSACTIONS; t++) {
                try (DeltaTransaction tx = log.begin()) {
                    for (int i = 0; i < captureTxRows; i++) {
                        long id = nextRow++ % CaptureDatabase.ROWS;
                        Tuple before = Tuple.of(
                                id, (int) (id % 100), BigDecimal.valueOf(random.nextInt(100_000), 2), "order " + id);
                        Tuple after = Tuple.of(
                                id, (int) (id % 100), BigDecimal.valueOf(random.nextInt(100_000), 2), "order " + id);
                        tx.update("orders", id, before, after);
                    }
                    tx.commit();
                }
            }
            return TRANSACTIONS;
        }
        return capture.relayAvailable(app);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        if (app != null) {
            update.close();
            app.close();
        }
        log.close();
        BenchFiles.deleteRecursively(folder);
    }
}
