package io.github.deltalog.view;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.deltalog.DeltaLog;
import io.github.deltalog.Tuple;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.h2.mvstore.MVStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A refresh is one journal record, like a commit, not a checkpoint: a log that never refreshed a view stays
 * format 3 (readable by versions that know no such records); the first refresh stores the upgrade to format 4 with
 * a checkpoint, and later refreshes write no checkpoint; the view, its consumer and the consumer's last advance
 * are right before and after a reopen (the kill case is {@link ViewJournalKillTest}).
 */
class ViewJournalTest {
    @TempDir
    Path dir;

    private static long format(Path file) {
        MVStore raw = new MVStore.Builder().fileName(file.toString()).readOnly().open();
        try {
            return (Long) raw.openMap("meta").get("format");
        } finally {
            raw.close();
        }
    }

    @Test
    void refreshesAreJournaledAndTheFormatIsUpgradedOnceByACheckpoint() {
        Path file = dir.resolve("journaled.deltas");
        ViewWorkload w = new ViewWorkload(11);
        Map<String, ViewDefinition> defs = ViewWorkload.definitions();
        try (DeltaLog log = DeltaLog.open(file)) {
            log.track(ViewWorkload.ORDERS);
            log.track(ViewWorkload.CUSTOMERS);
            for (int i = 0; i < 30; i++) {
                w.transaction(log);
            }
        }
        assertEquals(3L, format(file), "a log without journaled refreshes keeps format 3");
        try (DeltaLog log = DeltaLog.builder()
                .path(file)
                .checkpointInterval(Duration.ofHours(1))
                .open()) {
            for (Map.Entry<String, ViewDefinition> e : defs.entrySet()) {
                log.view(e.getKey(), e.getValue());
            }
            w.transaction(log);
            log.view("per-customer", defs.get("per-customer")).refresh(); // stores the upgrade
            long checkpoints = log.metrics().checkpoints();
            for (int round = 0; round < 5; round++) {
                for (int i = 0; i < 10; i++) {
                    w.transaction(log);
                }
                for (Map.Entry<String, ViewDefinition> e : defs.entrySet()) {
                    View v = log.view(e.getKey(), e.getValue());
                    Refresh r = v.refresh();
                    assertEquals(Refresh.Kind.INCREMENTAL, r.kind());
                    assertEquals(ViewReference.compute(v.definition(), w.tables), ViewReference.rowsOf(v), e.getKey());
                    assertEquals(
                            r.position(), log.consumer("view:" + e.getKey()).position());
                    assertTrue(log.consumer("view:" + e.getKey()).lastAdvanced().isPresent());
                }
            }
            assertEquals(checkpoints, log.metrics().checkpoints(), "refreshes wrote no checkpoint");
        }
        assertEquals(4L, format(file), "the first journaled refresh upgraded the format");
        try (DeltaLog log = DeltaLog.open(file)) {
            for (Map.Entry<String, ViewDefinition> e : defs.entrySet()) {
                View v = log.view(e.getKey(), e.getValue());
                assertEquals(log.lastCommitted(), v.position(), e.getKey());
                assertEquals(ViewReference.compute(v.definition(), w.tables), ViewReference.rowsOf(v), e.getKey());
                assertTrue(log.consumer("view:" + e.getKey()).lastAdvanced().isPresent());
            }
        }
    }

    @Test
    void aChangeToAJoinRowTheViewNeverHeldIsRefusedAndNothingIsJournaled() {
        Path file = dir.resolve("incomplete.deltas");
        ViewDefinition def = ViewDefinition.from("orders")
                .join("customers", 0, 0)
                .groupBy(3)
                .count()
                .sum(1)
                .build();
        Tuple alice = Tuple.of("alice", "north");
        Tuple first = Tuple.of("alice", 5L);
        Tuple second = Tuple.of("alice", 7L);
        // Base rows without order 2: as if it existed before the table was tracked.
        BaseRows base =
                t -> t.equals("orders") ? List.of(new BaseRows.Row(1, first)) : List.of(new BaseRows.Row(1, alice));
        long position;
        try (DeltaLog log = DeltaLog.open(file)) {
            log.track("orders");
            log.track("customers");
            log.recordInsert("customers", 1, alice);
            log.recordInsert("orders", 1, first);
            View v = log.view("north", def, base);
            log.recordInsert("orders", 3, Tuple.of("alice", 1L));
            v.refresh(); // journaled (after the upgrade)
            position = v.position();
            log.recordUpdate("orders", 2, second, Tuple.of("alice", 9L));
            ViewException e = assertThrows(ViewException.class, v::refresh);
            assertTrue(e.getMessage().contains("row 2 of table 'orders'"), e.getMessage());
            assertEquals(position, v.position(), "the refused refresh changed nothing");
            assertEquals(Tuple.of(2L, new java.math.BigDecimal(6)), v.get(Tuple.of("north")));
            log.recordInsert("orders", 4, Tuple.of("alice", 2L)); // the journal still takes commits
        }
        try (DeltaLog log = DeltaLog.open(file)) {
            View v = log.view("north", def, base);
            assertEquals(position, v.position(), "nothing of the refused refresh was journaled");
            assertEquals(Tuple.of(2L, new java.math.BigDecimal(6)), v.get(Tuple.of("north")));
            assertEquals(position, log.consumer("view:north").position());
        }
    }
}
