package io.github.deltalog.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.deltalog.DeltaLog;
import io.github.deltalog.Tuple;
import java.nio.file.Files;
import java.nio.file.Path;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files that are not logs are refused without a change (issue 21, case 7), names with control characters are
 * escaped, and {@code backup} makes a copy that opens.
 */
class FileChecksTest {
    @TempDir
    Path dir;

    @Test
    void anotherApplicationsMvStoreFileIsRefusedAndUnchanged() throws Exception {
        Path file = dir.resolve("app.mv.db");
        try (MVStore store = new MVStore.Builder().fileName(file.toString()).open()) {
            MVMap<String, String> users = store.openMap("users");
            users.put("alice", "admin");
            store.commit();
        }
        byte[] before = Files.readAllBytes(file);
        for (String command : new String[] {"stats", "verify", "dump", "purge"}) {
            Cli.Result r = Cli.run(command, file.toString());
            assertEquals(Main.EXIT_ERROR, r.exitCode(), command + ": " + r);
            assertTrue(r.err().contains("another application"), command + ": " + r);
        }
        assertArrayEquals(before, Files.readAllBytes(file), "a command changed the other application's file");
    }

    @Test
    void emptyFileIsRefusedAndPurgeDoesNotTurnItIntoALog() throws Exception {
        Path file = dir.resolve("empty.deltas");
        Files.write(file, new byte[0]);
        for (String command : new String[] {"stats", "verify", "purge"}) {
            Cli.Result r = Cli.run(command, file.toString());
            assertEquals(Main.EXIT_ERROR, r.exitCode(), command + ": " + r);
            assertTrue(r.err().contains("it is empty"), command + ": " + r);
        }
        assertEquals(0, Files.size(file));
        assertFalse(Files.exists(dir.resolve("empty.deltas.journal")));
    }

    @Test
    void purgeOfAReadOnlyFileSaysPermissionDenied() throws Exception {
        Path file = dir.resolve("ro.deltas");
        SampleLog.write(file);
        assertTrue(file.toFile().setWritable(false));
        try {
            org.junit.jupiter.api.Assumptions.assumeFalse(
                    Files.isWritable(file), "running as a user who can write anyway");
            Cli.Result r = Cli.run("purge", file.toString());
            assertEquals(Main.EXIT_ERROR, r.exitCode(), r.toString());
            assertTrue(r.err().contains("permission denied"), r.toString());
            assertEquals(Main.EXIT_OK, Cli.run("stats", file.toString()).exitCode());
        } finally {
            file.toFile().setWritable(true);
        }
    }

    @Test
    void statsEscapesControlCharactersInNames() {
        Path file = dir.resolve("names.deltas");
        try (DeltaLog log = DeltaLog.open(file)) {
            log.track("evil\nfile            forged\u001b[2J");
            log.recordInsert("evil\nfile            forged\u001b[2J", 1, Tuple.of(1));
        }
        Cli.Result r = Cli.run("stats", file.toString());
        assertEquals(Main.EXIT_OK, r.exitCode(), r.toString());
        assertTrue(r.out().contains("evil\\nfile            forged\\u001b[2J"), r.out());
        assertFalse(r.out().contains("\u001b"), r.out());
    }

    @Test
    void backupWritesACopyThatOpens() throws Exception {
        Path file = dir.resolve("src.deltas");
        SampleLog.write(file);
        long count;
        try (DeltaLog log = DeltaLog.builder().path(file).readOnly(true).open()) {
            count = log.countAll();
        }
        Path dest = dir.resolve("copy.deltas");
        Cli.Result r = Cli.run("backup", file.toString(), dest.toString());
        assertEquals(Main.EXIT_OK, r.exitCode(), r.toString());
        assertTrue(r.out().contains("backed up"), r.out());
        try (DeltaLog copy = DeltaLog.open(dest)) {
            assertEquals(count, copy.countAll());
        }
        Cli.Result again = Cli.run("backup", file.toString(), dest.toString());
        assertEquals(Main.EXIT_ERROR, again.exitCode(), again.toString());
        assertTrue(again.err().contains("exists"), again.toString());
    }
}
