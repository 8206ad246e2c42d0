package io.github.deltalog.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.deltalog.CorruptLogException;
import io.github.deltalog.DeltaLog;
import io.github.deltalog.DeltaLogException;
import io.github.deltalog.Tuple;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A store that lost its tail or was rolled back after a clean close (issue 17): the journal header a clean
 * close leaves behind records the last checkpoint outside the store file, so an older store is refused with a
 * {@link CorruptLogException} saying what is missing, read-only and read-write, and no byte changes.
 */
class RolledBackStoreTest {
    @TempDir
    Path dir;

    private static long commit(DeltaLog log, int from, int count) {
        long last = 0;
        for (int i = from; i < from + count; i++) {
            last = log.recordInsert("t", i, Tuple.of("row-" + i, i));
        }
        return last;
    }

    @Test
    void cleanCloseLeavesTheHeaderOfTheNextGeneration() throws IOException {
        Path file = dir.resolve("a.deltas");
        try (DeltaLog log = DeltaLog.open(file)) {
            log.track("t");
            commit(log, 0, 10);
        }
        Path journal = dir.resolve("a.deltas.journal");
        assertEquals(JournalFiles.GENERATION_HEADER_BYTES, Files.size(journal));
        for (int round = 0; round < 3; round++) {
            try (DeltaLog log = DeltaLog.open(file)) {
                assertEquals(10 + round, log.countAll());
                commit(log, 10 + round, 1);
            }
        }
        try (DeltaLog log = DeltaLog.builder().path(file).readOnly(true).open()) {
            assertEquals(13, log.countAll());
        }
    }

    @Test
    void storeReplacedByAnOlderCopyIsRefused() throws IOException {
        Path file = dir.resolve("b.deltas");
        Path older = dir.resolve("b-older.deltas");
        try (DeltaLog log = DeltaLog.open(file)) {
            log.track("t");
            commit(log, 0, 100);
        }
        Files.copy(file, older);
        long last;
        try (DeltaLog log = DeltaLog.open(file)) {
            last = commit(log, 100, 50);
        }
        Files.copy(older, file, StandardCopyOption.REPLACE_EXISTING);
        CorruptLogException e = refusedUnchanged(file);
        assertTrue(e.getMessage().contains("b.deltas"), e.getMessage());
        assertTrue(e.getMessage().contains("older than its journal"), e.getMessage());
        assertTrue(e.getMessage().contains(Long.toString(last)), e.getMessage());

        // Salvage accepts the loss: the store as it is, the journal moved aside (kept), a new checkpoint.
        assertThrows(
                IllegalStateException.class,
                () -> DeltaLog.builder().path(file).readOnly(true).salvage(true).open());
        long salvagedLast;
        try (DeltaLog log = DeltaLog.builder().path(file).salvage(true).open()) {
            assertEquals(100, log.countAll());
            salvagedLast = log.lastCommitted();
            assertTrue(salvagedLast < last);
        }
        try (var aside = Files.list(dir)) {
            assertEquals(
                    1,
                    aside.filter(p -> p.getFileName().toString().startsWith("b.deltas.journal.salvaged-"))
                            .count());
        }
        assertArrayEquals(Files.readAllBytes(older), Files.readAllBytes(storeCopy(file)), "the store kept as it was");
        try (DeltaLog log = DeltaLog.open(file)) {
            assertEquals(100, log.countAll(), "a salvaged log opens without salvage");
            assertTrue(log.recordInsert("t", 1000, Tuple.of("after salvage", 1000)) > last);
        }
        try (DeltaLog log = DeltaLog.builder().path(file).readOnly(true).open()) {
            assertEquals(101, log.countAll());
        }
    }

    @Test
    void storeCutShortOpensWhollyOrIsRefused() throws IOException {
        Path file = dir.resolve("c.deltas");
        Path full = dir.resolve("c-full.deltas");
        int total = 0;
        try (DeltaLog log = DeltaLog.builder()
                .path(file)
                .checkpointInterval(Duration.ofHours(1))
                .open()) {
            log.track("t");
            for (int round = 0; round < 8; round++) {
                commit(log, total, 2000);
                total += 2000;
                log.checkpoint();
            }
        }
        Files.copy(file, full);
        long size = Files.size(full);
        int refused = 0;
        int salvaged = 0;
        for (long cut : new long[] {size / 2, size - 27_000, size - 4096, size - 1}) {
            Files.copy(full, file, StandardCopyOption.REPLACE_EXISTING);
            try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
                raf.setLength(cut);
            }
            try (DeltaLog log = DeltaLog.builder().path(file).readOnly(true).open()) {
                assertEquals(total, log.countAll(), "a store cut to " + cut + " of " + size + " bytes opened older");
            } catch (DeltaLogException refusedOpen) {
                assertTrue(refusedOpen.getMessage().contains("c.deltas"), refusedOpen.getMessage());
                refused++;
                salvaged += salvageKeepsTheCutStore(file, cut) ? 1 : 0;
            }
        }
        assertTrue(refused > 0, "cutting half of the store must be noticed");
        assertTrue(salvaged > 0, "no cut store was salvaged");
    }

    /**
     * Salvage opens an older version of a cut store and checkpoints, which lets MVStore truncate the file to that
     * version: the pages past it must survive in the store copy that salvage keeps, byte for byte.
     */
    private boolean salvageKeepsTheCutStore(Path file, long cut) throws IOException {
        byte[] damaged = Files.readAllBytes(file);
        Path journal = file.resolveSibling(file.getFileName() + ".journal");
        Files.copy(journal, dir.resolve("journal-before-salvage"), StandardCopyOption.REPLACE_EXISTING);
        try (DeltaLog log = DeltaLog.builder().path(file).salvage(true).open()) {
            assertTrue(log.countAll() >= 0);
        } catch (DeltaLogException cannotOpen) {
            return false; // nothing MVStore can open: the copying salvage of `deltalog verify --salvage` is for that
        }
        Path copy = storeCopy(file);
        assertArrayEquals(damaged, Files.readAllBytes(copy), "salvage of a store cut to " + cut + " kept no copy");
        Files.delete(copy);
        Files.copy(dir.resolve("journal-before-salvage"), journal, StandardCopyOption.REPLACE_EXISTING);
        return true;
    }

    private static Path storeCopy(Path store) throws IOException {
        String prefix = store.getFileName() + ".salvaged-";
        try (var files = Files.list(store.getParent())) {
            return files.filter(p -> p.getFileName().toString().startsWith(prefix))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no " + prefix + "* beside " + store));
        }
    }

    private static CorruptLogException refusedUnchanged(Path store) throws IOException {
        Path journal = store.resolveSibling(store.getFileName() + ".journal");
        byte[] s = Files.readAllBytes(store);
        byte[] j = Files.readAllBytes(journal);
        CorruptLogException ro = assertThrows(
                CorruptLogException.class,
                () -> DeltaLog.builder().path(store).readOnly(true).open().close());
        CorruptLogException rw = assertThrows(
                CorruptLogException.class, () -> DeltaLog.open(store).close());
        assertEquals(ro.getMessage(), rw.getMessage());
        assertArrayEquals(s, Files.readAllBytes(store), "a refused open changed the store");
        assertArrayEquals(j, Files.readAllBytes(journal), "a refused open changed the journal");
        return rw;
    }
}
