package io.github.deltalog.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.deltalog.CorruptLogException;
import io.github.deltalog.DeltaLog;
import io.github.deltalog.Tuple;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Journal files that do not belong to their store (issue 21, case 2, and the {@code cp} backup of case 1): a
 * journal of another log, an older or newer generation, a deleted, emptied or truncated journal, a swapped
 * {@code .journal.old}, a file of another log under a journal's name. Each is refused with a
 * {@link CorruptLogException} naming the file, or recovered as a prefix where a crash could have made it, and a
 * refused open changes no byte.
 */
class JournalMixupTest {
    @TempDir
    Path dir;

    /** A crash image: the store and journal of an open log, copied as a kill would leave them. */
    private record Image(Path store, Path journal, long last, int commits) {}

    private Image crashImage(String name, String table, int commits) throws IOException {
        Path live = dir.resolve(name + "-live.deltas");
        Path store = dir.resolve(name + ".deltas");
        long last = 0;
        try (DeltaLog log = DeltaLog.builder()
                .path(live)
                .checkpointInterval(Duration.ofHours(1))
                .open()) {
            log.track(table);
            for (int i = 0; i < commits; i++) {
                last = log.recordInsert(table, i, Tuple.of(name + "-" + i));
            }
            Files.copy(live, store);
            Files.copy(journalOf(live), journalOf(store));
        }
        return new Image(store, journalOf(store), last, commits);
    }

    @Test
    void crashImageOpensWithEveryCommit() throws IOException {
        Image a = crashImage("a", "t0", 50);
        try (DeltaLog log = DeltaLog.open(a.store())) {
            assertEquals(a.last(), log.lastCommitted());
            assertEquals(50, log.countAll());
        }
    }

    @Test
    void journalOfAnotherLogIsRefused() throws IOException {
        Image a = crashImage("a", "t0", 30);
        Image b = crashImage("b", "payments", 40);
        Files.copy(b.journal(), a.journal(), StandardCopyOption.REPLACE_EXISTING);
        CorruptLogException e = refusedUnchanged(a.store());
        assertTrue(e.getMessage().contains("belongs to another log"), e.getMessage());
        assertTrue(e.getMessage().contains(a.journal().toString()), e.getMessage());
    }

    @Test
    void deletedJournalIsRefused() throws IOException {
        Image a = crashImage("a", "t0", 30);
        Files.delete(a.journal());
        CorruptLogException e = refusedUnchanged(a.store());
        assertTrue(e.getMessage().contains("missing"), e.getMessage());
    }

    @Test
    void emptiedJournalIsRefused() throws IOException {
        Image a = crashImage("a", "t0", 30);
        Files.write(a.journal(), new byte[0]);
        CorruptLogException e = refusedUnchanged(a.store());
        assertTrue(e.getMessage().contains("an empty file"), e.getMessage());
    }

    @Test
    void journalCutInsideItsHeaderIsRefused() throws IOException {
        Image a = crashImage("a", "t0", 30);
        byte[] all = Files.readAllBytes(a.journal());
        Files.write(a.journal(), java.util.Arrays.copyOf(all, 20));
        refusedUnchanged(a.store());
    }

    @Test
    void journalTruncatedAtARecordIsRecoveredAsAPrefix() throws IOException {
        // Indistinguishable from a crash while the tail was written: the prefix before the cut is recovered.
        Image a = crashImage("a", "t0", 30);
        long size = Files.size(a.journal());
        try (var ch = java.nio.channels.FileChannel.open(a.journal(), java.nio.file.StandardOpenOption.WRITE)) {
            ch.truncate(size / 2);
        }
        try (DeltaLog log = DeltaLog.open(a.store())) {
            long n = log.countAll();
            assertTrue(n > 0 && n < 30, "a prefix: " + n);
            assertEquals(n, log.count("t0", Long.MIN_VALUE));
        }
    }

    @Test
    void olderJournalGenerationIsRefused() throws IOException {
        Path live = dir.resolve("live.deltas");
        Path store = dir.resolve("copy.deltas");
        try (DeltaLog log = DeltaLog.builder()
                .path(live)
                .checkpointInterval(Duration.ofHours(1))
                .open()) {
            log.track("t");
            for (int i = 0; i < 10; i++) {
                log.recordInsert("t", i, Tuple.of(i));
            }
            Files.copy(journalOf(live), journalOf(store)); // the journal first, as cp of *.journal then the store
            log.checkpoint();
            for (int i = 10; i < 20; i++) {
                log.recordInsert("t", i, Tuple.of(i));
            }
            Files.copy(live, store);
        }
        CorruptLogException e = refusedUnchanged(store);
        assertTrue(e.getMessage().contains("expected generation"), e.getMessage());
    }

    @Test
    void newerJournalGenerationIsRefused() throws IOException {
        // The store copied first, the journal after a checkpoint: the copy would open with a hole.
        Path live = dir.resolve("live.deltas");
        Path store = dir.resolve("copy.deltas");
        try (DeltaLog log = DeltaLog.builder()
                .path(live)
                .checkpointInterval(Duration.ofHours(1))
                .open()) {
            log.track("t");
            for (int i = 0; i < 10; i++) {
                log.recordInsert("t", i, Tuple.of(i));
            }
            Files.copy(live, store);
            for (int i = 10; i < 20; i++) {
                log.recordInsert("t", i, Tuple.of(i));
            }
            log.checkpoint();
            for (int i = 20; i < 30; i++) {
                log.recordInsert("t", i, Tuple.of(i));
            }
            Files.copy(journalOf(live), journalOf(store));
        }
        CorruptLogException e = refusedUnchanged(store);
        assertTrue(e.getMessage().contains("lost its tail or was copied before its journal"), e.getMessage());
    }

    @Test
    void swappedRotatedJournalIsRefused() throws IOException {
        Image a = crashImage("a", "t0", 10);
        // The crash image of a checkpoint cut short: .journal.old of generation G, .journal of G+1.
        JournalFiles.Generation g = JournalReader.inspect(a.journal(), null).header();
        Files.move(a.journal(), Journal.oldPath(a.journal()));
        JournalFiles.RecordBuilder b = new JournalFiles.RecordBuilder();
        b.generation(new JournalFiles.Generation(g.id(), g.generation() + 1, a.last()));
        Files.write(a.journal(), java.util.Arrays.copyOf(b.finish(), b.length()));
        Path copy = dir.resolve("swapped.deltas");
        Files.copy(a.store(), copy);
        Files.copy(a.journal(), journalOf(copy));
        Files.copy(Journal.oldPath(a.journal()), Journal.oldPath(journalOf(copy)));
        try (DeltaLog log = DeltaLog.builder().path(copy).readOnly(true).open()) {
            assertEquals(10, log.countAll(), "the unswapped pair recovers");
        }
        Files.copy(Journal.oldPath(a.journal()), journalOf(copy), StandardCopyOption.REPLACE_EXISTING);
        Files.copy(a.journal(), Journal.oldPath(journalOf(copy)), StandardCopyOption.REPLACE_EXISTING);
        refusedUnchanged(copy);
    }

    @Test
    void newLogNextToAnotherLogNamedLikeItsJournalChangesNothing() throws IOException {
        // A log whose own file is called x.deltas.journal; then an application opens a new log x.deltas.
        Path other = dir.resolve("x.deltas.journal");
        try (DeltaLog log = DeltaLog.open(other)) {
            log.track("t");
            for (int i = 0; i < 100; i++) {
                log.recordInsert("t", i, Tuple.of(i));
            }
        }
        byte[] before = Files.readAllBytes(other);
        Path x = dir.resolve("x.deltas");
        CorruptLogException e =
                assertThrows(CorruptLogException.class, () -> DeltaLog.open(x).close());
        assertTrue(
                e.getMessage().contains(other.toString()) && e.getMessage().contains("move it away"), e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(other), "the other log's file was changed");
        try (DeltaLog log = DeltaLog.open(other)) {
            assertEquals(100, log.countAll());
        }
    }

    @Test
    void newLogNextToAJournalWhoseStoreIsMissingIsRefused() throws IOException {
        Image a = crashImage("a", "t0", 10);
        Files.delete(a.store());
        byte[] journal = Files.readAllBytes(a.journal());
        assertThrows(CorruptLogException.class, () -> DeltaLog.open(a.store()).close());
        assertArrayEquals(journal, Files.readAllBytes(a.journal()));
    }

    @Test
    void newLogNextToAnEmptyFileInTheJournalsPlaceStarts() throws IOException {
        Path x = dir.resolve("y.deltas");
        Files.write(journalOf(x), new byte[0]);
        try (DeltaLog log = DeltaLog.open(x)) {
            log.track("t");
            log.recordInsert("t", 1, Tuple.of(1));
        }
        try (DeltaLog log = DeltaLog.open(x)) {
            assertEquals(1, log.countAll());
        }
    }

    @Test
    void journalCopiedLaterThanItsStoreWhileCommittingIsRefused() throws Exception {
        // What tar and rsync do to a live log: the store first by name, the journals a little later.
        Path live = dir.resolve("busy.deltas");
        Path copy = dir.resolve("cp.deltas");
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong commits = new AtomicLong();
        try (DeltaLog log = DeltaLog.builder()
                .path(live)
                .checkpointInterval(Duration.ofMillis(20))
                .open()) {
            log.track("t");
            Thread writer = new Thread(() -> {
                while (!stop.get()) {
                    log.recordInsert("t", commits.incrementAndGet(), Tuple.of("x"));
                }
            });
            writer.start();
            try {
                Thread.sleep(100);
                Files.copy(live, copy);
                long at = commits.get();
                while (commits.get() < at + 2000) {
                    Thread.sleep(20);
                }
                // Two generations past the copied store for sure: on a loaded machine the 20 ms background
                // checkpoints may not have run at all, and a journal of the store's own generation is no mix-up.
                log.checkpoint();
                log.checkpoint();
                Thread.sleep(100);
                Files.copy(journalOf(live), journalOf(copy));
                if (Files.exists(Journal.oldPath(journalOf(live)))) {
                    Files.copy(Journal.oldPath(journalOf(live)), Journal.oldPath(journalOf(copy)));
                }
            } catch (java.nio.file.NoSuchFileException raced) {
                // .journal.old went away between the check and the copy: the copy holds no .old, still a mix-up
            } finally {
                stop.set(true);
                writer.join();
            }
        }
        refusedUnchanged(copy);
    }

    /** Opens the log read-only and read-write: both must refuse, and no file may change. */
    private static CorruptLogException refusedUnchanged(Path store) throws IOException {
        Path journal = journalOf(store);
        Path old = Journal.oldPath(journal);
        byte[] s = Files.readAllBytes(store);
        byte[] j = Files.exists(journal) ? Files.readAllBytes(journal) : null;
        byte[] o = Files.exists(old) ? Files.readAllBytes(old) : null;
        assertThrows(
                CorruptLogException.class,
                () -> DeltaLog.builder().path(store).readOnly(true).open().close());
        CorruptLogException e = assertThrows(
                CorruptLogException.class, () -> DeltaLog.open(store).close());
        assertArrayEquals(s, Files.readAllBytes(store), "a refused open changed the store");
        if (j == null) {
            assertFalse(Files.exists(journal));
        } else {
            assertArrayEquals(j, Files.readAllBytes(journal), "a refused open changed the journal");
        }
        if (o == null) {
            assertFalse(Files.exists(old));
        } else {
            assertArrayEquals(o, Files.readAllBytes(old), "a refused open changed the rotated journal");
        }
        return e;
    }

    private static Path journalOf(Path file) {
        return file.resolveSibling(file.getFileName() + ".journal");
    }
}
