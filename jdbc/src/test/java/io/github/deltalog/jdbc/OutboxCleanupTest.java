package io.github.deltalog.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.deltalog.Delta;
import io.github.deltalog.DeltaCursor;
import io.github.deltalog.DeltaLog;
import io.github.deltalog.DeltaOp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The relay's clean-up of moved outbox rows: H2 empties the outbox in one step only when it holds nothing else, and a
 * clean-up lost to a crash after the log commit is redone without recording anything twice.
 */
class OutboxCleanupTest {
    @TempDir
    Path dir;

    private Path dbDir() throws IOException {
        return Files.createDirectories(dir.resolve("db"));
    }

    private static long outboxRows(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + Dialect.OUTBOX)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static long[] outboxIdRange(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT MIN(ID), MAX(ID) FROM " + Dialect.OUTBOX)) {
            rs.next();
            return new long[] {rs.getLong(1), rs.getLong(2)};
        }
    }

    /** The row ids of the table's inserts in the log, in log order. */
    private static List<Long> insertedIds(DeltaLog log, String table) {
        List<Long> ids = new ArrayList<>();
        try (DeltaCursor c = log.changesAfter(table, 0L)) {
            for (Delta d : c) {
                assertTrue(d.op() instanceof DeltaOp.Insert, d.toString());
                ids.add(d.rowId());
            }
        }
        return ids;
    }

    @Test
    void h2EmptiesTheOutboxOnlyWhenItHoldsExactlyTheMovedRows() throws Exception {
        Path db = dbDir();
        H2Dialect dialect = new H2Dialect();
        try (DeltaLog log = DeltaLog.open(dir.resolve("log.deltas"));
                Capture capture = Capture.of(log, () -> Db.H2.connect(db));
                Connection app = Db.H2.connect(db);
                Connection other = Db.H2.connect(db);
                Connection relay = Db.H2.connect(db)) {
            Db.exec(app, "CREATE TABLE t(id BIGINT PRIMARY KEY, v VARCHAR(10))");
            capture.install(app, "t");
            capture.enlist(app);
            capture.enlist(other);
            for (int i = 1; i <= 3; i++) {
                Db.exec(app, "INSERT INTO t VALUES (" + i + ", 'x')");
            }
            long[] range = outboxIdRange(relay);
            assertEquals(3, outboxRows(relay));

            // Another committed row than the ones named: kept.
            assertFalse(dialect.clearIfOnly(relay, 2, range[0], range[1]));
            assertFalse(dialect.clearIfOnly(relay, 3, range[0], range[1] - 1));
            assertEquals(3, outboxRows(relay));

            // A transaction that wrote a captured row and is still open: nothing is emptied, its row survives.
            other.setAutoCommit(false);
            Db.exec(other, "INSERT INTO t VALUES (4, 'open')");
            assertFalse(dialect.clearIfOnly(relay, 3, range[0], range[1]));
            assertEquals(3, outboxRows(relay));
            // The relay moves the three committed rows and leaves the open transaction's row.
            assertEquals(3, capture.relayAvailable(relay));
            other.commit();
            assertEquals(1, outboxRows(relay));
            assertEquals(1, capture.relayAvailable(relay));
            assertEquals(0, outboxRows(relay));
            assertEquals(List.of(1L, 2L, 3L, 4L), insertedIds(log, "T"));

            // Exactly the moved rows: emptied, and writers go on afterwards (the table lock was released).
            Db.exec(app, "INSERT INTO t VALUES (5, 'y')");
            range = outboxIdRange(relay);
            assertTrue(dialect.clearIfOnly(relay, 1, range[0], range[1]));
            assertEquals(0, outboxRows(relay));
            assertTrue(relay.getAutoCommit());
            other.setAutoCommit(true);
            Db.exec(other, "INSERT INTO t VALUES (6, 'z')");
            assertEquals(1, outboxRows(relay));
        }
    }

    @Test
    void sqliteEmptiesTheOutboxOnlyWhenItHoldsExactlyTheMovedRows() throws Exception {
        Path db = dbDir();
        SqliteDialect dialect = new SqliteDialect();
        try (DeltaLog log = DeltaLog.open(dir.resolve("log.deltas"));
                Capture capture = Capture.of(log, () -> Db.SQLITE.connect(db));
                Connection app = Db.SQLITE.connect(db);
                Connection other = Db.SQLITE.connect(db);
                Connection relay = Db.SQLITE.connect(db)) {
            Db.exec(app, "CREATE TABLE t(id INTEGER PRIMARY KEY, v VARCHAR(10))");
            capture.install(app, "t");
            capture.enlist(app);
            capture.enlist(other);
            for (int i = 1; i <= 3; i++) {
                Db.exec(app, "INSERT INTO t VALUES (" + i + ", 'x')");
            }
            long[] range = outboxIdRange(relay);
            assertEquals(3, outboxRows(relay));

            // Another committed row than the ones named: kept.
            assertFalse(dialect.clearIfOnly(relay, 2, range[0], range[1]));
            assertFalse(dialect.clearIfOnly(relay, 3, range[0], range[1] - 1));
            assertEquals(3, outboxRows(relay));

            // A writer holds the database: the attempt gives up at once (the busy timeout is 20 s), nothing is
            // emptied, and the relay's busy timeout is back.
            other.setAutoCommit(false);
            Db.exec(other, "INSERT INTO t VALUES (4, 'open')");
            long deadline = System.nanoTime() + 10_000_000_000L; // half the busy timeout
            assertFalse(dialect.clearIfOnly(relay, 3, range[0], range[1]));
            assertTrue(System.nanoTime() < deadline, "waited for the writer");
            assertEquals(20_000, relay.unwrap(org.sqlite.SQLiteConnection.class).getBusyTimeout());
            other.commit();
            assertEquals(4, outboxRows(relay));
            assertEquals(4, capture.relayAvailable(relay));
            assertEquals(0, outboxRows(relay));
            assertEquals(List.of(1L, 2L, 3L, 4L), insertedIds(log, "t"));

            // Exactly the moved rows: emptied in the relay's auto-commit mode, and writers go on afterwards.
            Db.exec(app, "INSERT INTO t VALUES (5, 'y')");
            range = outboxIdRange(relay);
            assertTrue(dialect.clearIfOnly(relay, 1, range[0], range[1]));
            assertEquals(0, outboxRows(relay));
            assertTrue(relay.getAutoCommit());
            other.setAutoCommit(true);
            Db.exec(other, "INSERT INTO t VALUES (6, 'z')");
            assertEquals(1, outboxRows(relay));
        }
    }

    /**
     * A crash after the relay's log commit, before its clean-up reached the database file, simulated by putting back
     * a copy of the database files taken before the relay ran: the next relay finds the rows again, deletes them by
     * the positions the log holds, and records only the newer change.
     */
    @ParameterizedTest
    @EnumSource(Db.class)
    void aCleanupLostAfterTheLogCommitIsRedoneWithoutDuplicates(Db kind) throws Exception {
        Path db = dbDir();
        Path saved = dir.resolve("saved");
        String table = kind == Db.H2 ? "T" : "t";
        try (DeltaLog log = DeltaLog.open(dir.resolve("log.deltas"))) {
            try (Capture capture = Capture.of(log, () -> kind.connect(db));
                    Connection app = kind.connect(db)) {
                Db.exec(app, "CREATE TABLE t(id " + kind.integerKey() + ", v VARCHAR(10))");
                capture.install(app, "t");
                capture.enlist(app);
                app.setAutoCommit(false);
                for (int i = 1; i <= 4; i++) {
                    Db.exec(app, "INSERT INTO t VALUES (" + i + ", 'x')");
                    if (i % 2 == 0) {
                        app.commit(); // two transactions of two rows
                    }
                }
                app.setAutoCommit(true);
            }
            copy(db, saved);
            try (Capture capture = Capture.of(log, () -> kind.connect(db));
                    Connection c = kind.connect(db)) {
                assertEquals(2, capture.relayAvailable(c));
                assertEquals(0, outboxRows(c));
            }
            assertEquals(List.of(1L, 2L, 3L, 4L), insertedIds(log, table));

            deleteRecursively(db);
            copy(saved, db);
            try (Capture capture = Capture.of(log, () -> kind.connect(db));
                    Connection app = kind.connect(db)) {
                assertEquals(4, outboxRows(app), "the lost clean-up brought the rows back");
                capture.enlist(app);
                Db.exec(app, "INSERT INTO t VALUES (5, 'y')");
                assertEquals(1, capture.relayAvailable(app));
                assertEquals(0, outboxRows(app));
                assertEquals(0, capture.relayAvailable(app));
            }
            assertEquals(List.of(1L, 2L, 3L, 4L, 5L), insertedIds(log, table));
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path f : files.toList()) {
                Files.copy(f, to.resolve(f.getFileName()));
            }
        }
    }

    private static void deleteRecursively(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            for (Path f : files.toList()) {
                Files.delete(f);
            }
        }
    }
}
