package io.github.deltalog;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Regressions for closing a log while its background tasks run. */
class CloseTest {
    @TempDir
    Path dir;

    /**
     * Regression: close() interrupted the background journal flusher; an interrupt during a write closes the
     * FileChannel, so close() itself then failed with "cannot write journal" (ClosedChannelException).
     */
    @Test
    void closeDoesNotBreakTheJournalOfABusyAsyncFlusher() {
        Path file = dir.resolve("async.deltas");
        Tuple image = Tuple.of("x".repeat(2000));
        for (int round = 0; round < 60; round++) {
            try (DeltaLog log = DeltaLog.builder()
                    .path(file)
                    .durability(Durability.ASYNC)
                    .journalFlushInterval(Duration.ofMillis(1))
                    .open()) {
                log.track("t");
                assertEquals(round * 200L, log.count("t", 0L), "deltas after " + round + " reopens");
                for (int i = 0; i < 200; i++) {
                    log.recordInsert("t", round * 1000L + i, image);
                }
            }
        }
    }
}
