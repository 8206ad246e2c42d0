package io.github.deltalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.deltalog.merge.MergePolicy;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Managing consumers: looking one up without creating it, its lag and last advance (kept across reopens, absent
 * in files written before it was kept), and a purge that says which consumer holds deltas back.
 */
class ConsumerManagementTest {
    @TempDir
    Path dir;

    private static void commit(DeltaLog log, String table, long firstRow, int rows) {
        try (DeltaTransaction tx = log.begin()) {
            for (int i = 0; i < rows; i++) {
                tx.insert(table, firstRow + i, Tuple.of(firstRow + i));
            }
            tx.commit();
        }
    }

    @Test
    void findConsumerNeverCreatesOne() {
        try (DeltaLog log = DeltaLog.inMemory()) {
            assertTrue(log.findConsumer("typo").isEmpty());
            assertEquals(List.of(), log.consumers(), "findConsumer registered a consumer");
            Consumer c = log.consumer("view");
            assertEquals(c, log.findConsumer("view").orElseThrow());
            log.dropConsumer("view");
            assertTrue(log.findConsumer("view").isEmpty());
            assertThrows(IllegalArgumentException.class, () -> log.findConsumer(" "));
        }
    }

    @Test
    void lagCountsTheDeltasOfEveryTableAfterThePosition() {
        try (DeltaLog log = DeltaLog.inMemory()) {
            log.track("a");
            log.track("b");
            commit(log, "a", 0, 3);
            Consumer c = log.consumer("view", 0);
            assertEquals(3, c.lag());
            commit(log, "b", 0, 4);
            long mid = log.lastCommitted();
            commit(log, "a", 10, 5);
            assertEquals(12, c.lag());
            c.advanceTo(mid);
            assertEquals(5, c.lag());
            c.advanceTo(log.lastCommitted());
            assertEquals(0, c.lag());
        }
    }

    @Test
    void aStaleConsumerHasNoLag() {
        try (DeltaLog log = DeltaLog.inMemory()) {
            log.track("a");
            Consumer c = log.consumer("view");
            commit(log, "a", 0, 3);
            log.purgeBefore(log.lastCommitted() + 1);
            assertTrue(c.isStale());
            assertThrows(StaleConsumerException.class, c::lag);
            c.reset();
            assertEquals(0, c.lag());
        }
    }

    @Test
    void lastAdvanceIsKeptAcrossReopensAndReadOnlyOpens() {
        Path file = dir.resolve("log.deltas");
        Instant created;
        Instant advanced;
        try (DeltaLog log = DeltaLog.builder()
                .path(file)
                .clock(new Support.ScriptedClock(
                        Instant.parse("2024-05-06T07:00:00Z"),
                        Instant.parse("2024-05-06T08:00:00Z"),
                        Instant.parse("2024-05-06T09:00:00Z")))
                .open()) {
            log.track("a");
            Consumer c = log.consumer("view");
            created = c.lastAdvanced().orElseThrow();
            commit(log, "a", 0, 2);
            c.advanceTo(log.lastCommitted());
            advanced = c.lastAdvanced().orElseThrow();
            assertTrue(advanced.isAfter(created) || advanced.equals(created), created + " then " + advanced);
        }
        try (DeltaLog log = DeltaLog.builder().path(file).readOnly(true).open()) {
            assertEquals(
                    advanced,
                    log.findConsumer("view").orElseThrow().lastAdvanced().orElseThrow());
        }
        try (DeltaLog log = DeltaLog.open(file)) {
            log.dropConsumer("view");
            log.consumer("view", 0);
            assertTrue(log.findConsumer("view").orElseThrow().lastAdvanced().isPresent());
        }
    }

    @Test
    void aFileWrittenBeforeLastAdvanceWasKeptOpensAndSaysUnknown() throws IOException {
        Path file = dir.resolve("format-v1.deltas");
        try (InputStream in = ConsumerManagementTest.class.getResourceAsStream("/golden/format-v1.deltas")) {
            Files.copy(in, file);
        }
        byte[] original = Files.readAllBytes(file);
        try (DeltaLog log = DeltaLog.builder().path(file).readOnly(true).open()) {
            for (String name : log.consumers()) {
                assertTrue(log.findConsumer(name).orElseThrow().lastAdvanced().isEmpty());
            }
        }
        assertTrue(java.util.Arrays.equals(original, Files.readAllBytes(file)), "a read-only open changed the file");
        try (DeltaLog log = DeltaLog.open(file)) {
            Consumer c = log.consumer("new-view", log.lastCommitted());
            assertTrue(c.lastAdvanced().isPresent());
        }
        try (DeltaLog log = DeltaLog.builder().path(file).readOnly(true).open()) {
            assertTrue(log.findConsumer("new-view").orElseThrow().lastAdvanced().isPresent());
        }
    }

    @Test
    void applyRetentionNamesTheConsumerThatHoldsDeltasBack() {
        try (DeltaLog log = DeltaLog.inMemory()) {
            log.track("a");
            commit(log, "a", 0, 4);
            PurgeResult none = log.applyRetention();
            assertEquals(0, none.removed());
            assertEquals(4, none.retained());
            assertNull(none.heldBackBy(), "no consumer holds anything: the policy keeps all without consumers");
            assertEquals(0, none.consumers());

            Consumer fast = log.consumer("fast", 0);
            Consumer slow = log.consumer("slow", 0);
            commit(log, "a", 10, 3);
            long afterSecond = log.lastCommitted();
            commit(log, "a", 20, 2);
            fast.advanceTo(log.lastCommitted());
            slow.advanceTo(afterSecond - 1); // has read nothing of the second commit
            PurgeResult r = log.applyRetention();
            assertEquals(4, r.removed());
            assertEquals(5, r.retained());
            assertEquals("slow", r.heldBackBy());
            assertEquals(5, r.heldBack());
            assertEquals(2, r.consumers());
            assertEquals(r.removed(), 4);

            slow.advanceTo(afterSecond);
            r = log.applyRetention();
            assertEquals(3, r.removed());
            assertEquals("slow", r.heldBackBy());
            assertEquals(2, r.heldBack());

            slow.advanceTo(log.lastCommitted());
            r = log.applyRetention();
            assertEquals(2, r.removed());
            assertEquals(0, r.retained());
            assertNull(r.heldBackBy());
            assertEquals(0, log.purge(), "purge() still returns the count");
        }
    }

    @Test
    void theSlowestHoldsBackOnlyUpToTheNextConsumer() {
        try (DeltaLog log = DeltaLog.inMemory()) {
            log.track("a");
            Consumer slow = log.consumer("slow", 0);
            commit(log, "a", 0, 2);
            Consumer middle = log.consumer("middle");
            commit(log, "a", 10, 3);
            PurgeResult r = log.applyRetention();
            assertEquals(0, r.removed());
            assertEquals("slow", r.heldBackBy());
            assertEquals(2, r.heldBack(), "the 3 later deltas are held back by 'middle' as well");
            assertFalse(middle.isStale());
            assertEquals(5, slow.lag());
        }
    }

    @Test
    void mergedChangesTakesAPolicy() {
        try (DeltaLog log = DeltaLog.inMemory()) {
            log.track("a");
            Consumer c = log.consumer("view");
            log.recordInsert("a", 1, Tuple.of(1));
            log.recordInsert("a", 1, Tuple.of(2)); // a conflict: a second insert of row 1
            assertThrows(MergeConflictException.class, () -> c.mergedChanges(List.of("a")));
            ChangeSet kept = c.mergedChanges(List.of("a"), MergePolicy.IGNORE_LATER);
            assertEquals(1, kept.deltas().size());
            assertEquals(new DeltaOp.Insert(Tuple.of(1)), kept.deltas().get(0).op());
        }
    }
}
