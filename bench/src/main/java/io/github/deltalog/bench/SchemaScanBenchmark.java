package io.github.deltalog.bench;

import io.github.deltalog.ColumnType;
import io.github.deltalog.Delta;
import io.github.deltalog.DeltaCursor;
import io.github.deltalog.DeltaLog;
import io.github.deltalog.DeltaTransaction;
import io.github.deltalog.ReadAs;
import io.github.deltalog.SchemaChange;
import io.github.deltalog.TableSchema;
import io.github.deltalog.Tuple;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * Scan + decode with a schema against without (issue 16's target: at least 0.9 times): one operation reads all
 * {@code deltas} deltas of a table (inserts of (id, name, amount, at)), half of them written before an ALTER that
 * added a column; the secondary result {@code deltas} is the figure in deltas per second.
 *
 * <ul>
 *   <li>{@code NO_SCHEMA}: the table has no schema (positional tuples): the floor.
 *   <li>{@code WRITTEN}: with a schema, tuples named by the version they were written under ({@link
 *       ReadAs#WRITTEN}, the default).
 *   <li>{@code CURRENT}: with a schema, upcast to the current version ({@link ReadAs#CURRENT}): half the tuples are
 *       rebuilt with the added column's default.
 * </ul>
 *
 * <p>Each trial builds its file in a fresh folder, deleted afterwards.
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar SchemaScanBenchmark -rf json -rff bench/schema-scan.json}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms1g", "-Xmx4g"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
public class SchemaScanBenchmark {
    private static final String TABLE = "orders";

    /** The implementations under test. */
    public enum Impl {
        NO_SCHEMA,
        WRITTEN,
        CURRENT
    }

    /** The implementation. */
    @Param
    public Impl impl;

    /** Deltas in the table, all read by one operation. */
    @Param("100000")
    public int deltas;

    private Path folder;
    private DeltaLog log;
    private ReadAs readAs;

    /** Builds the table: half its rows, an ALTER (or, without a schema, wider rows from then on), the other half. */
    @Setup(Level.Trial)
    public void setUp() {
        folder = BenchFiles.freshFolder("schema-scan-");
        log = DeltaLog.open(folder.resolve("log.db"));
        boolean schema = impl != Impl.NO_SCHEMA;
        readAs = impl == Impl.CURRENT ? ReadAs.CURRENT : ReadAs.WRITTEN;
        if (schema) {
            log.track(
                    TABLE,
                    TableSchema.builder()
                            .column("id", ColumnType.LONG)
                            .column("name", ColumnType.STRING)
                            .nullableColumn("amount", ColumnType.DECIMAL)
                            .column("at", ColumnType.INSTANT)
                            .key("id")
                            .build());
        } else {
            log.track(TABLE);
        }
        Instant at = Instant.parse("2026-12-07T00:00:00Z");
        for (int done = 0; done < deltas; ) {
            boolean wide = done >= deltas / 2;
            if (wide && done == deltas / 2 && schema) {
                log.alterTable(TABLE, SchemaChange.addColumn("status", ColumnType.STRING, false, "new"));
            }
            try (DeltaTransaction tx = log.begin()) {
                for (int i = 0; i < 100 && done < deltas; i++, done++) {
                    Object[] v = wide
                            ? new Object[] {(long) done, "name" + done, BigDecimal.valueOf(done, 2), at, "paid"}
                            : new Object[] {(long) done, "name" + done, BigDecimal.valueOf(done, 2), at};
                    tx.insert(TABLE, done, Tuple.of(v));
                }
                tx.commit();
            }
        }
    }

    /** Closes and deletes the file. */
    @TearDown(Level.Trial)
    public void tearDown() {
        log.close();
        BenchFiles.deleteRecursively(folder);
    }

    /**
     * Reads and decodes the table.
     *
     * @param counter counts the deltas
     * @param bh receives every delta
     * @return the number of deltas read
     */
    @Benchmark
    public long scan(DeltaCounter counter, Blackhole bh) {
        long n = 0;
        try (DeltaCursor c = log.changesAfter(TABLE, DeltaLog.FROM_OLDEST, Long.MAX_VALUE, readAs)) {
            for (Delta d : c) {
                bh.consume(d);
                n++;
            }
        }
        counter.deltas += n;
        return n;
    }
}
