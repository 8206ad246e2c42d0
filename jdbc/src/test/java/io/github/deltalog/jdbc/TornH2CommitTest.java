package io.github.deltalog.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.deltalog.DeltaLog;
import java.lang.reflect.Field;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.db.MVPrimaryIndex;
import org.h2.mvstore.db.MVTable;
import org.h2.mvstore.tx.TransactionStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The H2 state of the kept failing round of the one-writer kill loop (seed 3323933107087762455, round 8; see
 * docs/TESTING.md "H2 under a kill"), built without a kill: H2 stored a transaction while its commit was rewriting
 * its rows, the file held its outbox rows and one of its {@code items} rows as committed, its other {@code items}
 * row and its {@code committed} tag still marked with its id, and its undo log already cleared; after recovery
 * those two are dead writes no one sees. Here the commit rewrites only what is left in the undo log after the test
 * took the other records out of it. The relay moves the outbox rows H2 holds as committed (here the whole
 * transaction; the README's "logged as H2 kept its outbox rows"), the database holds part of it, and the kill loop's
 * check fails naming the dead writes that show H2's tear.
 */
class TornH2CommitTest {
    @TempDir
    Path dir;

    @Test
    void theLogHoldsTheOutboxH2KeptAndTheCheckNamesTheDeadWrites() throws Exception {
        try (DeltaLog log = DeltaLog.open(dir.resolve("log.deltas"));
                Capture capture = Capture.of(log, () -> Db.H2.connect(dir));
                Connection app = Db.H2.connect(dir);
                Connection relay = Db.H2.connect(dir)) {
            Workload.createSchema(app, Db.H2);
            capture.install(app, "items");
            app.setAutoCommit(false);
            Db.exec(app, "INSERT INTO items VALUES (1, 'r0-0-0', 1, 'a')");
            Db.exec(app, "INSERT INTO items VALUES (2, 'r0-0-0', 2, 'b')");
            Db.exec(app, "INSERT INTO committed VALUES ('r0-0-0')");
            keepInUndoLogOnly(app, Map.of(mapId(app, Dialect.OUTBOX), List.of(), mapId(app, "ITEMS"), List.of(1L)));
            app.commit();
            app.setAutoCommit(true);

            assertEquals(
                    List.of(List.of(1L, "r0-0-0")),
                    LogCheck.committedRows(app, "SELECT id, tag FROM items"),
                    "H2 kept item 1 only");
            assertEquals(List.of(), LogCheck.committedRows(app, "SELECT tag FROM committed"), "and lost the tag");
            assertEquals(1, capture.relayAvailable(relay), "the relay moves the outbox rows H2 holds as committed");

            LogCheck.DeadWrites dead = LogCheck.DeadWrites.of(app, "ITEMS");
            assertEquals(List.of(2L), new ArrayList<>(dead.rows().keySet()), "item 2 is a dead write");
            assertTrue(dead.tags().contains("r0-0-0"), "and so is the tag");
            AssertionError check =
                    assertThrows(AssertionError.class, () -> LogCheck.check(log, app, Db.H2, true, "torn commit"));
            assertTrue(
                    check.getMessage()
                            .contains(
                                    "2: log (2, 'r0-0-0', 2, 'b') db null, H2 holds a dead write (2, 'r0-0-0', 2, 'b')"),
                    check.getMessage());
        }
    }

    /** The id of the map that holds a table's rows. */
    private static int mapId(Connection c, String table) throws Exception {
        SessionLocal session = (SessionLocal) c.unwrap(JdbcConnection.class).getSession();
        MVTable t = (MVTable)
                session.getDatabase().getSchema(session.getCurrentSchemaName()).findTableOrView(session, table);
        return ((MVPrimaryIndex) t.getScanIndex(session)).getMVMap().getId();
    }

    /**
     * Takes out of the open transaction's undo log every record except those of the given maps (all keys if the
     * list is empty, else only the listed keys): its commit then rewrites only those as committed and leaves the
     * others marked with its id, and after the commit no undo log covers them.
     */
    private static void keepInUndoLogOnly(Connection c, Map<Integer, List<Long>> keep) throws Exception {
        SessionLocal session = (SessionLocal) c.unwrap(JdbcConnection.class).getSession();
        int id = session.getTransaction().getId();
        MVMap<Long, Object> undo =
                session.getDatabase().getStore().getMvStore().openMap(TransactionStore.UNDO_LOG_NAME_PREFIX + "." + id);
        Class<?> record = Class.forName("org.h2.mvstore.tx.Record");
        Field mapId = record.getDeclaredField("mapId");
        Field key = record.getDeclaredField("key");
        mapId.setAccessible(true);
        key.setAccessible(true);
        List<Long> drop = new ArrayList<>();
        for (Map.Entry<Long, Object> e : undo.entrySet()) {
            List<Long> keys = keep.get(mapId.getInt(e.getValue()));
            if (keys == null || !(keys.isEmpty() || keys.contains(key.get(e.getValue())))) {
                drop.add(e.getKey());
            }
        }
        drop.forEach(undo::remove);
        assertEquals(3, undo.size(), "kept: the 2 outbox rows and item 1");
    }
}
