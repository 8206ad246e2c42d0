package io.github.deltalog.bench;

import io.github.deltalog.ColumnType;
import io.github.deltalog.DeltaLog;
import io.github.deltalog.DeltaOp;
import io.github.deltalog.DeltaTransaction;
import io.github.deltalog.Durability;
import io.github.deltalog.TableSchema;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
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
 * Recording with a schema against without (issue 16's target: at least 0.9 times): one operation is one committed
 * transaction of {@code txSize} deltas of {@link Workload}'s tables ({@link Durability#COMMIT}, file-backed), the
 * secondary result {@code deltas} the same in deltas per second.
 *
 * <ul>
 *   <li>{@code NO_SCHEMA}: the tables tracked without a schema (positional, no checks): the floor.
 *   <li>{@code SCHEMA}: the same tables tracked with a {@link TableSchema} of their columns (every column nullable,
 *       as the workload's values may be null): every recorded image is checked (arity, class, null).
 * </ul>
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar SchemaRecordBenchmark -rf json -rff bench/schema-record.json}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms1g", "-Xmx4g"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
public class SchemaRecordBenchmark {
    private static final int TABLES = 4;
    private static final int ROWS_PER_TABLE = 100_000;
    private static final long ROW_SPACE = 1L << 20;

    /** The implementations under test. */
    public enum Impl {
        NO_SCHEMA,
        SCHEMA
    }

    /** The implementation. */
    @Param
    public Impl impl;

    /** Deltas per transaction. */
    @Param("100")
    public int txSize;

    /** How many deltas are generated before the run and replayed. */
    @Param("200000")
    public int workloadDeltas;

    private Path folder;
    private DeltaLog log;
    private List<Workload.Transaction> transactions;
    private int next;
    private long rowShift;

    /** Generates the workload and opens a fresh file, tracking its tables with or without schemas. */
    @Setup(Level.Trial)
    public void setUp() {
        Workload workload = new Workload(7, TABLES, ROWS_PER_TABLE);
        transactions = workload.transactions(txSize, workloadDeltas);
        folder = BenchFiles.freshFolder("schema-record-");
        log = DeltaLog.builder()
                .path(folder.resolve("log.db"))
                .durability(Durability.COMMIT)
                .open();
        for (Map.Entry<String, List<Class<?>>> e : workload.schemas().entrySet()) {
            if (impl == Impl.NO_SCHEMA) {
                log.track(e.getKey());
            } else {
                log.track(e.getKey(), schemaOf(e.getValue()));
            }
        }
    }

    /** A schema of the workload's columns (its first, the row id copy, is not null). */
    static TableSchema schemaOf(List<Class<?>> columns) {
        TableSchema.Builder b = TableSchema.builder();
        for (int i = 0; i < columns.size(); i++) {
            ColumnType type = ColumnType.of(columns.get(i));
            if (i == 0) {
                b.column("c" + i, type);
            } else {
                b.nullableColumn("c" + i, type);
            }
        }
        return b.build();
    }

    /** Closes and deletes the file. */
    @TearDown(Level.Trial)
    public void tearDown() {
        log.close();
        BenchFiles.deleteRecursively(folder);
    }

    /**
     * Records one transaction.
     *
     * @param counter counts the deltas
     * @return the commit timestamp
     */
    @Benchmark
    public long record(DeltaCounter counter) {
        int index = next;
        Workload.Transaction tx = transactions.get(index);
        long shift = rowShift;
        if (index + 1 == transactions.size()) {
            next = 0;
            rowShift += ROW_SPACE;
        } else {
            next = index + 1;
        }
        counter.deltas += tx.size();
        String[] tables = tx.tables();
        long[] rowIds = tx.rowIds();
        DeltaOp[] ops = tx.ops();
        try (DeltaTransaction t = log.begin()) {
            for (int i = 0; i < ops.length; i++) {
                t.record(tables[i], rowIds[i] + shift, ops[i]);
            }
            return t.commit();
        }
    }
}
