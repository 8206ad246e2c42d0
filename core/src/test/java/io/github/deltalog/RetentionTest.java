package io.github.deltalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.deltalog.retention.RetentionPolicy;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Consumers, purges, the low-water mark and retention policies (DESIGN §4, §7). */
class RetentionTest {
    @TempDir
    Path dir;

    private static long insert(DeltaLog log, long row) {
        return log.recordInsert("t", row, Tuple.of(row, "v"));
    }

    private static List<Long> rows(DeltaCursor c) {
        List<Long> out = new ArrayList<>();
        try (c) {
            c.forEach(d -> out.add(d.rowId()));
        }
        return out;
    }

    @Test
    void purgeBeforeRemovesOlderDeltasAndRaisesTheLowWaterMark() {
        try (DeltaLog log = DeltaLog.inMemory()) {
            log.track("t");
            long t1 = insert(log, 1);
            long t2 = insert(log, 2);
            long t3 = insert(log, 3);
            assertEquals(0, log.oldestRetained());
            assertEquals(1, log.purgeBefore(t2));
            assertEquals(t1, log.oldestRetained(), "the newest purged timestamp");
            assertEquals(List.of(2L, 3L), rows(log.changesAfter("t", t1)), "reading after it is complete");
            assertEquals(2, log.count("t", t1));
            DeltasPurgedException e = assertThrows(DeltasPurgedException.class, () -> log.changesAfter("t", 0));
            assertTrue(e.getMessage().contains("'t'") && e.getMessage().contains(String.valueOf(t1)), e.getMessage());
            assertThrows(DeltasPurgedException.class, () -> log.count("t", 0));
            assertThrows(DeltasPurgedException.class, () -> log.changesAfter(List.of("t"), 0));
            assertEquals(0, log.purgeBefore(t1), "the mark never goes back");
            assertEquals(1, log.purgeBefore(t3));
            assertEquals(1, log.countAll());
        }
    }

    @Test
    void purgeNeverGoesPastTheWatermark() {
        try (DeltaLog log = DeltaLog.inMemory()) {
            log.track("t");
            long t1 = insert(log, 1);
            assertEquals(1, log.purgeBefore(Long.MAX_VALUE));
            assertEquals(t1, log.oldestRetained());
            long t2 = insert(log, 2);
            assertEquals(List.of(2L), rows(log.changesAfter("t", t1)), "later commits are after the mark");
            assertTrue(t2 > t1);
        }
    }

    @Test
    void untilConsumedKeepsWhatTheSlowestConsumerHasNotRead() {
        try (DeltaLog log = DeltaLog.inMemory()) {
            log.track("t");
            Consumer fast = log.consumer("fast");
            Consumer slow = log.consumer("slow");
            long t1 = insert(log, 1);
            long t2 = insert(log, 2);
            insert(log, 3);
            assertEquals(0, log.purge(), "neither consumer read anything");
            fast.advanceTo(log.lastCommitted());
            slow.advanceTo(t1);
            assertEquals(1, log.purge());
            assertEquals(List.of(2L, 3L), rows(slow.changes("t")));
            slow.advanceTo(t2);
            assertEquals(1, log.purge());
            assertFalse(slow.isStale());
            assertFalse(fast.isStale());
            assertEquals(List.of(), rows(fast.changes("t")));
        }
    }

    @Test
    void withoutConsumersUntilConsumedPurgesNothing() {
        try (DeltaLog log = DeltaLog.inMemory()) {
            log.track("t");
            insert(log, 1);
            assertEquals(0, log.purge());
            assertEquals(1, log.countAll());
        }
    }

    @Test
    void hardCapsPurgeAndLeaveSlowConsumersStaleUntilReset() {
        Path file = dir.resolve("caps.deltas");
        try (DeltaLog log = DeltaLog.builder()
                .path(file)
                .retention(RetentionPolicy.maxDeltas(2))
                .open()) {
            log.track("t");
            Consumer slow = log.consumer("slow");
            for (int i = 1; i <= 5; i++) {
                insert(log, i);
            }
            assertEquals(3, log.purge());
            assertEquals(2, log.countAll());
            assertTrue(slow.isStale());
            StaleConsumerException e = assertThrows(StaleConsumerException.class, () -> slow.changes("t"));
            assertTrue(e.getMessage().contains("'slow'") && e.getMessage().contains("reset()"), e.getMessage());
            assertThrows(StaleConsumerException.class, () -> slow.advanceTo(log.lastCommitted()));
        }
        try (DeltaLog log = DeltaLog.open(file)) {
            Consumer slow = log.consumer("slow");
            assertTrue(slow.isStale(), "staleness survives a restart");
            assertEquals(2, log.countAll(), "purged deltas stay purged after a restart");
            assertTrue(log.oldestRetained() > 0);
            long at = slow.reset();
            assertEquals(log.lastCommitted(), at);
            assertFalse(slow.isStale());
            assertEquals(List.of(), rows(slow.changes("t")));
        }
    }

    @Test
    void maxAgeUsesTheLogClock() {
        AtomicLong seconds = new AtomicLong(1_000_000);
        Clock clock = new Clock() {
            @Override
            public ZoneOffset getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return Instant.ofEpochSecond(seconds.get());
            }
        };
        try (DeltaLog log = DeltaLog.builder()
                .inMemory()
                .clock(clock)
                .retention(RetentionPolicy.maxAge(Duration.ofSeconds(10)))
                .open()) {
            log.track("t");
            insert(log, 1);
            seconds.addAndGet(5);
            long t2 = insert(log, 2);
            seconds.addAndGet(7);
            assertEquals(1, log.purge(), "only the delta older than 10 s goes");
            assertEquals(List.of(2L), rows(log.changesAfter("t", t2 - 1)));
        }
    }

    @Test
    void consumerPositionsAreDurableAndValidated() {
        Path file = dir.resolve("consumers.deltas");
        long t2;
        try (DeltaLog log = DeltaLog.open(file)) {
            log.track("t");
            long t1 = insert(log, 1);
            t2 = insert(log, 2);
            Consumer view = log.consumer("view", 0);
            assertEquals(0, view.position());
            view.advanceTo(t1);
            view.advanceTo(t2);
            assertThrows(IllegalArgumentException.class, () -> view.advanceTo(t1), "only forward");
            assertThrows(IllegalArgumentException.class, () -> view.advanceTo(log.lastCommitted() + 1));
            assertEquals(List.of("view"), log.consumers());
            assertEquals(view, log.consumer("view"), "an existing consumer keeps its position");
            assertEquals(t2, log.consumer("view", 0).position());
            assertThrows(IllegalArgumentException.class, () -> log.consumer("late", log.lastCommitted() + 5));
        }
        try (DeltaLog log = DeltaLog.open(file)) {
            assertEquals(t2, log.consumer("view").position());
            assertTrue(log.dropConsumer("view"));
            assertFalse(log.dropConsumer("view"));
            assertEquals(List.of(), log.consumers());
        }
        try (DeltaLog log = DeltaLog.open(file)) {
            assertEquals(List.of(), log.consumers(), "a drop is durable too");
        }
    }

    @Test
    void consumerReadsHandOverWithoutGapOrRepeat() {
        try (DeltaLog log = DeltaLog.inMemory()) {
            log.track("t");
            Consumer c = log.consumer("c");
            List<Long> seen = new ArrayList<>();
            for (int round = 0; round < 5; round++) {
                for (int i = 0; i < 3; i++) {
                    insert(log, round * 10L + i);
                }
                ChangeSet cs = c.changes(List.of("t"));
                cs.forEach(d -> seen.add(d.rowId()));
                c.advanceTo(cs.watermark());
                log.purge();
            }
            assertEquals(15, seen.size());
            assertEquals(15, seen.stream().distinct().count());
            assertEquals(0, log.countAll(), "everything consumed was purged");
        }
    }

    @Test
    void aCursorOpenedBeforeAPurgeFinishesConsistently() {
        try (DeltaLog log = DeltaLog.inMemory()) {
            log.track("t");
            for (int i = 0; i < 100; i++) {
                insert(log, i);
            }
            try (DeltaCursor c = log.changesAfter("t", 0)) {
                log.purgeBefore(log.lastCommitted());
                int n = 0;
                for (Delta d : c) {
                    n++;
                }
                assertEquals(100, n);
            }
        }
    }

    @Test
    void readOnlyLogRefusesPurgeAndConsumerChanges() {
        Path file = dir.resolve("ro.deltas");
        try (DeltaLog log = DeltaLog.open(file)) {
            log.track("t");
            insert(log, 1);
            log.consumer("c", 0); // behind the watermark, so that advanceTo below is a change
        }
        try (DeltaLog log = DeltaLog.builder().path(file).readOnly(true).open()) {
            assertThrows(ReadOnlyLogException.class, () -> log.purgeBefore(Long.MAX_VALUE));
            assertThrows(ReadOnlyLogException.class, log::purge);
            assertThrows(ReadOnlyLogException.class, () -> log.consumer("new"));
            assertThrows(ReadOnlyLogException.class, () -> log.consumer("c").advanceTo(log.lastCommitted()));
            assertEquals(1, log.countAll());
        }
    }

    @Test
    void readOnlyLogReadsExistingConsumers() {
        // Regression: consumer(name) of an existing consumer threw ReadOnlyLogException in a read-only log.
        Path file = dir.resolve("ro-consumer.deltas");
        long ts;
        try (DeltaLog log = DeltaLog.open(file)) {
            log.track("t");
            insert(log, 1);
            ts = log.lastCommitted();
            log.consumer("c");
        }
        try (DeltaLog log = DeltaLog.builder().path(file).readOnly(true).open()) {
            Consumer c = log.consumer("c");
            assertEquals(ts, c.position());
            assertFalse(c.isStale());
            assertTrue(c.changes(List.of("t")).isEmpty());
            assertEquals(1, log.count("t", 0));
            assertEquals(List.of("c"), log.consumers());
            assertThrows(ReadOnlyLogException.class, c::reset);
        }
    }

    @Test
    void backgroundCompactorAppliesThePolicy() throws InterruptedException {
        try (DeltaLog log = DeltaLog.builder()
                .inMemory()
                .retention(RetentionPolicy.maxDeltas(0))
                .compactionInterval(Duration.ofMillis(5))
                .open()) {
            log.track("t");
            insert(log, 1);
            for (int i = 0; i < 2000 && log.countAll() > 0; i++) {
                Thread.sleep(5);
            }
            assertEquals(0, log.countAll());
        }
    }
}
