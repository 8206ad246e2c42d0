package io.github.deltalog.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.deltalog.DeltaLog;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A file that cannot be used: exit code 2 and one line on standard error that says why. */
class FileErrorsTest {
    private static final String[] READERS = {"stats", "dump", "verify", "purge"};

    @TempDir
    Path dir;

    private static void assertOneLineError(Cli.Result r, String... fragments) {
        assertEquals(2, r.exitCode(), r::toString);
        assertEquals("", r.out(), r::toString);
        String err = r.err();
        assertTrue(err.startsWith("deltalog: "), r::toString);
        assertEquals(1, err.strip().split("\n").length, r::toString);
        for (String f : fragments) {
            assertTrue(err.contains(f), () -> "expected '" + f + "' in " + r);
        }
    }

    @Test
    void missingFile() {
        Path missing = dir.resolve("missing.deltas");
        for (String command : READERS) {
            assertOneLineError(Cli.run(command, missing.toString()), "cannot open " + missing + ": no such file");
        }
        assertTrue(Files.notExists(missing), "a reader must not create the file");
    }

    @Test
    void lockedFile() {
        Path file = dir.resolve("app.deltas");
        try (DeltaLog log = DeltaLog.open(file)) {
            SampleLog.write(log);
            for (String command : READERS) {
                assertOneLineError(
                        Cli.run(command, file.toString()),
                        "cannot open " + file + ": file is locked by another process");
            }
        }
        assertEquals(0, Cli.run("stats", file.toString()).exitCode());
    }

    @Test
    void encryptedFileAsksForAKeyFile() throws Exception {
        Path file = dir.resolve("secret.deltas");
        try (DeltaLog log = DeltaLog.builder()
                .path(file)
                .encryptionKey("s3cret".toCharArray())
                .open()) {
            SampleLog.write(log);
        }
        for (String command : READERS) {
            assertOneLineError(Cli.run(command, file.toString()), "cannot open " + file, "encrypted", "--key-file");
        }
        Path key = dir.resolve("key.txt");
        Files.write(key, "s3cret\nsecond line ignored\n".getBytes(StandardCharsets.UTF_8));
        Cli.Result ok = Cli.run("dump", file.toString(), "--key-file", key.toString());
        assertEquals(0, ok.exitCode(), ok::toString);
        assertEquals(13, ok.lines().length);
        assertEquals(
                0,
                Cli.run("verify", file.toString(), "--key-file", key.toString()).exitCode());

        Path wrong = dir.resolve("wrong.txt");
        Files.write(wrong, "guess".getBytes(StandardCharsets.UTF_8));
        assertOneLineError(Cli.run("stats", file.toString(), "--key-file", wrong.toString()), "wrong encryption key");
        assertOneLineError(
                Cli.run(
                        "stats",
                        file.toString(),
                        "--key-file",
                        dir.resolve("nokey").toString()),
                "cannot read key file");
    }

    @Test
    void keyFileForAPlainLog() throws Exception {
        Path file = dir.resolve("plain.deltas");
        SampleLog.write(file);
        Path key = dir.resolve("key.txt");
        Files.write(key, "x".getBytes(StandardCharsets.UTF_8));
        assertOneLineError(Cli.run("stats", file.toString(), "--key-file", key.toString()), "not encrypted");
    }

    @Test
    void notADeltalogFile() throws Exception {
        Path file = dir.resolve("notes.txt");
        Files.write(file, "just some text, not a log\n".repeat(200).getBytes(StandardCharsets.UTF_8));
        for (String command : READERS) {
            assertOneLineError(Cli.run(command, file.toString()), "cannot open " + file, "not a deltalog file");
        }
        assertOneLineError(Cli.run("stats", dir.toString()), "not a regular file");
        assertOneLineError(Cli.run("demo", "--file", file.toString()), "not a deltalog log");
        assertTrue(Files.size(file) > 0, "the demo must not delete a file that is not a log");
    }

    @Test
    void usageErrors() {
        assertOneLineError(Cli.run("dump"), "FILE");
        assertOneLineError(Cli.run("dump", "x", "--after", "yesterday"), "not a timestamp");
        assertOneLineError(Cli.run("demo", "--rows", "-1"), "--rows");
        assertOneLineError(Cli.run("frobnicate"), "frobnicate");
        Cli.Result none = Cli.run();
        assertEquals(2, none.exitCode(), none::toString);
        assertTrue(none.err().contains("Usage: deltalog"), none::toString);
    }
}
