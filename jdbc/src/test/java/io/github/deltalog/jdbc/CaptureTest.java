package io.github.deltalog.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.deltalog.Delta;
import io.github.deltalog.DeltaCursor;
import io.github.deltalog.DeltaLog;
import io.github.deltalog.DeltaOp;
import io.github.deltalog.Tuple;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class CaptureTest {
    @TempDir
    Path dir;

    private static List<Delta> deltas(DeltaLog log, String table) {
        List<Delta> out = new ArrayList<>();
        try (DeltaCursor c = log.changesAfter(table, 0L)) {
            c.forEach(out::add);
        }
        return out;
    }

    private static String table(Db db) {
        return db == Db.H2 ? "ORDERS" : "orders";
    }

    @ParameterizedTest
    @EnumSource(Db.class)
    void committedChangesArriveGroupedByTransactionAndRollbacksNever(Db db) throws SQLException {
        try (DeltaLog log = DeltaLog.open(dir.resolve("log.deltas"));
                Capture capture = Capture.of(log, () -> db.connect(dir));
                Connection app = db.connect(dir)) {
            Db.exec(app, "CREATE TABLE orders(id " + db.integerKey() + ", name VARCHAR(100), amount DECIMAL(10,2))");
            assertEquals(List.of(table(db)), capture.install("orders"));
            capture.enlist(app);
            Db.exec(app, "INSERT INTO orders VALUES (1, 'alice', 9.50)");
            app.setAutoCommit(false);
            Db.exec(app, "INSERT INTO orders VALUES (2, 'bob', 1.00)");
            Db.exec(app, "UPDATE orders SET amount = 12.00 WHERE id = 1");
            app.commit();
            Db.exec(app, "INSERT INTO orders VALUES (3, 'rolled back', 5.00)");
            Db.exec(app, "DELETE FROM orders WHERE id = 2");
            app.rollback();
            Db.exec(app, "DELETE FROM orders WHERE id = 2");
            app.commit();
            app.setAutoCommit(true);

            assertEquals(3, capture.relayAvailable());
            assertEquals(0, capture.relayAvailable());
            List<Delta> ds = deltas(log, table(db));
            assertEquals(4, ds.size(), ds.toString());
            Object one = 1L;
            // SQLite keeps 9.50 as REAL 9.5 and 12.00 as INTEGER 12; capture reads both at the declared scale.
            Object amount950 = new BigDecimal("9.50");
            Object amount12 = new BigDecimal("12.00");
            assertEquals(
                    new DeltaOp.Insert(Tuple.of(one, "alice", amount950)),
                    ds.get(0).op());
            // one database transaction = one commit timestamp
            assertEquals(ds.get(1).commitTimestamp(), ds.get(2).commitTimestamp());
            Map<Long, DeltaOp> second = new TreeMap<>();
            second.put(ds.get(1).rowId(), ds.get(1).op());
            second.put(ds.get(2).rowId(), ds.get(2).op());
            assertEquals(
                    new DeltaOp.Update(Tuple.of(one, "alice", amount950), Tuple.of(one, "alice", amount12)),
                    second.get(1L));
            assertTrue(second.get(2L) instanceof DeltaOp.Insert);
            assertEquals(2L, ds.get(3).rowId());
            assertTrue(ds.get(3).op() instanceof DeltaOp.Delete);
            assertTrue(ds.get(3).commitTimestamp() > ds.get(2).commitTimestamp());
            assertFalse(ds.toString().contains("rolled back"));
            assertEquals(
                    List.of("ID", "NAME", "AMOUNT"),
                    capture.columns(table(db)).stream()
                            .map(c -> c.name().toUpperCase(java.util.Locale.ROOT))
                            .toList());
        }
    }

    /**
     * H2: the trigger keeps its outbox statement and transaction key per session on the firing thread; two
     * transactions interleaved on one thread must still get one key each, the hash of what {@code TRANSACTION_ID()}
     * and {@code CURRENT_TIMESTAMP(9)} give, and become one log commit each.
     */
    @org.junit.jupiter.api.Test
    void interleavedH2TransactionsOnOneThreadStayApart() throws SQLException {
        Db db = Db.H2;
        try (DeltaLog log = DeltaLog.open(dir.resolve("log.deltas"));
                Capture capture = Capture.of(log, () -> db.connect(dir));
                Connection a = db.connect(dir);
                Connection b = db.connect(dir)) {
            Db.exec(a, "CREATE TABLE orders(id " + db.integerKey() + ", name VARCHAR(100), amount DECIMAL(10,2))");
            capture.install("orders");
            a.setAutoCommit(false);
            b.setAutoCommit(false);
            for (int i = 0; i < 3; i++) {
                Db.exec(a, "INSERT INTO orders VALUES (" + (10 + i) + ", 'a', 1.00)");
                Db.exec(b, "INSERT INTO orders VALUES (" + (20 + i) + ", 'b', 2.00)");
            }
            for (Connection c : List.of(a, b)) {
                List<Long> keys = new ArrayList<>();
                long expected;
                try (var s = c.createStatement();
                        var rs = s.executeQuery("SELECT TRANSACTION_ID(), CURRENT_TIMESTAMP(9)")) {
                    rs.next();
                    expected = H2CaptureTrigger.transactionKey(rs.getLong(1), rs.getString(2));
                }
                try (var s = c.createStatement();
                        var rs = s.executeQuery("SELECT DISTINCT TX FROM " + Dialect.OUTBOX)) {
                    while (rs.next()) {
                        keys.add(rs.getLong(1));
                    }
                }
                assertEquals(List.of(expected), keys, "the outbox rows this transaction sees");
            }
            Db.exec(a, "UPDATE orders SET amount = 3.00 WHERE id = 10");
            a.commit();
            b.commit();
            assertEquals(2, capture.relayAvailable());
            List<Delta> ds = deltas(log, table(db));
            Map<Long, List<Long>> rowsByCommit = new TreeMap<>();
            for (Delta d : ds) {
                rowsByCommit
                        .computeIfAbsent(d.commitTimestamp(), k -> new ArrayList<>())
                        .add(d.rowId());
            }
            // b's last outbox row precedes a's UPDATE, so b is first; a's insert and update of row 10 net to one insert
            assertEquals(
                    List.of(List.of(20L, 21L, 22L), List.of(10L, 11L, 12L)),
                    new ArrayList<>(rowsByCommit.values()),
                    ds.toString());
            assertEquals(
                    new DeltaOp.Insert(Tuple.of(10L, "a", new BigDecimal("3.00"))),
                    ds.get(3).op());
        }
    }

    /**
     * H2: an outbox created before the narrow layout (string key, operation and row id columns) keeps working: the
     * trigger writes that layout into it and the relay reads it; a rolled-back transaction leaves nothing.
     */
    @org.junit.jupiter.api.Test
    void h2OutboxOfTheEarlierLayoutKeepsWorking() throws SQLException {
        Db db = Db.H2;
        try (DeltaLog log = DeltaLog.open(dir.resolve("log.deltas"));
                Capture capture = Capture.of(log, () -> db.connect(dir));
                Connection app = db.connect(dir)) {
            Db.exec(
                    app,
                    "CREATE TABLE " + Dialect.OUTBOX + "(ID BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
                            + " TX VARCHAR(200) NOT NULL, SHAPE INTEGER NOT NULL, OP TINYINT NOT NULL, OLD_RID BIGINT,"
                            + " NEW_RID BIGINT, OLD_IMG VARBINARY, NEW_IMG VARBINARY)");
            Db.exec(app, "CREATE TABLE t(id " + db.integerKey() + ", v VARCHAR(10))");
            capture.install(app, "t");
            app.setAutoCommit(false);
            Db.exec(app, "INSERT INTO t VALUES (1, 'a')");
            Db.exec(app, "INSERT INTO t VALUES (2, 'b')");
            app.commit();
            Db.exec(app, "UPDATE t SET v = 'x' WHERE id = 1");
            app.rollback();
            Db.exec(app, "UPDATE t SET id = 3 WHERE id = 2");
            Db.exec(app, "DELETE FROM t WHERE id = 1");
            app.commit();
            List<String> keys = new ArrayList<>();
            try (var s = app.createStatement();
                    var rs =
                            s.executeQuery("SELECT TX, OP, OLD_RID, NEW_RID FROM " + Dialect.OUTBOX + " ORDER BY ID")) {
                while (rs.next()) {
                    keys.add(rs.getString(1).replaceAll("@.*", "") + " " + rs.getInt(2) + " " + rs.getObject(3) + " "
                            + rs.getObject(4));
                }
            }
            assertEquals(4, keys.size(), keys.toString());
            assertTrue(keys.get(2).endsWith(" 2 2 3") && keys.get(3).endsWith(" 3 1 null"), keys.toString());
            assertEquals(2, capture.relayAvailable(app));
            List<Delta> ds = deltas(log, "T");
            assertEquals(
                    List.of(
                            new DeltaOp.Insert(Tuple.of(1L, "a")),
                            new DeltaOp.Insert(Tuple.of(2L, "b")),
                            new DeltaOp.Delete(Tuple.of(1L, "a")),
                            new DeltaOp.Delete(Tuple.of(2L, "b")),
                            new DeltaOp.Insert(Tuple.of(3L, "b"))),
                    ds.stream().map(Delta::op).toList(),
                    ds.toString());
            assertEquals(ds.get(0).commitTimestamp(), ds.get(1).commitTimestamp());
            assertEquals(ds.get(2).commitTimestamp(), ds.get(4).commitTimestamp());
            app.setAutoCommit(true);
            assertEquals(
                    0,
                    LogCheck.committedRows(app, "SELECT ID FROM " + Dialect.OUTBOX)
                            .size());
        }
    }

    @ParameterizedTest
    @EnumSource(Db.class)
    void uninstallRelaysTheRestAndRemovesEverything(Db db) throws SQLException {
        try (DeltaLog log = DeltaLog.open(dir.resolve("log.deltas"));
                Capture capture = Capture.of(log, () -> db.connect(dir));
                Connection app = db.connect(dir)) {
            Db.exec(app, "CREATE TABLE t(id " + db.integerKey() + ", v VARCHAR(10))");
            capture.install(app, "t");
            capture.enlist(app);
            Db.exec(app, "INSERT INTO t VALUES (1, 'a')");
            assertEquals(1, capture.uninstall(app));
            Db.exec(app, "INSERT INTO t VALUES (2, 'b')");
            assertEquals(null, new H2Dialect().findTable(app, "DELTALOG_OUTBOX"));
            assertEquals(1, deltas(log, db == Db.H2 ? "T" : "t").size());
            assertThrows(CaptureException.class, capture::relayAvailable);
        }
    }

    @ParameterizedTest
    @EnumSource(Db.class)
    void clearErrorsForMissingTablesAndTablesWithoutRowId(Db db) throws SQLException {
        try (DeltaLog log = DeltaLog.open(dir.resolve("log.deltas"));
                Capture capture = Capture.of(log, () -> db.connect(dir));
                Connection app = db.connect(dir)) {
            CaptureException missing = assertThrows(CaptureException.class, () -> capture.install(app, "nope"));
            assertTrue(missing.getMessage().contains("no table nope"), missing.getMessage());
            if (db == Db.H2) {
                Db.exec(app, "CREATE TABLE k(a VARCHAR(10) PRIMARY KEY, b INT)");
            } else {
                Db.exec(app, "CREATE TABLE k(a TEXT PRIMARY KEY, b INT) WITHOUT ROWID");
            }
            CaptureException noRowId = assertThrows(CaptureException.class, () -> capture.install(app, "k"));
            assertTrue(noRowId.getMessage().contains("no usable row id"), noRowId.getMessage());
            assertTrue(
                    noRowId.getMessage().toUpperCase(java.util.Locale.ROOT).contains("TABLE K"), noRowId.getMessage());
            assertEquals(null, new H2Dialect().findTable(app, "DELTALOG_OUTBOX"), "nothing installed");
        }
    }
}
