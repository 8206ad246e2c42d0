package io.github.deltalog;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Regressions for read positions at and beyond the ends of the timestamp range. */
class ReadBoundsTest {
    private static List<Delta> all(DeltaCursor cursor) {
        List<Delta> list = new ArrayList<>();
        try (cursor) {
            cursor.forEach(list::add);
        }
        return list;
    }

    /** Regression: a position below 0 threw DeltasPurgedException although nothing was ever purged. */
    @Test
    void negativePositionsReadEverythingWhenNothingWasPurged() {
        try (DeltaLog log = DeltaLog.inMemory()) {
            log.track("t");
            log.recordInsert("t", 1L, Tuple.of(1));
            log.recordInsert("t", 2L, Tuple.of(2));
            assertEquals(0, log.oldestRetained());
            assertEquals(2, all(log.changesAfter("t", -1L)).size());
            assertEquals(
                    2,
                    all(log.changesAfter("t", Long.MIN_VALUE, Long.MAX_VALUE)).size());
            assertEquals(2, log.count("t", -1L));
            assertEquals(2, log.count("t", Long.MIN_VALUE, Long.MAX_VALUE));
            assertEquals(2, log.changesAfter(List.of("t"), -5L).size());
        }
    }

    /** Regression: changesSince(Instant.EPOCH), "everything", threw DeltasPurgedException on an unpurged log. */
    @Test
    void changesSinceEpochReadsEverything() {
        try (DeltaLog log = DeltaLog.inMemory()) {
            log.track("t");
            log.recordInsert("t", 1L, Tuple.of(1));
            assertEquals(1, all(log.changesSince("t", Instant.EPOCH)).size());
        }
    }

    /** Regression: changesSince(Instant.MIN / MAX) overflowed into an ArithmeticException. */
    @Test
    void changesSinceSaturatesAtTheEndsOfTheInstantRange() {
        try (DeltaLog log = DeltaLog.inMemory()) {
            log.track("t");
            log.recordInsert("t", 1L, Tuple.of(1));
            assertEquals(1, all(log.changesSince("t", Instant.MIN)).size());
            assertEquals(0, all(log.changesSince("t", Instant.MAX)).size());
        }
    }
}
