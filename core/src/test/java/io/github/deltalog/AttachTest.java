package io.github.deltalog;

import static io.github.deltalog.Support.read;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A log kept inside the application's own MVStore: one store commit persists base rows and deltas. */
class AttachTest {
    @TempDir
    Path dir;

    private MVStore store(Path file) {
        return new MVStore.Builder()
                .fileName(file.toString())
                .autoCommitDisabled()
                .open();
    }

    @Test
    void deltasPersistTogetherWithTheApplicationsMap() {
        Path file = dir.resolve("app.mv.db");
        long ts;
        MVStore store = store(file);
        try (DeltaLog log = DeltaLog.attach(store, "cdc")) {
            MVMap<Long, String> orders = store.openMap("orders");
            log.track("orders");
            orders.put(1L, "alice");
            ts = log.recordInsert("orders", 1, Tuple.of("alice"));
            store.commit();
        }
        assertFalse(store.isClosed(), "closing an attached log leaves the store open");
        store.openMap("orders").put(2L, "bob"); // the store is still usable
        store.commit();
        store.close();

        MVStore reopened = store(file);
        try (DeltaLog log = DeltaLog.attach(reopened, "cdc")) {
            assertEquals("alice", reopened.<Long, String>openMap("orders").get(1L));
            assertEquals(List.of("orders"), log.trackedTables());
            assertEquals(
                    List.of(new Delta("orders", 1, ts, new DeltaOp.Insert(Tuple.of("alice")))), read(log, "orders"));
            assertEquals(ts, log.lastCommitted());
            long next = log.recordInsert("orders", 2, Tuple.of("bob"));
            assertTrue(next > ts);
        } finally {
            reopened.close();
        }
    }

    @Test
    void anUncommittedStoreLosesRowsAndDeltasTogether() {
        Path file = dir.resolve("app.mv.db");
        MVStore store = store(file);
        long committed;
        try (DeltaLog log = DeltaLog.attach(store, "cdc")) {
            log.track("orders");
            store.openMap("orders").put(1L, "alice");
            committed = log.recordInsert("orders", 1, Tuple.of("alice"));
            store.commit();
            store.openMap("orders").put(2L, "bob");
            long uncommitted = log.recordInsert("orders", 2, Tuple.of("bob"));
            assertEquals(uncommitted, log.lastCommitted(), "visible in memory at once");
            assertEquals(2, log.countAll());
        }
        store.closeImmediately(); // a crash before the application's commit

        MVStore reopened = store(file);
        try (DeltaLog log = DeltaLog.attach(reopened, "cdc")) {
            assertEquals(1, reopened.openMap("orders").size());
            assertEquals(1, log.countAll());
            assertEquals(committed, log.lastCommitted());
            assertTrue(log.recordInsert("orders", 2, Tuple.of("bob")) > committed);
        } finally {
            reopened.close();
        }
    }

    @Test
    void twoNamespacesInOneStoreAreIndependent() {
        Path file = dir.resolve("two.mv.db");
        MVStore store = store(file);
        try (DeltaLog a = DeltaLog.attach(store, "a");
                DeltaLog b = DeltaLog.attach(store, "b")) {
            a.track("t");
            b.track("t");
            b.track("only-b");
            long ta = a.recordInsert("t", 1, Tuple.of("in a"));
            a.recordInsert("t", 2, Tuple.of("in a"));
            assertEquals(2, a.countAll());
            assertEquals(0, b.countAll());
            assertEquals(0, b.lastCommitted());
            assertEquals(List.of("t"), a.trackedTables());
            assertEquals(List.of("only-b", "t"), b.trackedTables());
            long tb = b.recordInsert("t", 1, Tuple.of("in b"));
            assertEquals(List.of(new Delta("t", 1, tb, new DeltaOp.Insert(Tuple.of("in b")))), read(b, "t"));
            assertEquals(ta, read(a, "t").get(0).commitTimestamp());
            store.commit();
        }
        store.close();
        MVStore reopened = store(file);
        try (DeltaLog a = DeltaLog.attach(reopened, "a");
                DeltaLog b = DeltaLog.attach(reopened, "b")) {
            assertEquals(2, a.countAll());
            assertEquals(1, b.countAll());
            assertEquals(List.of("t"), a.trackedTables());
        } finally {
            reopened.close();
        }
    }

    @Test
    void attachRefusesBadArguments() {
        MVStore store = new MVStore.Builder().open();
        try {
            assertThrows(NullPointerException.class, () -> DeltaLog.attach(null, "ns"));
            assertThrows(NullPointerException.class, () -> DeltaLog.attach(store, null));
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> DeltaLog.attach(store, " "));
            assertTrue(e.getMessage().contains("blank"), e.getMessage());
        } finally {
            store.close();
        }
    }

    @Test
    void attachedLogRefusesUseAfterCloseNamingItsNamespace() {
        MVStore store = new MVStore.Builder().open();
        try {
            DeltaLog log = DeltaLog.attach(store, "ns1");
            log.track("t");
            log.close();
            LogClosedException e = assertThrows(LogClosedException.class, () -> log.recordInsert("t", 1, Tuple.of()));
            assertTrue(e.getMessage().contains("ns1"), e.getMessage());
            assertTrue(log.toString().contains("ns1"));
        } finally {
            store.close();
        }
    }
}
