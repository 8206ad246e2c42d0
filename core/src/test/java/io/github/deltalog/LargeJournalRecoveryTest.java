package io.github.deltalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Recovery memory does not grow with the journal (issue 21, case 6): a crash image with a 67 MB journal opens
 * read-write in a child JVM with a 64 MiB heap (replay streams the journal record by record and stores what it
 * replayed every few MiB). About a minute, so it runs under {@code -Pstress} ({@code -Ddeltalog.largejournal.mb=67}).
 */
class LargeJournalRecoveryTest {
    /** Journal size; 0 (the default build) skips the test, {@code -Pstress} sets 67. */
    private static final int JOURNAL_MB = Integer.getInteger("deltalog.largejournal.mb", 0);

    @TempDir
    Path dir;

    @Test
    void crashImageWithA67MbJournalOpensInA64MbHeap() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(JOURNAL_MB > 0, "a minute long: runs under -Pstress");
        Path live = dir.resolve("big-live.deltas");
        Path image = dir.resolve("big.deltas");
        String value = "v".repeat(1000);
        long commits = 0;
        try (DeltaLog log = DeltaLog.builder()
                .path(live)
                .checkpointInterval(Duration.ofHours(1))
                .checkpointBytes(1L << 40)
                .open()) {
            log.track("t");
            Path journal = live.resolveSibling(live.getFileName() + ".journal");
            while (Files.size(journal) < JOURNAL_MB * 1_000_000L) {
                try (DeltaTransaction tx = log.begin()) {
                    for (int i = 0; i < 100; i++) {
                        tx.insert("t", commits * 100 + i, Tuple.of(value, commits));
                    }
                    tx.commit();
                }
                commits++;
            }
            Files.copy(live, image);
            Files.copy(journal, image.resolveSibling(image.getFileName() + ".journal"));
        }
        Path out = dir.resolve("child.out");
        Process child = new ProcessBuilder(List.of(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx64m",
                        "-XX:+UseSerialGC",
                        "-cp",
                        System.getProperty("java.class.path"),
                        OpenAndCount.class.getName(),
                        image.toString()))
                .redirectErrorStream(true)
                .redirectOutput(out.toFile())
                .start();
        assertTrue(child.waitFor(5, TimeUnit.MINUTES), "the child did not finish");
        String report = Files.readString(out, StandardCharsets.UTF_8);
        System.out.println("LargeJournalRecoveryTest: " + commits + " transactions; child: " + report.trim());
        assertEquals(0, child.exitValue(), report);
        assertTrue(report.contains("count " + commits * 100), report);
    }

    /** The child: opens a log read-write and prints its delta count. */
    static final class OpenAndCount {
        private OpenAndCount() {}

        public static void main(String[] args) {
            try (DeltaLog log = DeltaLog.open(Path.of(args[0]))) {
                System.out.println("count " + log.countAll() + ", max heap "
                        + Runtime.getRuntime().maxMemory());
            }
        }
    }
}
