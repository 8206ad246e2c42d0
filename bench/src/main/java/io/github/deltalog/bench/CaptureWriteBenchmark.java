package io.github.deltalog.bench;

import io.github.deltalog.DeltaLog;
import io.github.deltalog.jdbc.Capture;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.h2.api.Trigger;
import org.openjdk.jmh.annotations.AuxCounters;
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
 * The application's write throughput with change capture installed against without it, same database, same run
 * (issue 15's target: captured ≥ 0.5× plain). One operation is one committed application transaction of
 * {@code captureTxRows} UPDATEs of random rows of a 10 000-row table ({@link CaptureDatabase}).
 *
 * <ul>
 *   <li>{@code H2_PLAIN}, {@code SQLITE_PLAIN}: the table without capture.
 *   <li>{@code H2_CAPTURED}, {@code SQLITE_CAPTURED}: after {@link Capture#install}, with the background relay
 *       running ({@link Capture#start()}, polling every 100 ms; SQLite's enlisted connection wakes it on each
 *       commit), as an application runs it: the triggers' outbox writes and the relay's reads and deletes are
 *       both in the figure.
 *   <li>{@code H2_EMPTY_TRIGGER}: the table with a Java row trigger on the same events whose {@code fire} does
 *       nothing ({@link EmptyTrigger}): the floor of trigger-based capture in H2.
 *   <li>{@code H2_MINIMAL_ROW_TRIGGER}, {@code H2_CONSTANT_ROW_TRIGGER}: a Java row trigger that inserts one row
 *       per change through a statement prepared per session, as the capture trigger does: a row of a transaction
 *       key only ({@link MinimalRowTrigger}), or a row of the outbox's layout with constant images of the captured
 *       images' size ({@link ConstantRowTrigger}): H2's own cost of an outbox insert, without encoding.
 *   <li>{@code H2_TRIGGERS_ONLY}, {@code SQLITE_TRIGGERS_ONLY}: installed, no relay (the outbox grows): the
 *       triggers' share of the cost.
 * </ul>
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar CaptureWriteBenchmark -rf json -rff bench/capture-write.json}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms512m", "-Xmx2g"})
// Longer warm-up than the relay's: the captured cases run much more code (trigger, relay, log) than the plain ones,
// and a JFR of a 3-second warm-up still showed dozens of long C2 compilations competing with the writer.
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 3, time = 2)
public class CaptureWriteBenchmark {
    /** The implementations under test. */
    public enum Impl {
        H2_PLAIN(CaptureDatabase.H2, false, false),
        H2_EMPTY_TRIGGER(CaptureDatabase.H2, false, false),
        H2_MINIMAL_ROW_TRIGGER(CaptureDatabase.H2, false, false),
        H2_CONSTANT_ROW_TRIGGER(CaptureDatabase.H2, false, false),
        H2_TRIGGERS_ONLY(CaptureDatabase.H2, true, false),
        H2_CAPTURED(CaptureDatabase.H2, true, true),
        SQLITE_PLAIN(CaptureDatabase.SQLITE, false, false),
        SQLITE_TRIGGERS_ONLY(CaptureDatabase.SQLITE, true, false),
        SQLITE_CAPTURED(CaptureDatabase.SQLITE, true, true);

        final CaptureDatabase db;
        final boolean captured;
        final boolean relaying;

        Impl(CaptureDatabase db, boolean captured, boolean relaying) {
            this.db = db;
            this.captured = captured;
            this.relaying = relaying;
        }
    }

    @Param
    public Impl impl;

    /** Row changes per application transaction. */
    @Param({"1", "10", "100"})
    public int captureTxRows;

    private Path folder;
    private DeltaLog log;
    private Capture capture;
    private Connection app;
    private PreparedStatement update;
    private final SplittableRandom random = new SplittableRandom(42);

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        folder = BenchFiles.freshFolder("capture-write-");
        app = impl.db.connect(folder);
        impl.db.create(app);
        if (impl == Impl.H2_EMPTY_TRIGGER) {
            try (Statement s = app.createStatement()) {
                s.execute("CREATE TRIGGER EMPTY_CAPTURE AFTER INSERT, UPDATE, DELETE ON orders FOR EACH ROW CALL \""
                        + EmptyTrigger.class.getName() + "\"");
            }
        }
        if (impl == Impl.H2_MINIMAL_ROW_TRIGGER || impl == Impl.H2_CONSTANT_ROW_TRIGGER) {
            boolean minimal = impl == Impl.H2_MINIMAL_ROW_TRIGGER;
            try (Statement s = app.createStatement()) {
                s.execute(
                        "CREATE TABLE FLOOR_OUTBOX(ID BIGINT GENERATED BY DEFAULT AS IDENTITY (CACHE 1000) PRIMARY KEY,"
                                + " TX BIGINT NOT NULL"
                                + (minimal ? ")" : ", SHAPE INTEGER NOT NULL, OLD_IMG VARBINARY, NEW_IMG VARBINARY)"));
                s.execute("CREATE TRIGGER FLOOR_CAPTURE AFTER INSERT, UPDATE, DELETE ON orders FOR EACH ROW CALL \""
                        + (minimal ? MinimalRowTrigger.class : ConstantRowTrigger.class).getName() + "\"");
            }
        }
        if (impl.captured) {
            log = DeltaLog.open(folder.resolve("log.deltas"));
            capture = Capture.of(log, () -> impl.db.connect(folder));
            capture.install(app, "orders");
            capture.enlist(app);
            if (impl.relaying) {
                capture.start();
            }
        }
        app.setAutoCommit(false);
        update = app.prepareStatement(CaptureDatabase.UPDATE);
    }

    /**
     * A Java row trigger whose {@code fire} does nothing: what H2's trigger mechanism costs by itself, the floor of
     * any trigger-based capture ({@code H2_EMPTY_TRIGGER}). Public for H2, which instantiates it by name.
     */
    public static final class EmptyTrigger implements Trigger {
        /** Creates the trigger; H2 calls it. */
        public EmptyTrigger() {}

        @Override
        public void fire(Connection conn, Object[] oldRow, Object[] newRow) {}
    }

    /**
     * A Java row trigger that inserts one row of a transaction key into a table with an identity key, through a
     * statement prepared once per session, as the capture trigger does, and nothing else: H2's own cost of a second
     * row insert per change ({@code H2_MINIMAL_ROW_TRIGGER}), the floor of an outbox in H2.
     */
    public static final class MinimalRowTrigger extends FloorTrigger {
        /** Creates the trigger; H2 calls it. */
        public MinimalRowTrigger() {
            super("INSERT INTO FLOOR_OUTBOX(TX) VALUES (?)");
        }

        @Override
        void bind(PreparedStatement p, Object[] oldRow, Object[] newRow) throws java.sql.SQLException {
            p.setLong(1, 42);
        }
    }

    /**
     * As {@link MinimalRowTrigger}, into a table of the outbox's layout, with constant images of the size the capture
     * trigger encodes for {@link CaptureDatabase}'s rows ({@code H2_CONSTANT_ROW_TRIGGER}): the insert of an outbox
     * row without encoding the images.
     */
    public static final class ConstantRowTrigger extends FloorTrigger {
        private static final byte[] OLD_IMAGE = new byte[44];
        private static final byte[] NEW_IMAGE = new byte[19];

        /** Creates the trigger; H2 calls it. */
        public ConstantRowTrigger() {
            super("INSERT INTO FLOOR_OUTBOX(SHAPE, OLD_IMG, NEW_IMG, TX) VALUES (?, ?, ?, ?)");
        }

        @Override
        void bind(PreparedStatement p, Object[] oldRow, Object[] newRow) throws java.sql.SQLException {
            p.setInt(1, 1);
            p.setBytes(2, oldRow == null ? null : OLD_IMAGE);
            p.setBytes(3, newRow == null ? null : NEW_IMAGE);
            p.setLong(4, 42);
        }
    }

    /** A row trigger that runs one prepared INSERT per change, the statement kept per session and thread. */
    abstract static class FloorTrigger implements Trigger {
        private static final ThreadLocal<Object[]> PREPARED = new ThreadLocal<>();
        private final String sql;

        FloorTrigger(String sql) {
            this.sql = sql;
        }

        abstract void bind(PreparedStatement p, Object[] oldRow, Object[] newRow) throws java.sql.SQLException;

        @Override
        public void fire(Connection conn, Object[] oldRow, Object[] newRow) throws java.sql.SQLException {
            Object session = ((org.h2.jdbc.JdbcConnection) conn).getSession();
            Object[] cached = PREPARED.get();
            if (cached == null || cached[0] != session || ((PreparedStatement) cached[1]).isClosed()) {
                cached = new Object[] {session, conn.prepareStatement(sql)};
                PREPARED.set(cached);
            }
            PreparedStatement p = (PreparedStatement) cached[1];
            bind(p, oldRow, newRow);
            p.executeUpdate();
        }
    }

    /**
     * CPU spent per iteration, as secondary results (nanoseconds per second of the iteration; divided by the
     * throughput, nanoseconds per transaction): {@code appCpuNanos} of the benchmark thread alone (the
     * application's own cost, which other processes' load barely moves), {@code processCpuNanos} of the whole JVM
     * (the relay thread, GC and JIT as well).
     */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Cpu {
        private static final com.sun.management.OperatingSystemMXBean OS =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

        /** CPU nanoseconds of the benchmark thread in the current iteration. */
        public long appCpuNanos;

        /** CPU nanoseconds of the whole JVM in the current iteration. */
        public long processCpuNanos;
    }

    @Benchmark
    public void transaction(Cpu cpu) throws Exception {
        long thread = CpuTime.now();
        long process = Cpu.OS.getProcessCpuTime();
        CaptureDatabase.transaction(app, update, random, captureTxRows);
        cpu.appCpuNanos += CpuTime.now() - thread;
        cpu.processCpuNanos += Cpu.OS.getProcessCpuTime() - process;
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        update.close();
        app.setAutoCommit(true);
        if (capture != null) {
            capture.close();
            Throwable failure = capture.failure();
            capture.relayAvailable(app);
            log.close();
            if (failure != null) {
                throw new IllegalStateException("the background relay failed", failure);
            }
        }
        app.close();
        BenchFiles.deleteRecursively(folder);
    }
}
