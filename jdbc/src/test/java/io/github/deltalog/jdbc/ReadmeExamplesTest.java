package io.github.deltalog.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.deltalog.DeltaCursor;
import io.github.deltalog.DeltaLog;
import io.github.deltalog.DeltaOp;
import io.github.deltalog.Tuple;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's two capture examples, as they are there (only the file locations differ), and what they print. */
class ReadmeExamplesTest {
    @TempDir
    Path dir;

    private PrintStream printing(ByteArrayOutputStream bytes) {
        return new PrintStream(bytes, true, StandardCharsets.UTF_8);
    }

    @Test
    void h2Example() throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream stdout = System.out;
        System.setOut(printing(printed));
        try {
            String url = "jdbc:h2:" + dir.resolve("shop").toAbsolutePath();
            try (DeltaLog log = DeltaLog.open(dir.resolve("shop.deltas"));
                    Capture capture = Capture.of(log, () -> DriverManager.getConnection(url));
                    Connection app = DriverManager.getConnection(url);
                    Statement sql = app.createStatement()) {
                sql.execute("CREATE TABLE IF NOT EXISTS orders(id BIGINT PRIMARY KEY, amount DECIMAL(10,2))");
                capture.install(app, "orders"); // triggers + outbox; log table "ORDERS"
                capture.start(); // background relay, polls every 100 ms
                app.setAutoCommit(false);
                sql.execute("INSERT INTO orders VALUES (1, 9.50)");
                sql.execute("UPDATE orders SET amount = 12.00 WHERE id = 1");
                app.commit(); // one database transaction ...
                capture.close(); // (stops the background relay)
                capture.relayAvailable(); // ... is one log transaction
                try (DeltaCursor c = log.changesAfter("ORDERS", 0L)) {
                    c.forEach(System.out::println); // Insert (1, 12.00) at row id 1
                }
            }
        } finally {
            System.setOut(stdout);
        }
        String out = printed.toString(StandardCharsets.UTF_8);
        assertEquals(1, out.lines().count(), out);
        try (DeltaLog log = DeltaLog.open(dir.resolve("shop.deltas"));
                DeltaCursor c = log.changesAfter("ORDERS", 0L)) {
            assertEquals(
                    new DeltaOp.Insert(Tuple.of(1L, new BigDecimal("12.00"))),
                    c.iterator().next().op());
        }
    }

    @Test
    void sqliteExample() throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream stdout = System.out;
        System.setOut(printing(printed));
        try {
            String url = "jdbc:sqlite:" + dir.resolve("shop.db").toAbsolutePath();
            try (DeltaLog log = DeltaLog.open(dir.resolve("shop.deltas"));
                    Capture capture = Capture.of(log, () -> DriverManager.getConnection(url));
                    Connection app = DriverManager.getConnection(url);
                    Statement sql = app.createStatement()) {
                sql.execute("CREATE TABLE IF NOT EXISTS orders(id INTEGER PRIMARY KEY, amount REAL)");
                capture.install(app, "orders"); // log table "orders"
                capture.enlist(app); // every writing connection, once
                capture.start(); // woken by each commit of app
                sql.execute("INSERT INTO orders VALUES (1, 9.5)"); // auto-commit: one transaction each
                sql.execute("DELETE FROM orders WHERE id = 1");
                capture.close();
                capture.relayAvailable();
                try (DeltaCursor c = log.changesAfter("orders", 0L)) {
                    c.forEach(System.out::println); // Insert, then Delete, of row id 1
                }
            }
        } finally {
            System.setOut(stdout);
        }
        String out = printed.toString(StandardCharsets.UTF_8);
        List<String> lines = new ArrayList<>(out.lines().toList());
        assertEquals(2, lines.size(), out);
        assertEquals(true, lines.get(0).contains("Insert") && lines.get(1).contains("Delete"), out);
    }
}
