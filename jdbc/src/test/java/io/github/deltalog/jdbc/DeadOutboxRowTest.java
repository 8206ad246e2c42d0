package io.github.deltalog.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.deltalog.Delta;
import io.github.deltalog.DeltaCursor;
import io.github.deltalog.DeltaLog;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.tx.TransactionStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The state an H2 kill can leave (found in a kept kill-loop round, see docs/TESTING.md "H2 under a kill"): a
 * transaction's writes stored without their undo log, so recovery cannot roll them back and they stay in the tables
 * as "dead" writes of a transaction id that is free again. H2 shows such a write to every reader while another
 * transaction with that (recycled) id commits: the relay's read and its witness then both see a change the
 * application never committed. Built here without a kill: the test drops a live transaction's undo log and rolls it
 * back (a rollback with no undo log leaves the writes, as recovery does), and holds a transaction of the same id in
 * H2's committing state while the relay runs.
 */
class DeadOutboxRowTest {
    @TempDir
    Path dir;

    @Test
    void aDeadRowIsNotMovedWhileATransactionWithItsIdCommits() throws Exception {
        try (DeltaLog log = DeltaLog.open(dir.resolve("log.deltas"));
                Capture capture = Capture.of(log, () -> Db.H2.connect(dir));
                Connection app = Db.H2.connect(dir);
                Connection relay = Db.H2.connect(dir)) {
            Db.exec(app, "CREATE TABLE t(id BIGINT PRIMARY KEY, v VARCHAR(10))");
            capture.install(app, "t");
            // The dead transaction does not get the lowest id, so the relay's own transactions never get it below
            // (one that did would be the transaction this test holds as committing: no such state exists in H2,
            // an id is taken until its commit has ended; the relay's own case is the next test's).
            int deadId;
            try (Connection lower = Db.H2.connect(dir)) {
                lower.setAutoCommit(false);
                int low = session(lower).getTransaction().getId();
                deadId = insertDead(app, "INSERT INTO t VALUES (1, 'dead')");
                assertTrue(deadId > low);
                lower.rollback();
            }
            Db.exec(app, "INSERT INTO t VALUES (2, 'committed')");
            TransactionStore store = session(app).getDatabase().getStore().getTransactionStore();
            assertEquals(List.of(List.of(2L)), LogCheck.committedRows(app, "SELECT id FROM t"), "the database");
            long deadOutboxId = outboxIdOf(app, store, deadId);
            assertEquals(
                    new Dialect.UncommittedRows(Set.of(deadOutboxId), Set.of()),
                    new H2Dialect().uncommittedOutboxRows(relay, 0, Long.MAX_VALUE),
                    "the dead outbox row, read from H2's storage");

            // A live transaction got the dead one's id and is committing while the relay reads.
            try (Connection holder = connectionWithTransactionId(deadId)) {
                committing(store, deadId, true);
                try {
                    assertEquals(
                            2,
                            LogCheck.committedRows(relay, "SELECT ID FROM " + Dialect.OUTBOX)
                                    .size(),
                            "H2 shows the dead row to another reader meanwhile");
                    capture.relayAvailable(relay);
                } finally {
                    committing(store, deadId, false);
                }
                holder.rollback();
            }
            assertEquals(List.of(2L), insertedIds(log), "the log after a relay during the recycled id's commit");

            // The same with the id free again when the relay checks (the commit ended after the relay's read).
            committing(store, deadId, true);
            try {
                capture.relayAvailable(relay);
            } finally {
                committing(store, deadId, false);
            }
            Db.exec(app, "INSERT INTO t VALUES (3, 'committed')");
            capture.relayAvailable(relay);
            assertEquals(List.of(2L, 3L), insertedIds(log), "the log");
        }
    }

    /**
     * The relay's own read transaction gets the dead transaction's id (H2 hands out the lowest free one): its read
     * shows the dead row as the relay's own write. The row is not moved, and it is deleted, which ends it.
     */
    @Test
    void aDeadRowTheRelaysOwnTransactionSeesIsDeletedNotMoved() throws Exception {
        try (DeltaLog log = DeltaLog.open(dir.resolve("log.deltas"));
                Capture capture = Capture.of(log, () -> Db.H2.connect(dir));
                Connection app = Db.H2.connect(dir);
                Connection relay = Db.H2.connect(dir)) {
            Db.exec(app, "CREATE TABLE t(id BIGINT PRIMARY KEY, v VARCHAR(10))");
            capture.install(app, "t");
            int deadId = insertDead(app, "INSERT INTO t VALUES (1, 'dead')");
            Db.exec(app, "INSERT INTO t VALUES (2, 'committed')");
            relay.setAutoCommit(false);
            assertEquals(deadId, session(relay).getTransaction().getId(), "the relay's transaction gets the dead id");
            try (java.sql.Statement st = relay.createStatement();
                    java.sql.ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM " + Dialect.OUTBOX)) {
                rs.next();
                assertEquals(2, rs.getLong(1), "the relay's transaction sees the dead row as its own");
            }
            relay.rollback();
            relay.setAutoCommit(true);

            assertEquals(1, capture.relayAvailable(relay));
            assertEquals(List.of(2L), insertedIds(log), "the log");
            assertEquals(
                    Dialect.UncommittedRows.NONE,
                    new H2Dialect().uncommittedOutboxRows(relay, 0, Long.MAX_VALUE),
                    "the dead row is gone from H2's storage");
            Db.exec(app, "INSERT INTO t VALUES (3, 'committed')");
            assertEquals(1, capture.relayAvailable(relay));
            assertEquals(List.of(2L, 3L), insertedIds(log), "the log");
        }
    }

    /**
     * Runs the insert in a transaction that then loses its undo log (H2 stored the writes, not the log) and rolls
     * back, which undoes nothing without it: the writes stay, marked with the transaction's id, now free.
     *
     * @return the dead transaction's id
     */
    private static int insertDead(Connection c, String insert) throws SQLException {
        c.setAutoCommit(false);
        Db.exec(c, insert);
        SessionLocal session = session(c);
        int id = session.getTransaction().getId();
        session.getDatabase()
                .getStore()
                .getMvStore()
                .openMap(TransactionStore.UNDO_LOG_NAME_PREFIX + "." + id)
                .clear();
        c.rollback();
        c.setAutoCommit(true);
        return id;
    }

    /** The outbox id of the dead transaction's row, as that transaction's id sees it while committing. */
    private static long outboxIdOf(Connection c, TransactionStore store, int deadId) throws Exception {
        committing(store, deadId, true);
        try {
            List<List<Object>> ids = LogCheck.committedRows(c, "SELECT MIN(ID) FROM " + Dialect.OUTBOX);
            return ((Number) ids.get(0).get(0)).longValue();
        } finally {
            committing(store, deadId, false);
        }
    }

    private static SessionLocal session(Connection c) throws SQLException {
        return (SessionLocal) c.unwrap(JdbcConnection.class).getSession();
    }

    /** A connection whose open transaction has the given id (H2 hands out the lowest free one). */
    private Connection connectionWithTransactionId(int id) throws SQLException {
        List<Connection> others = new ArrayList<>();
        try {
            for (int i = 0; i < 64; i++) {
                Connection c = Db.H2.connect(dir);
                c.setAutoCommit(false);
                if (session(c).getTransaction().getId() == id) {
                    return c;
                }
                others.add(c);
            }
            throw new AssertionError("no transaction got id " + id);
        } finally {
            for (Connection c : others) {
                c.rollback();
                c.close();
            }
        }
    }

    /**
     * Puts a transaction id into, or takes it out of, the set H2 reads as "committing now" (what H2's commit does
     * for the duration of its rewrite of the transaction's rows; a commit cannot be paused from outside).
     */
    private static void committing(TransactionStore store, int id, boolean on) throws Exception {
        Method flip =
                TransactionStore.class.getDeclaredMethod("flipCommittingTransactionsBit", int.class, boolean.class);
        flip.setAccessible(true);
        flip.invoke(store, id, on);
    }

    private static List<Long> insertedIds(DeltaLog log) {
        List<Long> ids = new ArrayList<>();
        try (DeltaCursor c = log.changesAfter("T", 0L)) {
            for (Delta d : c) {
                assertTrue(!d.toString().contains("dead"), "a change never committed reached the log: " + d);
                ids.add(d.rowId());
            }
        }
        return ids;
    }
}
