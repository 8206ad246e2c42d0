package io.github.deltalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A clock the commit timestamp cannot hold with headroom (issue 21, case 5) is refused before anything is
 * recorded, and the log goes on with a sane clock, also after a reopen.
 */
class ClockRangeTest {
    @TempDir
    Path dir;

    @Test
    void clockAtInstantMaxIsRefusedAndTheLogGoesOn() {
        Path file = dir.resolve("clock.deltas");
        long before;
        try (DeltaLog log = DeltaLog.open(file)) {
            log.track("t");
            before = log.recordInsert("t", 1, Tuple.of(1));
        }
        try (DeltaLog log = DeltaLog.builder()
                .path(file)
                .clock(Clock.fixed(Instant.MAX, ZoneOffset.UTC))
                .open()) {
            ClockOutOfRangeException e =
                    assertThrows(ClockOutOfRangeException.class, () -> log.recordInsert("t", 2, Tuple.of(2)));
            assertTrue(e.getMessage().contains("nothing was recorded"), e.getMessage());
            assertEquals(before, log.lastCommitted());
            assertEquals(1, log.countAll());
        }
        try (DeltaLog log = DeltaLog.open(file)) {
            assertEquals(1, log.countAll());
            long next = log.recordInsert("t", 3, Tuple.of(3));
            assertTrue(next > before);
        }
    }

    @Test
    void farFutureClockWithinTheRangeIsTakenAndLaterCommitsCountUp() {
        Path file = dir.resolve("future.deltas");
        Instant farFuture = Instant.parse("+100000-01-01T00:00:00Z");
        long first;
        try (DeltaLog log = DeltaLog.builder()
                .path(file)
                .clock(Clock.fixed(farFuture, ZoneOffset.UTC))
                .open()) {
            log.track("t");
            first = log.recordInsert("t", 1, Tuple.of(1));
        }
        try (DeltaLog log = DeltaLog.open(file)) { // the system clock is far behind: the hybrid clock counts up
            long second = log.recordInsert("t", 2, Tuple.of(2));
            assertEquals(first + 1, second);
        }
    }
}
