package io.github.deltalog;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A steady workload with retention keeps a bounded file: insert, update, delete, consume, purge, repeat until the
 * retained log has turned over twenty times; the file must stay within a constant factor of its size when it
 * held the most deltas (one turn's worth, before the first purge).
 */
class SteadyStateFileSizeTest {
    private static final int ROWS = 2_000;
    private static final int TURNS = Integer.getInteger("deltalog.steady.turns", 20);

    @TempDir
    Path dir;

    @Test
    void fileSizeStaysBoundedWhileTheLogTurnsOver() throws Exception {
        Path file = dir.resolve("steady.deltas");
        try (DeltaLog log = DeltaLog.builder()
                .path(file)
                .checkpointInterval(Duration.ofMillis(50))
                .open()) {
            log.track("orders");
            Consumer view = log.consumer("view");
            long retainedPeak = 0;
            long maxSize = 0;
            StringBuilder sizes = new StringBuilder();
            for (int turn = 0; turn <= TURNS; turn++) {
                for (int batch = 0; batch < 10; batch++) {
                    try (DeltaTransaction tx = log.begin()) {
                        for (int i = 0; i < ROWS / 10; i++) {
                            long row = batch * (ROWS / 10L) + i;
                            tx.insert("orders", row, image(row, turn, 0.0));
                        }
                        tx.commit();
                    }
                }
                updateAndDeleteAll(log, turn);
                if (turn == 0) {
                    log.checkpoint();
                    retainedPeak = Files.size(file); // one turn's deltas, all retained: the most the log holds
                }
                ChangeSet seen = view.changes(java.util.List.of("orders"));
                view.advanceTo(seen.watermark());
                log.purge();
                log.checkpoint();
                long size = Files.size(file);
                sizes.append(size / 1024).append("K ");
                maxSize = Math.max(maxSize, size);
            }
            System.out.println(
                    "steady-state file sizes per turn: " + sizes + "(retained peak " + retainedPeak / 1024 + "K)");
            assertTrue(
                    maxSize <= 4 * retainedPeak,
                    "file grew beyond 4x the retained peak of " + retainedPeak / 1024 + "K over " + TURNS + " turns: "
                            + sizes);
        }
    }

    private static Tuple image(long row, int turn, double extra) {
        return Tuple.of(row, "customer-" + (row % 97), turn + extra, "padding-" + turn);
    }

    private static void updateAndDeleteAll(DeltaLog log, int turn) {
        try (DeltaTransaction tx = log.begin()) {
            for (long row = 0; row < ROWS; row++) {
                tx.update("orders", row, image(row, turn, 0.0), image(row, turn, 0.5));
            }
            tx.commit();
        }
        try (DeltaTransaction tx = log.begin()) {
            for (long row = 0; row < ROWS; row++) {
                tx.delete("orders", row, image(row, turn, 0.5));
            }
            tx.commit();
        }
    }
}
