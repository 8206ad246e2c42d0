package io.github.deltalog.jdbc;

import io.github.deltalog.Delta;
import io.github.deltalog.DeltaCursor;
import io.github.deltalog.DeltaLog;
import io.github.deltalog.DeltaOp;
import io.github.deltalog.Tuple;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.WeakHashMap;
import java.util.function.IntConsumer;

/**
 * Captures the changes of an application's database tables (H2 2.x, SQLite) into a {@link DeltaLog}: every
 * committed INSERT, UPDATE and DELETE, with before and after images of all columns and a stable row id, one log
 * transaction per database transaction, nothing of a rolled-back one, exactly once across crashes.
 *
 * <pre>{@code
 * try (DeltaLog log = DeltaLog.open(Path.of("app.deltas"));
 *      Capture capture = Capture.of(log, () -> DriverManager.getConnection(url))) {
 *     capture.install("ORDERS");          // triggers + outbox, once
 *     capture.start();                    // relays in the background
 *     ...                                 // the application writes as usual
 * }
 * }</pre>
 *
 * <p>How: {@link #install} puts triggers on the tables that write each change into an outbox table inside the
 * writing transaction (so a rollback takes the captured change with it); the relay ({@link #relayAvailable()},
 * or {@link #start()} in the background) moves committed outbox rows into the log and records, in the same log
 * transaction, which outbox rows it moved. SQLite connections that write to captured tables must be
 * {@link #enlist enlisted}. Log tables are named as the database stores the table ({@code ORDERS} in H2 for an
 * unquoted {@code orders}) and carry the table's schema ({@link DeltaLog#schema}), so tuples read by column name.
 * When a captured table's columns change (DDL), the relay re-installs capture for the new shape if the log's
 * schema can follow (columns appended or dropped, types widened) and records a new schema version before the
 * first change of the new shape; otherwise it stops with a {@link CapturedTableChangedException} naming the table.
 * The shapes are also kept in the log's {@link #columnsTable} (see {@link #columns}). Thread-safe.
 *
 * <p>Across a crash the log follows the database: a transaction is in the log exactly once if the database still
 * holds it after its own recovery. The relay moves a transaction only once the database has it on file: for H2 it
 * waits, through the embedded database's session, until commits in progress have ended and H2's chunk with them is
 * written with the store header that finds it after a crash (H2 shows a commit to others before it is stored, and
 * stores in the background); over a client/server H2 connection it can only run {@code CHECKPOINT}. H2 2.4's file
 * store is not crash-atomic when one of its stores overlaps a commit (a kill can keep part of a transaction): the
 * log then holds what the database kept of the outbox.
 */
public final class Capture implements AutoCloseable {
    private static final Map<DeltaLog, Object> RELAY_LOCKS = new WeakHashMap<>();

    private final DeltaLog log;
    private final ConnectionSource source;
    private final String name;
    private final Relay relay;
    private final Object lock;
    private final BackgroundRelay background;
    /** The background relay's connection, kept between its passes; touched by that thread and by close only. */
    private Connection backgroundConnection;

    private Capture(Builder b) {
        this.log = b.log;
        this.source = b.source;
        this.name = b.name;
        this.relay = new Relay(log, name, source);
        this.background = new BackgroundRelay("deltalog-capture-" + name, b.pollInterval, this::backgroundPass);
        synchronized (RELAY_LOCKS) {
            this.lock = RELAY_LOCKS.computeIfAbsent(log, k -> new Object());
        }
    }

    /**
     * Creates a capture with the defaults (name {@code main}, poll interval 100 ms).
     *
     * @param log the log to fill
     * @param source where the relay gets connections to the captured database
     * @return the capture, not yet relaying
     */
    public static Capture of(DeltaLog log, ConnectionSource source) {
        return builder(log, source).build();
    }

    /**
     * Starts a capture with options.
     *
     * @param log the log to fill
     * @param source where the relay gets connections to the captured database
     * @return the builder
     */
    public static Builder builder(DeltaLog log, ConnectionSource source) {
        return new Builder(log, source);
    }

    /** Options of a {@link Capture}. */
    public static final class Builder {
        private final DeltaLog log;
        private final ConnectionSource source;
        private String name = "main";
        private Duration pollInterval = Duration.ofMillis(100);

        private Builder(DeltaLog log, ConnectionSource source) {
            this.log = Objects.requireNonNull(log, "log");
            this.source = Objects.requireNonNull(source, "source");
        }

        /**
         * Names the capture, so that one log can hold the changes of several databases. Default {@code main}.
         *
         * @param name not blank; part of the reserved log table names
         * @return this
         * @throws IllegalArgumentException if blank
         */
        public Builder name(String name) {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("capture name must not be blank");
            }
            this.name = name;
            return this;
        }

        /**
         * Sets how often the background relay looks at the outbox when no commit woke it. Default 100 ms.
         *
         * @param interval positive
         * @return this
         * @throws IllegalArgumentException if not positive
         */
        public Builder pollInterval(Duration interval) {
            if (interval.isNegative() || interval.isZero()) {
                throw new IllegalArgumentException("poll interval must be positive, was " + interval);
            }
            this.pollInterval = interval;
            return this;
        }

        /**
         * Creates the capture.
         *
         * @return the capture, not yet relaying
         */
        public Capture build() {
            return new Capture(this);
        }
    }

    /**
     * The reserved log table where the relay records which outbox rows each log transaction holds.
     *
     * @param name the capture's name
     * @return the table name
     */
    public static String positionTable(String name) {
        return "deltalog.capture/" + name + "/position";
    }

    /**
     * The reserved log table that names the columns of each captured table: row id = shape id, tuple = (table,
     * row id column or null, then name and type of each column). A table gets a new shape at each install.
     *
     * @param name the capture's name
     * @return the table name
     */
    public static String columnsTable(String name) {
        return "deltalog.capture/" + name + "/columns";
    }

    static String consumerName(String name) {
        return "deltalog.capture/" + name;
    }

    static Tuple columnsTuple(TableShape shape) {
        List<Object> values = new ArrayList<>();
        values.add(shape.table());
        values.add(shape.rowIdColumn());
        for (CapturedColumn c : shape.columns()) {
            values.add(c.name());
            values.add(c.type());
        }
        return Tuple.of(values);
    }

    /**
     * Installs capture for tables using a connection from the source. See {@link #install(Connection, String...)}.
     *
     * @param tables table names
     * @return the tables' names as the database stores them (the log's table names)
     * @throws CaptureException for a missing table, a table without usable row id, an unsupported column type, a
     *     locked or unreachable database
     */
    public List<String> install(String... tables) {
        try (Connection c = source.get()) {
            return install(c, tables);
        } catch (SQLException e) {
            throw Failures.of("cannot connect to the captured database", e);
        }
    }

    /**
     * Installs capture for tables: creates the outbox and the catalog if missing, and triggers on each table, in
     * one database transaction; then tracks the tables in the log with their {@link io.github.deltalog.TableSchema}
     * (column names, log types by {@link Dialect#logType}, primary key). Idempotent for a table whose columns did
     * not change; a table whose columns changed gets a new shape (its earlier changes keep the old one), which the
     * log records as a new schema version just before the first change captured under it.
     *
     * @param c a connection to the database; its auto-commit mode is restored
     * @param tables table names as typed (found as is, upper-cased or lower-cased)
     * @return the tables' names as the database stores them (the log's table names)
     * @throws CapturedTableChangedException if a table's columns changed in a way the log's schema versions cannot
     *     follow (only appended and dropped columns and widened types can be); nothing is installed then
     * @throws CaptureException for a missing table, a table without usable row id, an unsupported column type, a
     *     locked database; nothing is installed then
     */
    public List<String> install(Connection c, String... tables) {
        if (tables.length == 0) {
            throw new IllegalArgumentException("name at least one table to capture");
        }
        List<String> names;
        try {
            Dialect dialect = Dialect.of(c);
            names = Installer.install(c, (active, wanted) -> checkFollows(dialect, active, wanted), tables);
            CaptureCatalog.Shapes shapes = CaptureCatalog.load(c);
            for (String n : names) {
                // A first shape is registered now; a later one when the relay meets its first change, so that
                // changes captured under the earlier shape are recorded under the earlier version.
                if (log.schema(n).isEmpty() && !CaptureCatalog.hadEarlierShape(shapes, n)) {
                    log.track(n, LogSchema.of(shapes.activeOf(n), dialect));
                } else {
                    log.track(n);
                }
            }
        } catch (SQLException e) {
            throw Failures.of("cannot install capture for " + List.of(tables), e);
        }
        log.track(positionTable(name));
        log.track(columnsTable(name));
        log.consumer(consumerName(name));
        return names;
    }

    /** Refuses a new shape of a table that the log's schema versions cannot follow. */
    private void checkFollows(Dialect dialect, TableShape active, TableShape wanted) {
        io.github.deltalog.TableSchema next = LogSchema.of(wanted, dialect);
        if (active != null) {
            LogSchema.changes(wanted.table(), LogSchema.of(active, dialect), next);
        }
        io.github.deltalog.TableSchema logged = log.schema(wanted.table()).orElse(null);
        if (logged != null && !logged.sameColumns(next)) {
            LogSchema.changes(wanted.table(), logged, next);
        }
    }

    /**
     * Removes capture from tables (all captured tables if none is named): drops their triggers, relays what
     * they captured before, and, once no table is captured any more, drops the outbox and the catalog.
     *
     * @param c a connection to the database; its auto-commit mode is restored
     * @param tables table names, or none for all
     * @return the number of database transactions relayed on the way
     * @throws CaptureException if the database refuses or is locked
     */
    public int uninstall(Connection c, String... tables) {
        try {
            Dialect dialect = Dialect.of(c);
            if (!CaptureCatalog.exists(c, dialect)) {
                return 0;
            }
            Installer.removeTriggers(c, dialect, tables);
            int moved = relayAvailable(c);
            Installer.dropIfUnused(c, dialect);
            return moved;
        } catch (SQLException e) {
            throw Failures.of("cannot uninstall capture", e);
        }
    }

    /**
     * Checks that capture is installed for tables, for a caller that means to relay them.
     *
     * @param c a connection to the database
     * @param tables table names as the application writes them
     * @throws CaptureException naming the first table that does not exist or is not captured, with the tables
     *     that are; or if the database refuses or is locked
     */
    public void requireCaptured(Connection c, String... tables) {
        try {
            Dialect dialect = Dialect.of(c);
            List<String> captured = new ArrayList<>();
            if (CaptureCatalog.exists(c, dialect)) {
                CaptureCatalog.Shapes shapes = CaptureCatalog.load(c);
                for (int id : shapes.active()) {
                    captured.add(shapes.all().get(id).table());
                }
                Collections.sort(captured);
            }
            for (String t : tables) {
                String table = dialect.findTable(c, t);
                if (table == null) {
                    throw new CaptureException("no table " + t + " in the " + dialect.name() + " database");
                }
                if (!captured.contains(table)) {
                    throw new CaptureException("table " + table + " is not captured in the " + dialect.name()
                            + " database (captured: " + (captured.isEmpty() ? "none" : String.join(", ", captured))
                            + "); install capture for it first");
                }
            }
        } catch (SQLException e) {
            throw Failures.of("cannot read which tables are captured", e);
        }
    }

    /**
     * Prepares a connection the application writes captured tables with. Required for SQLite (the triggers call
     * a per-connection function that marks transaction boundaries, and the connection's commits wake the
     * background relay); a no-op for H2. Call it once per connection, before its first write.
     *
     * @param c the application's connection
     * @throws CaptureException if the driver refuses
     */
    public void enlist(Connection c) {
        try {
            Dialect.of(c).enlist(c, background::wake);
        } catch (SQLException e) {
            throw Failures.of("cannot enlist the connection", e);
        }
    }

    /**
     * Moves every committed captured change into the log now, in the calling thread.
     *
     * @return the number of database transactions moved
     * @throws CapturedTableChangedException if a captured table changed in a way capture cannot follow (dropped,
     *     lost its triggers, a column retyped or moved)
     * @throws CaptureException if the database is unreachable or locked
     */
    public int relayAvailable() {
        try (Connection c = source.get()) {
            return relayAvailable(c);
        } catch (SQLException e) {
            throw Failures.of("cannot relay captured changes", e);
        }
    }

    /**
     * Moves every committed captured change into the log now, over a given connection.
     *
     * @param c a connection to the captured database
     * @return the number of database transactions moved
     * @throws CapturedTableChangedException if a captured table changed in a way capture cannot follow (dropped,
     *     lost its triggers, a column retyped or moved)
     * @throws CaptureException if the database is locked
     */
    public int relayAvailable(Connection c) {
        return relayAvailable(c, n -> {});
    }

    /**
     * Moves every committed captured change into the log now, reporting each log commit.
     *
     * @param c a connection to the captured database
     * @param moved called after each log commit with its number of deltas
     * @return the number of database transactions moved
     * @throws CapturedTableChangedException if a captured table changed in a way capture cannot follow (dropped,
     *     lost its triggers, a column retyped or moved)
     * @throws CaptureException if the database is locked
     */
    public int relayAvailable(Connection c, IntConsumer moved) {
        synchronized (lock) {
            try {
                return relay.relay(c, Dialect.of(c), moved);
            } catch (SQLException e) {
                throw Failures.of("cannot relay captured changes", e);
            }
        }
    }

    /**
     * Starts relaying in a background daemon thread: after each commit of an {@link #enlist enlisted} SQLite
     * connection, and every poll interval. A failure is kept ({@link #failure()}) and retried at the next
     * interval, except a {@link CapturedTableChangedException}, which stops the thread. The thread keeps its
     * connection (H2: two) open between passes, until {@link #close()} or a failure. Idempotent.
     *
     * <p>Before the thread starts, makes sure the outbox hands out ids above those it holds ({@link
     * Dialect#ensureOutboxIdsAbove}): after a crash H2 can restart the outbox's identity below them, and the
     * application's writes would then fail on a duplicate key or be ordered before older unmoved changes. An
     * application that reopens its database after a crash should call {@code start()} (or {@link #install} or
     * {@link #relayAvailable()}) before its first write to a captured table.
     *
     * @throws CaptureException if the database cannot be reached for that check
     */
    public void start() {
        if (!background.isRunning()) {
            // On the connection the background relay keeps: a connection of its own, opened and closed here, could
            // close and reopen an embedded database that no other connection holds open.
            try {
                synchronized (lock) {
                    Connection c = backgroundConnection();
                    Dialect.of(c).ensureOutboxIdsAbove(c);
                }
            } catch (SQLException e) {
                closeBackgroundConnection();
                throw Failures.of("cannot check the ids of the capture's outbox", e);
            } catch (RuntimeException e) {
                closeBackgroundConnection();
                throw e;
            }
        }
        background.start();
    }

    /** The connection the background relay keeps, opened on first use. */
    private Connection backgroundConnection() throws SQLException {
        synchronized (lock) {
            if (backgroundConnection == null) {
                backgroundConnection = source.get();
            }
            return backgroundConnection;
        }
    }

    private void backgroundPass() {
        try {
            relayAvailable(backgroundConnection());
        } catch (SQLException e) {
            closeBackgroundConnection();
            throw Failures.of("cannot relay captured changes", e);
        } catch (RuntimeException e) {
            closeBackgroundConnection();
            throw e;
        }
    }

    private void closeBackgroundConnection() {
        synchronized (lock) {
            Connection c = backgroundConnection;
            backgroundConnection = null;
            if (c != null) {
                try {
                    c.close();
                } catch (SQLException e) {
                    // the connection was broken: nothing of ours is lost with it
                }
            }
        }
    }

    /**
     * Tells whether the background relay runs.
     *
     * @return true between {@link #start()} and {@link #close()} unless a table change stopped it
     */
    public boolean isRunning() {
        return background.isRunning();
    }

    /**
     * Returns the background relay's last failure.
     *
     * @return the failure of its last pass, or null if it succeeded
     */
    public Throwable failure() {
        return background.failure();
    }

    /**
     * Returns the columns a captured table had at its latest install, as the log records them.
     *
     * @param table the log's table name
     * @return the columns, empty if the log holds none for the table (nothing relayed yet)
     */
    public List<CapturedColumn> columns(String table) {
        String columnsTable = columnsTable(name);
        if (!log.isTracked(columnsTable)) {
            return List.of();
        }
        List<CapturedColumn> latest = List.of();
        long latestShape = -1;
        try (DeltaCursor cursor = log.changesAfter(columnsTable, Math.max(0L, log.oldestRetained()))) {
            for (Delta d : cursor) {
                Tuple t = d.op() instanceof DeltaOp.Update u ? u.after() : ((DeltaOp.Insert) d.op()).after();
                if (table.equals(t.get(0)) && d.rowId() > latestShape) {
                    latestShape = d.rowId();
                    List<CapturedColumn> cols = new ArrayList<>();
                    for (int i = 2; i + 1 < t.size(); i += 2) {
                        cols.add(new CapturedColumn((String) t.get(i), (String) t.get(i + 1)));
                    }
                    latest = List.copyOf(cols);
                }
            }
        }
        return latest;
    }

    /**
     * Stops the background relay (waits for its current pass) and closes the relay's own connections. The log and
     * the database stay open: they are the caller's.
     *
     * @throws CaptureException if closing the relay's connections fails
     */
    @Override
    public void close() {
        background.stop();
        closeBackgroundConnection();
        synchronized (lock) {
            try {
                relay.close();
            } catch (SQLException e) {
                throw Failures.of("cannot close the relay's connection", e);
            }
        }
    }

    @Override
    public String toString() {
        return "Capture[" + name + "]";
    }
}
