package io.github.deltalog.view;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.deltalog.DeltaLog;
import io.github.deltalog.ReadOnlyLogException;
import io.github.deltalog.StaleConsumerException;
import io.github.deltalog.Tuple;
import io.github.deltalog.UntrackedTableException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.h2.mvstore.MVStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Views by example, and their error contract: a bad definition or row is refused and leaves the view as it was. */
class ViewTest {
    @TempDir
    Path dir;

    /** (customer, amount, status) orders; the application's copy of the table, for base rows. */
    private final Map<Long, Tuple> orders = new HashMap<>();

    private static ViewDefinition revenue() {
        return ViewDefinition.from("orders")
                .where(r -> !"cancelled".equals(r.get(2)))
                .groupBy(0)
                .count()
                .sum(1)
                .min(1)
                .max(1)
                .build();
    }

    private void insert(DeltaLog log, long id, Object customer, Object amount, String status) {
        Tuple row = Tuple.of(customer, amount, status);
        log.recordInsert("orders", id, row);
        orders.put(id, row);
    }

    private void delete(DeltaLog log, long id) {
        log.recordDelete("orders", id, orders.remove(id));
    }

    private BaseRows base() {
        return t -> {
            List<BaseRows.Row> rows = new ArrayList<>();
            orders.forEach((id, r) -> rows.add(new BaseRows.Row(id, r)));
            return rows;
        };
    }

    private DeltaLog open() {
        DeltaLog log = DeltaLog.open(dir.resolve("shop.deltas"));
        log.track("orders");
        return log;
    }

    @Test
    void minAndMaxFollowDeletesOfTheCurrentExtremeAndEmptyGroupsDisappear() {
        try (DeltaLog log = open()) {
            insert(log, 1, "alice", 5L, "open");
            insert(log, 2, "alice", 9L, "open");
            insert(log, 3, "bob", 7L, "open");
            View v = log.view("revenue", revenue());
            assertEquals(Tuple.of(2L, new BigDecimal(14), 5L, 9L), v.get(Tuple.of("alice")));
            delete(log, 1);
            delete(log, 3);
            Refresh r = v.refresh();
            assertEquals(Refresh.Kind.INCREMENTAL, r.kind());
            assertEquals(2, r.mergedDeltas());
            assertEquals(2, r.touchedGroups());
            assertEquals(Tuple.of(1L, new BigDecimal(9), 9L, 9L), v.get(Tuple.of("alice")));
            assertNull(v.get(Tuple.of("bob")));
            assertEquals(1, v.size());
        }
    }

    @Test
    void aViewSurvivesReopeningAndItsConsumerHoldsRetention() {
        long position;
        try (DeltaLog log = open()) {
            insert(log, 1, "alice", 5L, "open");
            View v = log.view("revenue", revenue());
            position = v.position();
            insert(log, 2, "alice", 6L, "open");
            log.purge();
            assertEquals(1, log.count("orders", position), "the view has not read the second order: it must stay");
        }
        try (DeltaLog log = open()) {
            View v = log.view("revenue", revenue());
            assertEquals(position, v.position());
            assertEquals(position, log.consumer("view:revenue").position());
            v.refresh();
            assertEquals(Tuple.of(2L, new BigDecimal(11), 5L, 6L), v.get(Tuple.of("alice")));
        }
    }

    @Test
    void aMissingColumnIsRefusedAndTheViewStaysAsItWas() {
        try (DeltaLog log = open()) {
            insert(log, 1, "alice", 5L, "open");
            View v = log.view("revenue", revenue());
            long before = v.position();
            log.recordInsert("orders", 2, Tuple.of("bob"));
            ViewException e = assertThrows(ViewException.class, v::refresh);
            assertTrue(e.getMessage().contains("row 2 of table 'orders'"), e.getMessage());
            assertEquals(before, v.position());
            assertEquals(1, v.size());
            assertEquals(Tuple.of(1L, new BigDecimal(5), 5L, 5L), v.get(Tuple.of("alice")));
        }
    }

    @Test
    void aValueThatCannotBeSummedIsRefusedNamingRowAndColumn() {
        try (DeltaLog log = open()) {
            View v = log.view("revenue", revenue());
            insert(log, 1, "alice", 5L, "open");
            insert(log, 7, "alice", "five", "open");
            ViewException e = assertThrows(ViewException.class, v::refresh);
            assertTrue(e.getMessage().contains("SUM column 1 of row 7 of table 'orders'"), e.getMessage());
            assertEquals(0, v.size(), "nothing of the refresh was applied");
        }
    }

    @Test
    void anUntrackedTableOrAnotherDefinitionIsRefused() {
        try (DeltaLog log = open()) {
            assertThrows(
                    UntrackedTableException.class,
                    () -> log.view(
                            "x", ViewDefinition.from("nope").groupBy(0).count().build()));
            assertThrows(
                    UntrackedTableException.class,
                    () -> log.view(
                            "y",
                            ViewDefinition.from("orders")
                                    .join("nope", 0, 0)
                                    .groupBy(0)
                                    .count()
                                    .build()));
            log.view("revenue", revenue());
            ViewException e = assertThrows(
                    ViewException.class,
                    () -> log.view(
                            "revenue",
                            ViewDefinition.from("orders").groupBy(0).count().build()));
            assertTrue(e.getMessage().contains("another definition"), e.getMessage());
            assertThrows(
                    IllegalStateException.class,
                    () -> ViewDefinition.from("orders").count().build());
            assertThrows(IllegalArgumentException.class, () -> ViewDefinition.from("orders")
                    .sum(-1));
        }
    }

    @Test
    void historyWithARowFromBeforeTrackingIsRefusedUnlessBaseRowsAreGiven() {
        try (DeltaLog log = open()) {
            Tuple old = Tuple.of("carol", 3L, "open"); // existed before the log tracked the table
            orders.put(9L, old);
            Tuple now = Tuple.of("carol", 4L, "open");
            log.recordUpdate("orders", 9, old, now);
            orders.put(9L, now);
            ViewException e = assertThrows(ViewException.class, () -> log.view("revenue", revenue()));
            assertTrue(e.getMessage().contains("row 9 of table 'orders'"), e.getMessage());
            assertFalse(log.consumers().contains("view:revenue"));
            View v = log.view("revenue", revenue(), base());
            assertEquals(Tuple.of(1L, new BigDecimal(4), 4L, 4L), v.get(Tuple.of("carol")));
        }
    }

    @Test
    void aStaleViewRebuildsFromBaseRowsAndSaysSoOrElseThrows() {
        try (DeltaLog log = open()) {
            insert(log, 1, "alice", 5L, "open");
            View withBase = log.view("with-base", revenue(), base());
            View without = log.view("without", revenue());
            insert(log, 2, "bob", 6L, "open");
            insert(log, 3, "bob", 7L, "open");
            log.purgeBefore(log.lastCommitted() + 1); // a hard cap: history the views had not read is gone
            Refresh r = withBase.refresh();
            assertEquals(Refresh.Kind.REBUILT_STALE, r.kind());
            assertTrue(r.rebuilt());
            assertEquals(Tuple.of(2L, new BigDecimal(13), 6L, 7L), withBase.get(Tuple.of("bob")));
            StaleConsumerException e = assertThrows(StaleConsumerException.class, without::refresh);
            assertTrue(e.getMessage().contains("view 'without'"), e.getMessage());
        }
    }

    @Test
    void aChangeSetAboveTheThresholdRebuildsAndSaysSo() {
        ViewDefinition def = ViewDefinition.from("orders")
                .groupBy(0)
                .count()
                .sum(1)
                .rebuildAbove(0.5)
                .build();
        try (DeltaLog log = open()) {
            for (int i = 0; i < 10; i++) {
                insert(log, i, "c" + (i % 3), (long) i, "open");
            }
            View v = log.view("big", def, base());
            insert(log, 100, "c1", 1L, "open");
            assertEquals(Refresh.Kind.INCREMENTAL, v.refresh().kind());
            for (int i = 0; i < 8; i++) {
                delete(log, i);
            }
            Refresh r = v.refresh();
            assertEquals(Refresh.Kind.REBUILT_LARGE_CHANGE, r.kind());
            assertTrue(v.verify(base()).matches());
            assertTrue(v.verify().matches());
        }
    }

    @Test
    void theChangeStreamGivesEachChangedGroupBeforeAndAfter() {
        ViewDefinition def =
                ViewDefinition.from("orders").groupBy(0).count().keepChanges().build();
        try (DeltaLog log = open()) {
            insert(log, 1, "alice", 5L, "open");
            View v = log.view("counts", def);
            long p0 = v.position();
            insert(log, 2, "alice", 6L, "open");
            insert(log, 3, "bob", 6L, "open");
            long p1 = v.refresh().position();
            delete(log, 3);
            v.refresh();
            List<ViewChange> all = v.changesAfter(p0);
            assertEquals(3, all.size());
            assertEquals(new ViewChange(p1, Tuple.of("alice"), Tuple.of(1L), Tuple.of(2L)), all.get(0));
            assertEquals(new ViewChange(p1, Tuple.of("bob"), null, Tuple.of(1L)), all.get(1));
            assertEquals(Tuple.of("bob"), all.get(2).key());
            assertNull(all.get(2).after());
            assertEquals(1, v.changesAfter(p1).size());
            v.trimChanges(p1);
            assertThrows(ViewException.class, () -> v.changesAfter(p0));
            assertEquals(1, v.changesAfter(p1).size());
            View plain = log.view("plain", revenue());
            assertThrows(ViewException.class, () -> plain.changesAfter(0));
        }
    }

    @Test
    void droppingAViewRemovesItsStateAndConsumer() {
        try (DeltaLog log = open()) {
            insert(log, 1, "alice", 5L, "open");
            log.view("revenue", revenue());
            assertTrue(log.dropView("revenue"));
            assertFalse(log.dropView("revenue"));
            assertFalse(log.consumers().contains("view:revenue"));
            View again = log.view(
                    "revenue", ViewDefinition.from("orders").groupBy(2).count().build());
            assertEquals(Tuple.of(1L), again.get(Tuple.of("open")));
        }
    }

    @Test
    void aReadOnlyLogReadsItsViewsButDoesNotRefreshThem() {
        try (DeltaLog log = open()) {
            insert(log, 1, "alice", 5L, "open");
            log.view("revenue", revenue());
        }
        try (DeltaLog log = DeltaLog.builder()
                .path(dir.resolve("shop.deltas"))
                .readOnly(true)
                .open()) {
            View v = log.view("revenue", revenue());
            assertEquals(1, v.size());
            assertThrows(ReadOnlyLogException.class, v::refresh);
        }
    }

    @Test
    void onAnAttachedStoreTheApplicationsCommitPersistsTheView() {
        Path file = dir.resolve("app.mv");
        try (MVStore store = new MVStore.Builder()
                .fileName(file.toString())
                .autoCommitDisabled()
                .open()) {
            DeltaLog log = DeltaLog.attach(store, "shop");
            log.track("orders");
            insert(log, 1, "alice", 5L, "open");
            View v = log.view("revenue", revenue());
            insert(log, 2, "alice", 7L, "open");
            v.refresh();
            store.commit();
        }
        try (MVStore store = new MVStore.Builder()
                .fileName(file.toString())
                .autoCommitDisabled()
                .open()) {
            DeltaLog log = DeltaLog.attach(store, "shop");
            View v = log.view("revenue", revenue());
            assertEquals(Tuple.of(2L, new BigDecimal(12), 5L, 7L), v.get(Tuple.of("alice")));
            assertEquals(v.position(), log.consumer("view:revenue").position());
        }
    }

    @Test
    void twoHandlesOfOneViewRefreshingAtOnceApplyEachChangeOnce() throws Exception {
        try (DeltaLog log = open()) {
            View a = log.view("revenue", revenue());
            View b = log.view("revenue", revenue());
            Thread[] refreshers = new Thread[2];
            java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
            java.util.concurrent.atomic.AtomicReference<Throwable> failure =
                    new java.util.concurrent.atomic.AtomicReference<>();
            for (int t = 0; t < 2; t++) {
                View v = t == 0 ? a : b;
                refreshers[t] = new Thread(() -> {
                    try {
                        while (!done.get()) {
                            v.refresh();
                        }
                    } catch (Throwable e) {
                        failure.set(e);
                    }
                });
                refreshers[t].start();
            }
            for (int i = 0; i < 300; i++) {
                insert(log, i, "c" + (i % 7), (long) i, i % 5 == 0 ? "cancelled" : "open");
                if (i % 3 == 0) {
                    delete(log, i);
                }
            }
            done.set(true);
            for (Thread t : refreshers) {
                t.join();
            }
            if (failure.get() != null) {
                throw new AssertionError(failure.get());
            }
            a.refresh();
            assertTrue(
                    a.verify(base()).matches(),
                    () -> a.verify(base()).differences().toString());
        }
    }
}
