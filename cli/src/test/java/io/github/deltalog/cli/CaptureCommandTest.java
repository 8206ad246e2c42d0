package io.github.deltalog.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.deltalog.DeltaLog;
import io.github.deltalog.jdbc.Capture;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CaptureCommandTest {
    @TempDir
    Path dir;

    private static void exec(Connection c, String... sql) throws Exception {
        try (Statement s = c.createStatement()) {
            for (String q : sql) {
                s.execute(q);
            }
        }
    }

    @Test
    void installRelayUninstallOnH2() throws Exception {
        String url = "jdbc:h2:" + dir.resolve("app").toAbsolutePath();
        String file = dir.resolve("log.deltas").toString();
        try (Connection app = DriverManager.getConnection(url)) {
            exec(app, "CREATE TABLE orders(id BIGINT PRIMARY KEY, name VARCHAR(20))");
            Cli.Result install = Cli.run("capture", "install", "--jdbc", url, "--table", "orders", file);
            assertEquals(0, install.exitCode(), install.toString());
            assertTrue(install.out().contains("capture installed for ORDERS"), install.toString());
            exec(
                    app,
                    "INSERT INTO orders VALUES (1, 'a')",
                    "INSERT INTO orders VALUES (2, 'b')",
                    "UPDATE orders SET name = 'c' WHERE id = 1");
            Cli.Result relay = Cli.run("capture", "relay", "--once", "--jdbc", url, file);
            assertEquals(0, relay.exitCode(), relay.toString());
            assertTrue(relay.out().contains("relayed 3 database transactions (3 deltas)"), relay.toString());
            Cli.Result dump = Cli.run("dump", file);
            assertEquals(0, dump.exitCode(), dump.toString());
            assertEquals(3, dump.out().lines().count(), dump.toString());
            assertTrue(dump.out().lines().allMatch(l -> l.contains("\"table\":\"ORDERS\"")), dump.toString());
            Cli.Result all = Cli.run("dump", "--internal", file);
            assertEquals(0, all.exitCode(), all.toString());
            assertTrue(all.out().contains(Capture.positionTable("main")), all.toString());
            exec(app, "DELETE FROM orders WHERE id = 2");
            Cli.Result uninstall = Cli.run("capture", "uninstall", "--jdbc", url, file);
            assertEquals(0, uninstall.exitCode(), uninstall.toString());
            assertTrue(uninstall.out().contains("1 transaction relayed"), uninstall.toString());
        }
        try (DeltaLog log = DeltaLog.open(Path.of(file))) {
            assertEquals(4, log.count("ORDERS", 0L));
            assertEquals(4, log.count(Capture.positionTable("main"), 0L));
        }
    }

    @Test
    void relayOnSqlite() throws Exception {
        String url = "jdbc:sqlite:" + dir.resolve("app.db").toAbsolutePath();
        String file = dir.resolve("log.deltas").toString();
        try (Connection app = DriverManager.getConnection(url)) {
            exec(app, "CREATE TABLE orders(id INTEGER PRIMARY KEY, name TEXT)");
            Cli.Result install = Cli.run("capture", "install", "--jdbc", url, "--table", "orders", file);
            assertEquals(0, install.exitCode(), install.toString());
            try (DeltaLog log = DeltaLog.open(Path.of(file));
                    Capture capture = Capture.of(log, () -> DriverManager.getConnection(url))) {
                capture.enlist(app);
            }
            exec(app, "INSERT INTO orders VALUES (1, 'a')", "INSERT INTO orders VALUES (2, 'b')");
            exec(app, "CREATE TABLE notes(id INTEGER PRIMARY KEY, body TEXT)");
            Cli.Result uncaptured = Cli.run("capture", "relay", "--once", "--jdbc", url, "--table", "notes", file);
            assertEquals(Main.EXIT_ERROR, uncaptured.exitCode(), uncaptured.toString());
            assertTrue(
                    uncaptured.err().contains("table notes is not captured in the SQLite database (captured: orders)"),
                    uncaptured.toString());
            assertFalse(uncaptured.err().contains("relayed"), "a summary of nothing relayed: " + uncaptured);
            Cli.Result missing = Cli.run("capture", "relay", "--once", "--jdbc", url, "--table", "nope", file);
            assertEquals(Main.EXIT_ERROR, missing.exitCode(), missing.toString());
            assertTrue(missing.err().contains("no table nope in the SQLite database"), missing.toString());
            Cli.Result relay = Cli.run("capture", "relay", "--once", "--jdbc", url, "--table", "ORDERS", file);
            assertEquals(0, relay.exitCode(), relay.toString());
            assertTrue(relay.out().contains("relayed 2 database transactions (2 deltas)"), relay.toString());
        }
    }

    @Test
    void clearErrors() throws Exception {
        String file = dir.resolve("log.deltas").toString();
        Cli.Result wrongUrl = Cli.run("capture", "relay", "--once", "--jdbc", "jdbc:nosuch:x", file);
        assertEquals(Main.EXIT_ERROR, wrongUrl.exitCode(), wrongUrl.toString());
        assertTrue(wrongUrl.err().contains("no JDBC driver for this URL"), wrongUrl.toString());

        String missingDb = "jdbc:h2:" + dir.resolve("missing").toAbsolutePath();
        Cli.Result noDb = Cli.run("capture", "install", "--jdbc", missingDb, "--table", "t", file);
        assertEquals(Main.EXIT_ERROR, noDb.exitCode(), noDb.toString());
        assertTrue(
                noDb.err().contains("cannot open " + missingDb) && noDb.err().contains("not found"), noDb.toString());

        String url = "jdbc:sqlite:" + dir.resolve("app.db").toAbsolutePath();
        try (Connection app = DriverManager.getConnection(url)) {
            exec(
                    app,
                    "CREATE TABLE k(a TEXT PRIMARY KEY, b INT) WITHOUT ROWID",
                    "CREATE TABLE t(id INTEGER PRIMARY KEY)");
            Cli.Result missing = Cli.run("capture", "install", "--jdbc", url, "--table", "nope", file);
            assertEquals(Main.EXIT_ERROR, missing.exitCode(), missing.toString());
            assertTrue(missing.err().contains("no table nope in the SQLite database"), missing.toString());
            Cli.Result noRowId = Cli.run("capture", "install", "--jdbc", url, "--table", "k", file);
            assertEquals(Main.EXIT_ERROR, noRowId.exitCode(), noRowId.toString());
            assertTrue(noRowId.err().contains("table k has no usable row id"), noRowId.toString());

            app.setAutoCommit(false);
            exec(app, "INSERT INTO t VALUES (1)"); // holds SQLite's write lock
            Cli.Result locked = Cli.run(
                    "capture", "install", "--jdbc", url, "--jdbc-property", "busy_timeout=100", "--table", "t", file);
            assertEquals(Main.EXIT_ERROR, locked.exitCode(), locked.toString());
            assertTrue(locked.err().contains("locked"), locked.toString());
            app.rollback();
        }
    }
}
