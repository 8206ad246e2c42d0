package io.github.deltalog.bench;

import io.github.deltalog.ChangeSet;
import io.github.deltalog.Delta;
import io.github.deltalog.DeltaOp;
import io.github.deltalog.Tuple;
import io.github.deltalog.sync.ApplyTarget;
import io.github.deltalog.sync.ChangeApplier;
import io.github.deltalog.sync.JdbcTable;
import io.github.deltalog.sync.JdbcTarget;
import io.github.deltalog.sync.MVMapTarget;
import io.github.deltalog.sync.MapTarget;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
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
 * Apply throughput of the sync package's {@code ChangeApplier} into each target, beside the target's own write
 * rate for the same rows without conflict checks. One operation inserts {@code changes} rows (3 columns) and then
 * deletes them again, as two transactions (two change sets through the applier; two raw transactions of plain
 * writes for {@code RAW_WRITES}), so the target stays the same size; the secondary result {@code deltas} is changes
 * per second. Target: APPLIER ≥ 0.5 × RAW_WRITES for every target. Files live in the benchmark folder; SQLite runs
 * in WAL mode with synchronous=NORMAL.
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar ApplyBenchmark -rf json -rff apply.json}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms1g", "-Xmx2g"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
public class ApplyBenchmark {
    /** Where the rows go. */
    public enum Target {
        MAP,
        MVMAP,
        H2,
        SQLITE
    }

    /** How they get there. */
    public enum Route {
        /** {@code ChangeApplier.apply}: a read and a before-image check per change, then the write. */
        APPLIER,
        /** The target's own writes of the same rows, no reads, no checks. */
        RAW_WRITES
    }

    @Param
    public Target target;

    @Param
    public Route path;

    @Param({"1000"})
    public int changes;

    private Path folder;
    private MapTarget map;
    private MVStore store;
    private MVMapTarget mv;
    private Connection connection;
    private ApplyTarget applyTarget;
    private ChangeSet inserts;
    private ChangeSet deletes;
    private PreparedStatement rawInsert;
    private PreparedStatement rawDelete;

    @Setup(Level.Trial)
    public void open() throws SQLException {
        folder = BenchFiles.freshFolder("apply");
        switch (target) {
            case MAP:
                map = new MapTarget();
                applyTarget = map;
                break;
            case MVMAP:
                store = new MVStore.Builder()
                        .fileName(folder.resolve("rows.mv").toString())
                        .open();
                mv = new MVMapTarget(store, "");
                applyTarget = mv;
                break;
            default:
                connection = target == Target.H2
                        ? DriverManager.getConnection(
                                "jdbc:h2:" + folder.resolve("h2").toAbsolutePath())
                        : DriverManager.getConnection("jdbc:sqlite:" + folder.resolve("rows.db"));
                try (Statement s = connection.createStatement()) {
                    if (target == Target.SQLITE) {
                        s.execute("PRAGMA journal_mode=WAL");
                        s.execute("PRAGMA synchronous=NORMAL");
                    }
                    s.execute("CREATE TABLE \"t\"(\"id\" BIGINT PRIMARY KEY, \"name\" VARCHAR(40), \"qty\" BIGINT)");
                }
                applyTarget = new JdbcTarget(
                        connection,
                        List.of(new JdbcTable(
                                "t",
                                "t",
                                "id",
                                List.of("id", "name", "qty"),
                                List.of(Long.class, String.class, Long.class))));
                rawInsert =
                        connection.prepareStatement("INSERT INTO \"t\"(\"id\", \"name\", \"qty\") VALUES (?, ?, ?)");
                rawDelete = connection.prepareStatement("DELETE FROM \"t\" WHERE \"id\" = ?");
        }
        List<Delta> ins = new ArrayList<>(changes);
        List<Delta> del = new ArrayList<>(changes);
        for (int i = 0; i < changes; i++) {
            Tuple row = Tuple.of((long) i, "name-" + i, (long) i % 97);
            ins.add(new Delta("t", i, 1, new DeltaOp.Insert(row)));
            del.add(new Delta("t", i, 2, new DeltaOp.Delete(row)));
        }
        inserts = new ChangeSet(ins, 1);
        deletes = new ChangeSet(del, 2);
    }

    @Benchmark
    public long insertAndDelete(DeltaCounter counter) throws SQLException {
        long n;
        if (path == Route.APPLIER) {
            ChangeApplier applier = new ChangeApplier(applyTarget);
            n = applier.apply(inserts).applied() + applier.apply(deletes).applied();
        } else {
            n = raw(inserts) + raw(deletes);
        }
        if (n != 2L * changes) {
            throw new IllegalStateException("applied " + n + " of " + 2 * changes + " changes");
        }
        counter.deltas += n;
        return n;
    }

    private long raw(ChangeSet set) throws SQLException {
        switch (target) {
            case MAP:
                for (Delta d : set) {
                    map.put(d.table(), d.rowId(), d.op().after());
                }
                break;
            case MVMAP:
                MVMap<Long, Object[]> rows = mv.map("t");
                for (Delta d : set) {
                    Tuple after = d.op().after();
                    if (after == null) {
                        rows.remove(d.rowId());
                    } else {
                        rows.put(d.rowId(), after.values().toArray());
                    }
                }
                store.commit();
                break;
            default:
                connection.setAutoCommit(false);
                for (Delta d : set) {
                    Tuple after = d.op().after();
                    if (after == null) {
                        rawDelete.setLong(1, d.rowId());
                        rawDelete.executeUpdate();
                    } else {
                        rawInsert.setLong(1, d.rowId());
                        rawInsert.setObject(2, after.get(1));
                        rawInsert.setObject(3, after.get(2));
                        rawInsert.executeUpdate();
                    }
                }
                connection.commit();
                connection.setAutoCommit(true);
        }
        return set.size();
    }

    @TearDown(Level.Trial)
    public void close() throws SQLException {
        try {
            if (store != null) {
                store.close();
            }
            if (connection != null) {
                rawInsert.close();
                rawDelete.close();
                connection.close();
            }
        } finally {
            BenchFiles.deleteRecursively(folder);
        }
    }
}
