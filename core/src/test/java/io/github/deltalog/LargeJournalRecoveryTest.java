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
 * A read-only open cannot store what it replays: in a small heap it refuses such a journal with a typed exception
 * instead of running out of memory (12 MB in a 32 MiB heap, in the default suite).
 */
class LargeJournalRecoveryTest {
    /** Journal size; 0 (the default build) skips the test, {@code -Pstress} sets 67. */
    private static final int JOURNAL_MB = Integer.getInteger("deltalog.largejournal.mb", 0);

    @TempDir
    Path dir;

    @Test
    void crashImageWithA67MbJournalOpensInA64MbHeap() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(JOURNAL_MB > 0, "a minute long: runs under -Pstress");
        Image image = crashImage(JOURNAL_MB);
        String report = child(OpenAndCount.class, "-Xmx64m", image.path());
        System.out.println("LargeJournalRecoveryTest: " + image.commits() + " transactions; child: " + report);
        assertTrue(report.contains("count " + image.commits() * 100), report);
    }

    @Test
    void readOnlyOpenOfALargeJournalInASmallHeapIsRefusedNotOutOfMemory() throws Exception {
        Image image = crashImage(Math.max(12, JOURNAL_MB));
        String report = child(OpenReadOnly.class, "-Xmx32m", image.path());
        System.out.println("LargeJournalRecoveryTest (read-only): child: " + report);
        assertTrue(
                report.startsWith("count " + image.commits() * 100)
                        || (report.startsWith("refused io.github.deltalog.DeltaLogException")
                                && report.contains("open it read-write once")
                                && report.contains(image.path().toString())),
                report);
        // What it says works: a read-write open checkpoints the journal, then read-only opens need no heap for it.
        assertTrue(child(OpenAndCount.class, "-Xmx64m", image.path()).contains("count " + image.commits() * 100));
        assertTrue(child(OpenReadOnly.class, "-Xmx32m", image.path()).startsWith("count " + image.commits() * 100));
    }

    private record Image(Path path, long commits) {}

    private Image crashImage(int journalMb) throws Exception {
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
            while (Files.size(journal) < journalMb * 1_000_000L) {
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
        return new Image(image, commits);
    }

    /** Runs a child's main on the log in a small heap; returns what it printed, after it exited with 0. */
    private String child(Class<?> main, String heap, Path log) throws Exception {
        Path out = dir.resolve("child.out");
        Process child = new ProcessBuilder(List.of(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        heap,
                        "-XX:+UseSerialGC",
                        "-cp",
                        System.getProperty("java.class.path"),
                        main.getName(),
                        log.toString()))
                .redirectErrorStream(true)
                .redirectOutput(out.toFile())
                .start();
        assertTrue(child.waitFor(5, TimeUnit.MINUTES), "the child did not finish");
        String report = Files.readString(out, StandardCharsets.UTF_8).trim();
        assertEquals(0, child.exitValue(), report);
        return report;
    }

    /** The child: opens a log read-only and prints its delta count, or the typed exception that refused it. */
    static final class OpenReadOnly {
        private OpenReadOnly() {}

        public static void main(String[] args) {
            try (DeltaLog log =
                    DeltaLog.builder().path(Path.of(args[0])).readOnly(true).open()) {
                System.out.println("count " + log.countAll());
            } catch (DeltaLogException e) {
                System.out.println("refused " + e.getClass().getName() + ": " + e.getMessage());
            }
        }
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
