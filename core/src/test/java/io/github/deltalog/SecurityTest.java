package io.github.deltalog;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Security: an encrypted log leaks no plaintext into its files (store and journal, open or closed); a wrong or
 * missing key is a clear {@link EncryptionKeyException} that changes nothing; a file in use cannot be opened by
 * another process, also after a failed open attempt. (Forged value bytes that name an unregistered class:
 * {@code store.HostileValueBytesTest}.)
 */
class SecurityTest {
    private static final String TABLE = "SecretTable-Quokka";
    private static final String VALUE = "SecretValue-Wombat";
    private static final String BYTES = "SecretBytes-Numbat";
    private static final String CONSUMER = "SecretConsumer-Dingo";
    private static final char[] KEY = "correct horse battery staple".toCharArray();

    @TempDir
    Path dir;

    /** Raw bytes of every file of the log (store, journal, rotated journal), by file name. */
    private static Map<String, byte[]> rawFiles(Path file) throws IOException {
        Map<String, byte[]> out = new LinkedHashMap<>();
        try (Stream<Path> files = Files.list(file.getParent())) {
            for (Path p : files.sorted().toList()) {
                if (p.getFileName().toString().startsWith(file.getFileName().toString())) {
                    out.put(p.getFileName().toString(), Files.readAllBytes(p));
                }
            }
        }
        return out;
    }

    /** The plaintexts a file must not contain: the whole marker and its first eight chars, as ASCII. */
    private static List<String> leaks(Map<String, byte[]> files) {
        List<String> found = new ArrayList<>();
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            for (String marker : List.of(TABLE, VALUE, BYTES, CONSUMER)) {
                for (String needle : List.of(marker, marker.substring(0, 8), marker.substring(marker.length() - 8))) {
                    if (indexOf(f.getValue(), needle.getBytes(StandardCharsets.US_ASCII)) >= 0) {
                        found.add(f.getKey() + " contains '" + needle + "'");
                    }
                }
            }
        }
        return found;
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /**
     * Writes the markers into a log and collects its raw files at three moments: open with the commits only in
     * the journal, after a checkpoint, and closed.
     */
    private List<Map<String, byte[]>> writeMarkers(Path file, boolean encrypted, boolean compress) throws IOException {
        List<Map<String, byte[]>> snapshots = new ArrayList<>();
        DeltaLogBuilder b = DeltaLog.builder().path(file).compress(compress).checkpointInterval(Duration.ofHours(1));
        if (encrypted) {
            b.encryptionKey(KEY);
        }
        try (DeltaLog log = b.open()) {
            log.track(TABLE);
            log.consumer(CONSUMER, 0);
            for (int i = 0; i < 50; i++) {
                log.recordInsert(TABLE, i, Tuple.of(i, VALUE + i, (BYTES + i).getBytes(StandardCharsets.US_ASCII)));
            }
            snapshots.add(rawFiles(file));
            log.checkpoint();
            for (int i = 50; i < 60; i++) {
                log.recordUpdate(TABLE, i - 50, Tuple.of(i - 50, VALUE), Tuple.of(i, VALUE + "!"));
            }
            snapshots.add(rawFiles(file));
        }
        snapshots.add(rawFiles(file));
        return snapshots;
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void anEncryptedLogHasNoPlaintextInItsFiles(boolean compress) throws Exception {
        Path plain = dir.resolve("plain.deltas");
        List<Map<String, byte[]>> control = writeMarkers(plain, false, compress);
        // The search works: a plain log shows its table name and values (its journal while open).
        assertFalse(leaks(control.get(0)).isEmpty(), "the plaintext search finds nothing even in a plain log");
        assertTrue(control.get(0).containsKey("plain.deltas.journal"));

        Path encrypted = dir.resolve("secret.deltas");
        List<Map<String, byte[]>> snapshots = writeMarkers(encrypted, true, compress);
        assertTrue(snapshots.get(0).containsKey("secret.deltas.journal"), "the journal was looked at");
        for (Map<String, byte[]> s : snapshots) {
            assertEquals(List.of(), leaks(s), "plaintext in the files of an encrypted log: " + s.keySet());
        }
        try (DeltaLog log =
                DeltaLog.builder().path(encrypted).encryptionKey(KEY).open()) {
            assertEquals(60, log.count(TABLE, 0));
            assertEquals(List.of(CONSUMER), log.consumers());
        }
    }

    @Test
    void wrongOrMissingKeyIsAClearErrorAndChangesNothingAlsoWithAJournal() throws Exception {
        Path file = dir.resolve("enc.deltas");
        Path image = dir.resolve("crash").resolve("enc.deltas");
        Files.createDirectories(image.getParent());
        try (DeltaLog log = DeltaLog.builder()
                .path(file)
                .encryptionKey(KEY)
                .checkpointInterval(Duration.ofHours(1))
                .open()) {
            log.track(TABLE);
            log.recordInsert(TABLE, 1, Tuple.of(VALUE));
            log.checkpoint();
            log.recordInsert(TABLE, 2, Tuple.of(VALUE)); // only in the journal
            for (Map.Entry<String, byte[]> f : rawFiles(file).entrySet()) {
                Files.write(image.resolveSibling(f.getKey()), f.getValue()); // a crash image: store + journal
            }
        }
        Map<String, byte[]> before = rawFiles(image);
        assertTrue(before.containsKey("enc.deltas.journal"));
        for (boolean readOnly : new boolean[] {false, true}) {
            EncryptionKeyException wrong = assertThrows(EncryptionKeyException.class, () -> DeltaLog.builder()
                    .path(image)
                    .readOnly(readOnly)
                    .encryptionKey("not the key".toCharArray())
                    .open());
            assertTrue(
                    wrong.getMessage().contains("enc.deltas")
                            && wrong.getMessage().contains("key"),
                    wrong.getMessage());
            EncryptionKeyException missing = assertThrows(
                    EncryptionKeyException.class,
                    () -> DeltaLog.builder().path(image).readOnly(readOnly).open());
            assertTrue(missing.getMessage().contains("enc.deltas"), missing.getMessage());
            assertTrue(
                    missing.getMessage().contains("encrypted")
                            && missing.getMessage().contains("key"),
                    missing.getMessage());
        }
        Map<String, byte[]> after = rawFiles(image);
        assertEquals(before.keySet(), after.keySet());
        for (String name : before.keySet()) {
            assertArrayEquals(before.get(name), after.get(name), name + " was changed by a refused open");
        }
        assertThrows(IllegalArgumentException.class, () -> DeltaLog.builder().encryptionKey(new char[0]));
        try (DeltaLog log = DeltaLog.builder().path(image).encryptionKey(KEY).open()) {
            assertEquals(2, log.count(TABLE, 0), "the right key recovers the journal too");
        }
    }

    private Process child(String mode, Path file, Path out) throws IOException {
        return new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx128m",
                        "-XX:TieredStopAtLevel=1",
                        "-cp",
                        System.getProperty("java.class.path"),
                        LockHolder.class.getName(),
                        mode,
                        file.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .redirectOutput(out == null ? ProcessBuilder.Redirect.PIPE : ProcessBuilder.Redirect.to(out.toFile()))
                .start();
    }

    @Test
    void aSecondProcessCannotOpenALogInUseAlsoAfterAFailedAttempt() throws Exception {
        Path file = dir.resolve("shared.deltas");
        Process holder = child("hold", file, null);
        try (BufferedReader lines =
                        new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
                OutputStream stdin = holder.getOutputStream()) {
            assertEquals("SECOND-OPEN-REFUSED", lines.readLine(), "the holder's own second open");
            assertEquals("READY", lines.readLine());
            // The holder's failed second attempt did not release its lock; nor does ours, tried twice.
            for (int attempt = 0; attempt < 2; attempt++) {
                FileLockedException e = assertThrows(FileLockedException.class, () -> DeltaLog.open(file));
                assertTrue(e.getMessage().contains("shared.deltas"), e.getMessage());
                assertThrows(
                        FileLockedException.class,
                        () -> DeltaLog.builder().path(file).readOnly(true).open());
            }
            stdin.write('\n');
            stdin.flush();
            assertEquals("CLOSED", lines.readLine());
            assertTrue(holder.waitFor(30, TimeUnit.SECONDS));
        } finally {
            holder.destroyForcibly();
        }
        try (DeltaLog log = DeltaLog.open(file)) { // free once the holder is gone
            assertEquals(1, log.count("t", 0));
        }
    }

    @Test
    void aLogOpenHereCannotBeOpenedByAnotherProcessAfterAFailedAttemptHere() throws Exception {
        Path file = dir.resolve("mine.deltas");
        Path out = dir.resolve("try.out");
        try (DeltaLog log = DeltaLog.open(file)) {
            log.track("t");
            log.recordInsert("t", 1, Tuple.of("mine"));
            assertThrows(FileLockedException.class, () -> DeltaLog.open(file)); // a failed attempt here
            assertThrows(DeltaLogException.class, () -> DeltaLog.builder()
                    .path(dir.resolve("mine.deltas"))
                    .encryptionKey(KEY)
                    .open()); // refused by the registry or the key check: either way the lock stays
            Process other = child("try", file, out);
            assertTrue(other.waitFor(60, TimeUnit.SECONDS));
            String said = Files.readString(out, StandardCharsets.UTF_8);
            assertTrue(said.startsWith("REFUSED FileLockedException") && said.contains("mine.deltas"), said);
            log.recordInsert("t", 2, Tuple.of("still mine"));
        }
        Process other = child("try", file, out);
        assertTrue(other.waitFor(60, TimeUnit.SECONDS));
        assertEquals("OPENED 2", Files.readString(out, StandardCharsets.UTF_8).trim());
    }
}
