package io.github.deltalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Reading everything retained ({@link DeltaLog#FROM_OLDEST}, or after {@link DeltaLog#oldestRetained()}) before
 * and after purges, and {@link DeltaLog#changesSince} rounding its instant up to the microsecond.
 */
class ReadFromOldestTest {

    @Test
    void fromOldestReadsEveryRetainedDeltaBeforeAndAfterPurges() {
        try (DeltaLog log = DeltaLog.inMemory()) {
            log.track("t");
            long first = log.recordInsert("t", 1, Tuple.of(1));
            log.recordInsert("t", 2, Tuple.of(2));
            long third = log.recordInsert("t", 3, Tuple.of(3));
            assertEquals(3, Support.read(log, "t", DeltaLog.FROM_OLDEST).size());
            assertEquals(Support.read(log, "t", 0L), Support.read(log, "t", DeltaLog.FROM_OLDEST));
            assertEquals(3, log.count("t", DeltaLog.FROM_OLDEST));

            log.purgeBefore(third);
            List<Delta> retained = Support.read(log, "t", DeltaLog.FROM_OLDEST);
            assertEquals(1, retained.size());
            assertEquals(3L, retained.get(0).rowId());
            assertEquals(retained, Support.read(log, "t", log.oldestRetained()));
            assertEquals(1, log.count("t", DeltaLog.FROM_OLDEST));
            assertEquals(1, log.count("t", log.oldestRetained()));
            assertEquals(
                    retained,
                    log.changesAfter(List.of("t"), DeltaLog.FROM_OLDEST).deltas());
            // A position is not "everything": 0 and the first commit are behind the purge, and say so.
            assertThrows(DeltasPurgedException.class, () -> Support.read(log, "t", 0L));
            assertThrows(DeltasPurgedException.class, () -> log.count("t", first));

            log.purgeBefore(log.lastCommitted() + 1);
            assertEquals(List.of(), Support.read(log, "t", DeltaLog.FROM_OLDEST));
            assertEquals(0, log.count("t", DeltaLog.FROM_OLDEST));
        }
    }

    @Test
    void changesSinceRoundsUpToTheMicrosecond() {
        Instant commit = Instant.parse("2024-05-06T07:08:09.123456Z");
        try (DeltaLog log = DeltaLog.builder()
                .inMemory()
                .clock(new Support.ScriptedClock(commit))
                .open()) {
            log.track("t");
            long ts = log.recordInsert("t", 1, Tuple.of(1));
            Instant at = Support.read(log, "t").get(0).timestamp();
            assertEquals(Support.micros(at), ts);
            assertEquals(1, Support.drain(log.changesSince("t", at)).size(), "inclusive at its own time");
            assertEquals(
                    1, Support.drain(log.changesSince("t", at.minusNanos(1))).size());
            List<Delta> late = Support.drain(log.changesSince("t", at.plusNanos(1)));
            assertEquals(List.of(), late, "a delta committed 1 ns before 'since' was returned");
            assertEquals(List.of(), Support.drain(log.changesSince("t", at.plusNanos(999))));
            for (Delta d : Support.drain(log.changesSince("t", at.minusNanos(999)))) {
                assertTrue(!d.timestamp().isBefore(at.minusNanos(999)));
            }
        }
    }
}
