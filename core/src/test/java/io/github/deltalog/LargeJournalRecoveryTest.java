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
 * read-write and read-only in a child JVM with a 64 MiB heap (replay streams the journal record by record and
 * stores what it replayed every few MiB; read-only into a private copy-on-write overlay in the temporary folder).
 * About a minute, so it runs under {@code -Pstress} ({@code -Ddeltalog.largejournal.mb=67}). The default suite
 * opens a 12 MB journal read-only in a 32 MiB heap, which an in-memory replay cannot hold: the log's files stay
 * byte for byte as they were and the overlay is gone after close.
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
        String readOnly = readOnlyUnchanged(image, "-Xmx64m");
        String report = child(OpenAndCount.class, "-Xmx64m", image.path());
        System.out.println("LargeJournalRecoveryTest: " + image.commits() + " transactions; child: " + report
                + "; read-only: " + readOnly);
        assertTrue(report.contains("count " + image.commits() * 100), report);
    }

    @Test
    void readOnlyOpenOfALargeJournalInASmallHeapStreamsItWithoutWritingTheLog() throws Exception {
        Image image = crashImage(Math.max(12, JOURNAL_MB));
        String report = readOnlyUnchanged(image, "-Xmx32m");
        System.out.println("LargeJournalRecoveryTest (read-only): child: " + report);
        // A read-write open then checkpoints the journal, and reads the same.
        assertTrue(child(OpenAndCount.class, "-Xmx64m", image.path()).contains("count " + image.commits() * 100));
        assertTrue(child(OpenReadOnly.class, "-Xmx32m", image.path()).startsWith("count " + image.commits() * 100));
    }

    /**
     * Opens the image read-only in a child with a small heap and its own temporary folder; checks the count, that
     * the store and journal files are unchanged and that no overlay is left behind.
     */
    private String readOnlyUnchanged(Image image, String heap) throws Exception {
        Path journal = image.path().resolveSibling(image.path().getFileName() + ".journal");
        byte[] store = Files.readAllBytes(image.path());
        byte[] journalBytes = Files.readAllBytes(journal);
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        String report = child(OpenReadOnly.class, heap, image.path(), "-Djava.io.tmpdir=" + tmp);
        assertTrue(report.startsWith("count " + image.commits() * 100), report);
        assertTrue(java.util.Arrays.equals(store, Files.readAllBytes(image.path())), "the store file was written");
        assertTrue(java.util.Arrays.equals(journalBytes, Files.readAllBytes(journal)), "the journal was written");
        try (var left = Files.list(tmp)) {
            assertEquals(List.of(), left.toList(), "files left in the temporary folder");
        }
        try (var files = Files.list(dir)) {
            assertEquals(
                    List.of(),
                    files.map(p -> p.getFileName().toString())
                            .filter(n -> n.startsWith("big.deltas")
                                    && !n.equals("big.deltas")
                                    && !n.equals("big.deltas.journal"))
                            .toList(),
                    "files added beside the log");
        }
        return report;
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
    private String child(Class<?> main, String heap, Path log, String... jvmOptions) throws Exception {
        Path out = dir.resolve("child.out");
        List<String> command = new java.util.ArrayList<>(
                List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), heap, "-XX:+UseSerialGC"));
        command.addAll(List.of(jvmOptions));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName(), log.toString()));
        Process child = new ProcessBuilder(command)
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
