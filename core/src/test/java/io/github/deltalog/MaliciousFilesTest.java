package io.github.deltalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Regressions for the minimized malicious files in {@code src/test/resources/malicious/} (made by
 * {@link MaliciousFiles}): each once gave an untyped exception, an OutOfMemoryError or a leaked file lock.
 * Opening and reading each must now give a {@link DeltaLogException} naming the file, or genuine data.
 */
class MaliciousFilesTest {
    @TempDir
    Path dir;

    /** What one open-and-read-everything session saw: the typed failures, and the deltas read. */
    private record Seen(List<DeltaLogException> failures, List<Delta> deltas) {}

    private Path copy(String name) throws IOException, URISyntaxException {
        Path target = dir.resolve(name);
        for (String suffix : List.of("", ".journal")) {
            try (InputStream in = getClass().getResourceAsStream("/malicious/" + name + suffix)) {
                if (in != null) {
                    Files.copy(in, dir.resolve(name + suffix));
                } else if (suffix.isEmpty()) {
                    fail("missing resource malicious/" + name);
                }
            }
        }
        return target;
    }

    private static Seen session(Path file) {
        return assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            List<DeltaLogException> failures = new ArrayList<>();
            List<Delta> deltas = new ArrayList<>();
            DeltaLogBuilder b =
                    DeltaLog.builder().path(file).readOnly(file.toString().contains("readonly"));
            if (file.getFileName().toString().contains("encrypted")) {
                b.encryptionKey(HostileFiles.KEY.toCharArray());
            }
            try (DeltaLog log = b.open()) {
                for (String table : log.trackedTables()) {
                    try {
                        log.count(table, 0);
                        try (DeltaCursor c = log.changesAfter(table, 0)) {
                            for (Delta d : c) {
                                deltas.add(d);
                            }
                        }
                    } catch (DeltaLogException e) {
                        failures.add(e);
                    }
                }
                log.stats();
            } catch (DeltaLogException e) {
                failures.add(e);
            }
            for (DeltaLogException e : failures) {
                if (e instanceof CorruptLogException) {
                    assertTrue(e.getMessage().contains(file.getFileName().toString()), e.getMessage());
                }
            }
            return new Seen(failures, deltas);
        });
    }

    private static void corrupt(Seen seen) {
        assertTrue(
                seen.failures().stream().anyMatch(CorruptLogException.class::isInstance),
                () -> "expected a CorruptLogException, saw " + seen);
    }

    /** Every file in the folder: a typed error or data, twice (a failed open must not leave the file locked). */
    @Test
    void everyMaliciousFileGivesATypedErrorOrData() throws Exception {
        Path folder = Path.of(getClass().getResource("/malicious").toURI());
        List<String> names;
        try (Stream<Path> files = Files.list(folder)) {
            names = files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".deltas"))
                    .sorted()
                    .toList();
        }
        assertTrue(names.size() >= 6, names.toString());
        for (String name : names) {
            Path file = copy(name);
            Seen first = session(file);
            Seen second = session(file);
            for (DeltaLogException e : second.failures()) {
                assertTrue(!(e instanceof FileLockedException), name + ": a failed open left the file locked: " + e);
            }
            assertTrue(first.failures().size() + first.deltas().size() > 0 || name.contains("journal"), name);
        }
    }

    /** Regression: a page value whose length claims 2 GiB was allocated by MVStore (OutOfMemoryError). */
    @Test
    void aValueLengthClaimingGigabytesIsCorruption() throws Exception {
        corrupt(session(copy("value-length-bomb.deltas")));
    }

    /** Regression: a read-only open of an encrypted header alone failed inside MVStore and kept the lock. */
    @Test
    void anEncryptedHeaderAloneIsCorruptionAndReleasesTheFile() throws Exception {
        Path file = copy("encrypted-header-only.readonly.deltas");
        corrupt(session(file));
        corrupt(session(file));
    }

    /**
     * Regression: an encrypted log with zeroed bytes (HostileFileTest seed 8453138296517824576, case 147) claims
     * a length that a 64 MiB heap cannot allocate inside MVStore's constructor, which then kept the OS file lock:
     * the next open in the process said "locked by another process". Needs the small heap, so it runs in a child.
     */
    @Test
    void anOutOfMemoryInsideMvStoreReleasesTheFile() throws Exception {
        Path file = copy("encrypted-zeroed-bytes.deltas");
        Process child = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx64m",
                        "-XX:+UseSerialGC",
                        "-cp",
                        System.getProperty("java.class.path"),
                        OpenTwice.class.getName(),
                        file.toString())
                .redirectErrorStream(true)
                .start();
        String out = new String(child.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(child.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), out);
        assertEquals(0, child.exitValue(), out);
        List<String> lines = out.lines().filter(l -> l.startsWith("attempt")).toList();
        assertEquals(2, lines.size(), out);
        for (String line : lines) {
            assertTrue(line.contains(CorruptLogException.class.getName()), out);
        }
    }

    /** The child of {@link #anOutOfMemoryInsideMvStoreReleasesTheFile}: opens a file twice, prints each failure. */
    static final class OpenTwice {
        public static void main(String[] args) {
            for (int attempt = 0; attempt < 2; attempt++) {
                try (DeltaLog log = DeltaLog.builder()
                        .path(Path.of(args[0]))
                        .encryptionKey(HostileFiles.KEY.toCharArray())
                        .open()) {
                    System.out.println("attempt " + attempt + " opened " + log.trackedTables());
                } catch (DeltaLogException e) {
                    System.out.println("attempt " + attempt + " " + e);
                }
            }
        }
    }

    /** Regression: a zeroed leaf page surfaced as an MVStoreException from the cursor. */
    @Test
    void aZeroedLeafPageIsCorruption() throws Exception {
        corrupt(session(copy("zeroed-leaf-page.deltas")));
    }

    /** Regression: a value naming a class by name; Kryo read the name (and its claimed length) first. */
    @ParameterizedTest
    @ValueSource(strings = {"kryo-class-name.deltas", "kryo-name-length-bomb.deltas"})
    void aStoredClassNameIsCorruptionAndLoadsNothing(String name) throws Exception {
        Seen seen = session(copy(name));
        assertEquals(1, seen.deltas().size(), "the genuine delta still reads");
        assertEquals(1, seen.failures().size());
        CorruptLogException e = (CorruptLogException) seen.failures().get(0);
        assertTrue(e.getMessage().contains("row 2") && e.getMessage().contains("'t'"), e.getMessage());
        assertNull(System.getProperty("deltalog.test.bomb"), "the named class was initialised");
    }

    /** A journal record announcing 2^31 - 1 deltas ends the replay; what came before it is recovered. */
    @Test
    void aJournalRecordAnnouncingBillionsOfDeltasEndsTheReplay() throws Exception {
        Seen seen = session(copy("journal-count-bomb.deltas"));
        assertEquals(List.of(), seen.failures());
        assertEquals(1, seen.deltas().size());
    }
}
