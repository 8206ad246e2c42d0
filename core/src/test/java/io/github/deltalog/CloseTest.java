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

    /**
     * Regression: a commit that finished while close() stopped the background thread tried to queue a
     * checkpoint on the stopped executor and threw RejectedExecutionException. Committers racing a close get
     * either their timestamp or LogClosedException, and every commit that returned is there after reopening.
     */
    @Test
    void commitsRacingACloseEitherLandOrSayTheLogIsClosed() throws Exception {
        for (int round = 0; round < 20; round++) {
            Path file = dir.resolve("race-" + round + ".deltas");
            java.util.concurrent.ConcurrentLinkedQueue<Long> landed =
                    new java.util.concurrent.ConcurrentLinkedQueue<>();
            java.util.concurrent.ConcurrentLinkedQueue<Throwable> wrong =
                    new java.util.concurrent.ConcurrentLinkedQueue<>();
            DeltaLog log = DeltaLog.builder().path(file).checkpointBytes(1).open();
            log.track("t");
            Thread[] writers = new Thread[3];
            for (int w = 0; w < writers.length; w++) {
                long base = w * 1_000_000L;
                writers[w] = new Thread(() -> {
                    for (long i = 0; i < 100_000; i++) {
                        try {
                            log.recordInsert("t", base + i, Tuple.of(i));
                            landed.add(base + i);
                        } catch (LogClosedException expected) {
                            return;
                        } catch (Throwable t) {
                            wrong.add(t);
                            return;
                        }
                    }
                });
                writers[w].start();
            }
            Thread.sleep(20);
            log.close();
            for (Thread t : writers) {
                t.join(30_000);
            }
            assertEquals(java.util.List.of(), new java.util.ArrayList<>(wrong), "round " + round);
            try (DeltaLog reopened = DeltaLog.open(file)) {
                assertEquals(landed.size(), reopened.count("t", 0L), "every commit that returned is there");
            }
        }
    }
}
