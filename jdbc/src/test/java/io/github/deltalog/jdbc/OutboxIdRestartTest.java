package io.github.deltalog.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.deltalog.Delta;
import io.github.deltalog.DeltaCursor;
import io.github.deltalog.DeltaLog;
import io.github.deltalog.DeltaOp;
import io.github.deltalog.Tuple;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * After a crash H2 2.4 can reopen a database with the outbox's identity below ids the outbox still holds (its state
 * and the table are stored at different moments). Reproduced deterministically: the identity is forced back to 1
 * under unmoved outbox rows (ids 1-5 moved before, 6-8 unmoved), the database closed and reopened; capture then starts as an application would after a
 * crash, and the application's writes must neither fail on a duplicate outbox key nor be logged before the older
 * unmoved changes of the same row.
 */
class OutboxIdRestartTest {
    @TempDir
    Path dir;

    /** Where capture starts working on the reopened database before the application's first write. */
    enum Entry {
        START,
        INSTALL,
        RELAY
    }

    @ParameterizedTest
    @EnumSource(Entry.class)
    void h2IdentityRestartedBelowUnmovedRowsIsMovedAboveThem(Entry entry) throws SQLException {
        Db db = Db.H2;
        try (DeltaLog log = DeltaLog.open(dir.resolve("log.deltas"));
                Capture capture = Capture.of(log, () -> db.connect(dir));
                Connection app = db.connect(dir)) {
            Db.exec(app, "CREATE TABLE orders(id BIGINT PRIMARY KEY, v INTEGER)");
            capture.install("orders");
            // Outbox ids 1-5, moved and deleted: the identity restarted at 1 then collides with nothing and would only
            // order the new transactions before the unmoved ones at ids 6-8.
            Db.exec(app, "INSERT INTO orders VALUES (10, 1)");
            Db.exec(app, "UPDATE orders SET v = 2 WHERE id = 10");
            Db.exec(app, "UPDATE orders SET v = 3 WHERE id = 10");
            Db.exec(app, "DELETE FROM orders WHERE id = 10");
            Db.exec(app, "INSERT INTO orders VALUES (11, 1)");
            assertEquals(5, capture.relayAvailable());
            Db.exec(app, "INSERT INTO orders VALUES (1, 1)");
            Db.exec(app, "UPDATE orders SET v = 2 WHERE id = 1");
            Db.exec(app, "INSERT INTO orders VALUES (2, 1)");
            Db.exec(app, "ALTER TABLE " + Dialect.OUTBOX + " ALTER COLUMN ID RESTART WITH 1");
        }
        try (Connection c = db.connect(dir)) {
            long[] state = maxAndNext(c);
            assertEquals(8, state[0], "the largest unmoved outbox id");
            assertTrue(state[1] <= state[0], "the reopened identity is below the outbox's ids: " + state[1]);
        }
        try (DeltaLog log = DeltaLog.open(dir.resolve("log.deltas"));
                Capture capture = Capture.of(log, () -> db.connect(dir));
                Connection app = db.connect(dir)) {
            switch (entry) {
                case START -> capture.start();
                case INSTALL -> capture.install("orders");
                case RELAY -> assertEquals(3, capture.relayAvailable());
            }
            if (entry == Entry.RELAY) {
                // The pass moved the rows at ids 6-8 first, so the writes below could not show it; the pass still
                // moved the identity above them before reading.
                long next = maxAndNext(app)[1];
                assertTrue(next > 8, "the identity goes on above the outbox's ids: " + next);
            }
            Db.exec(app, "UPDATE orders SET v = 3 WHERE id = 1");
            Db.exec(app, "INSERT INTO orders VALUES (3, 1)");
            Db.exec(app, "DELETE FROM orders WHERE id = 2");
            app.setAutoCommit(false);
            Db.exec(app, "UPDATE orders SET v = 4 WHERE id = 1");
            Db.exec(app, "UPDATE orders SET v = 5 WHERE id = 3");
            app.commit();
            capture.relayAvailable();
            assertEquals(0, maxAndNext(app)[2], "outbox rows left");

            List<Delta> ds = new ArrayList<>();
            try (DeltaCursor cursor = log.changesAfter("ORDERS", 0L)) {
                cursor.forEach(ds::add);
            }
            List<DeltaOp> expected = List.of(
                    new DeltaOp.Insert(Tuple.of(10L, 1)),
                    new DeltaOp.Update(Tuple.of(10L, 1), Tuple.of(10L, 2)),
                    new DeltaOp.Update(Tuple.of(10L, 2), Tuple.of(10L, 3)),
                    new DeltaOp.Delete(Tuple.of(10L, 3)),
                    new DeltaOp.Insert(Tuple.of(11L, 1)),
                    new DeltaOp.Insert(Tuple.of(1L, 1)),
                    new DeltaOp.Update(Tuple.of(1L, 1), Tuple.of(1L, 2)),
                    new DeltaOp.Insert(Tuple.of(2L, 1)),
                    new DeltaOp.Update(Tuple.of(1L, 2), Tuple.of(1L, 3)),
                    new DeltaOp.Insert(Tuple.of(3L, 1)),
                    new DeltaOp.Delete(Tuple.of(2L, 1)),
                    new DeltaOp.Update(Tuple.of(1L, 3), Tuple.of(1L, 4)),
                    new DeltaOp.Update(Tuple.of(3L, 1), Tuple.of(3L, 5)));
            assertEquals(expected, ds.stream().map(Delta::op).toList(), ds.toString());
            Set<Long> commits = new LinkedHashSet<>();
            ds.forEach(d -> commits.add(d.commitTimestamp()));
            assertEquals(12, commits.size(), "one log commit per database transaction: " + ds);
            assertEquals(ds.get(11).commitTimestamp(), ds.get(12).commitTimestamp(), "the last transaction is whole");
        }
    }

    /** An identity that is fine is left alone: no DDL, no gap. */
    @Test
    void h2IdentityAboveTheOutboxIsLeftAlone() throws SQLException {
        Db db = Db.H2;
        try (DeltaLog log = DeltaLog.open(dir.resolve("log.deltas"));
                Capture capture = Capture.of(log, () -> db.connect(dir));
                Connection app = db.connect(dir)) {
            Db.exec(app, "CREATE TABLE orders(id BIGINT PRIMARY KEY, v INTEGER)");
            capture.install("orders");
            Db.exec(app, "INSERT INTO orders VALUES (1, 1)");
            long[] before = maxAndNext(app);
            assertFalse(new H2Dialect().ensureOutboxIdsAbove(app));
            assertEquals(before[1], maxAndNext(app)[1]);
        }
    }

    /**
     * SQLite: a new outbox's ID is the rowid without AUTOINCREMENT, so a new row gets {@code max(rowid) + 1} from the
     * table itself and cannot go below ids the outbox holds; nothing to repair.
     */
    @Test
    void sqliteOutboxIdsFollowTheTable() throws SQLException {
        Db db = Db.SQLITE;
        try (DeltaLog log = DeltaLog.open(dir.resolve("log.deltas"));
                Capture capture = Capture.of(log, () -> db.connect(dir));
                Connection app = db.connect(dir)) {
            Db.exec(app, "CREATE TABLE orders(id INTEGER PRIMARY KEY, v INTEGER)");
            capture.install("orders");
            capture.enlist(app);
            try (Statement s = app.createStatement();
                    ResultSet rs =
                            s.executeQuery("SELECT sql FROM sqlite_master WHERE name = '" + Dialect.OUTBOX + "'")) {
                assertTrue(rs.next());
                assertFalse(rs.getString(1).toUpperCase().contains("AUTOINCREMENT"), rs.getString(1));
            }
            Db.exec(app, "INSERT INTO orders VALUES (1, 1)");
            Db.exec(app, "INSERT INTO orders VALUES (2, 1)");
            assertFalse(new SqliteDialect().ensureOutboxIdsAbove(app));
        }
    }

    /** {max(ID) or 0, the identity's next value, row count} of the H2 outbox. */
    private static long[] maxAndNext(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT COALESCE(MAX(ID), 0), (SELECT IDENTITY_BASE FROM"
                        + " INFORMATION_SCHEMA.COLUMNS WHERE TABLE_NAME = '" + Dialect.OUTBOX + "' AND COLUMN_NAME"
                        + " = 'ID'), COUNT(*) FROM " + Dialect.OUTBOX)) {
            rs.next();
            return new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3)};
        }
    }
}
