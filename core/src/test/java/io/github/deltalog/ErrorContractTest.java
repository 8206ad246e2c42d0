package io.github.deltalog;

import static io.github.deltalog.Support.read;
import static io.github.deltalog.Support.snapshot;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.h2.mvstore.MVStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * The error contract (DESIGN §8): every failure has its type, a message naming what was at fault, and leaves
 * the log unchanged.
 */
class ErrorContractTest {
    private static final Tuple A = Tuple.of(1, "a");
    private static final Tuple B = Tuple.of(2, "b");

    @TempDir
    Path dir;

    private static <T extends Throwable> T assertFails(Class<T> type, Executable call, String... named) {
        T e = assertThrows(type, call);
        for (String n : named) {
            assertTrue(e.getMessage().contains(n), "message should name " + n + ": " + e.getMessage());
        }
        return e;
    }

    /** A log file with table "t" holding two committed transactions. */
    private Path seeded(String name) {
        Path file = dir.resolve(name);
        try (DeltaLog log = DeltaLog.open(file)) {
            log.track("t");
            log.recordInsert("t", 1, A);
            log.recordInsert("t", 2, B);
        }
        return file;
    }

    private static Support.Snapshot snap(Path file) {
        try (DeltaLog log = DeltaLog.open(file)) {
            return snapshot(log, "t");
        }
    }

    @Test
    void blankOrOversizedTableNames() {
        try (DeltaLog log = DeltaLog.inMemory()) {
            log.track("t");
            log.recordInsert("t", 1, A);
            Support.Snapshot before = snapshot(log, "t");
            for (String blank : List.of("", " ", "\t\n")) {
                assertFails(IllegalArgumentException.class, () -> log.track(blank), "blank");
                assertFails(IllegalArgumentException.class, () -> log.untrack(blank), "blank");
                assertFails(IllegalArgumentException.class, () -> log.recordInsert(blank, 1, A), "blank");
                assertFails(IllegalArgumentException.class, () -> log.changesAfter(blank, 0), "blank");
                assertFails(IllegalArgumentException.class, () -> log.count(blank, 0), "blank");
            }
            String longName = "n".repeat(DeltaLog.MAX_TABLE_NAME + 1);
            assertFails(IllegalArgumentException.class, () -> log.track(longName), "257", "256", "nnnnnnnnnn");
            assertFails(IllegalArgumentException.class, () -> log.recordInsert(longName, 1, A), "257");
            assertFails(IllegalArgumentException.class, () -> log.changesAfter(longName, 0), "257");
            assertThrows(NullPointerException.class, () -> log.track(null));
            assertThrows(NullPointerException.class, () -> log.changesAfter((String) null, 0));
            assertEquals(before, snapshot(log, "t"));
            log.track("n".repeat(DeltaLog.MAX_TABLE_NAME)); // exactly the limit is fine
            assertEquals(2, log.trackedTables().size());
        }
    }

    @Test
    void untrackedTableWhenRecordingAndReading() {
        try (DeltaLog log = DeltaLog.inMemory()) {
            log.track("t");
            log.recordInsert("t", 1, A);
            Support.Snapshot before = snapshot(log, "t");
            assertFails(UntrackedTableException.class, () -> log.recordInsert("ghost", 1, A), "'ghost'", "track");
            assertFails(UntrackedTableException.class, () -> log.recordUpdate("ghost", 1, A, B), "'ghost'");
            assertFails(UntrackedTableException.class, () -> log.recordDelete("ghost", 1, A), "'ghost'");
            assertFails(UntrackedTableException.class, () -> log.changesAfter("ghost", 0), "'ghost'");
            assertFails(UntrackedTableException.class, () -> log.changesAfter("ghost", 0, 5), "'ghost'");
            assertFails(UntrackedTableException.class, () -> log.changesSince("ghost", Instant.EPOCH), "'ghost'");
            assertFails(UntrackedTableException.class, () -> log.count("ghost", 0), "'ghost'");
            assertFails(UntrackedTableException.class, () -> log.changesAfter(List.of("t", "ghost"), 0), "'ghost'");
            assertFalse(log.isTracked("ghost"));
            assertEquals(before, snapshot(log, "t"));

            long ts;
            try (DeltaTransaction tx = log.begin()) {
                tx.insert("t", 2, A);
                assertFails(UntrackedTableException.class, () -> tx.insert("ghost", 1, A), "'ghost'");
                assertEquals(1, tx.size());
                ts = tx.commit();
            }
            assertEquals(List.of(new Delta("t", 2, ts, new DeltaOp.Insert(A))), read(log, "t", before.lastCommitted()));
        }
    }

    @Test
    void unsupportedValueTypeRecordsNothing() {
        try (DeltaLog log = DeltaLog.inMemory()) {
            log.track("t");
            log.recordInsert("t", 1, A);
            Support.Snapshot before = snapshot(log, "t");
            assertFails(
                    IllegalArgumentException.class,
                    () -> log.recordInsert("t", 2, Tuple.of(1, 2, new StringBuilder("x"))),
                    "java.lang.StringBuilder",
                    "position 2");
            assertEquals(before, snapshot(log, "t"));
            long ts;
            try (DeltaTransaction tx = log.begin()) {
                tx.insert("t", 3, B);
                assertFails(
                        IllegalArgumentException.class,
                        () -> tx.insert("t", 4, Tuple.of(new int[] {1})),
                        "[I",
                        "position 0");
                ts = tx.commit();
            }
            assertEquals(List.of(new Delta("t", 3, ts, new DeltaOp.Insert(B))), read(log, "t", before.lastCommitted()));
        }
    }

    @Test
    void oversizedDeltaIsRefusedAndTheTransactionGoesOn() {
        Path file = dir.resolve("big.deltas");
        byte[] huge = new byte[17 * 1024 * 1024];
        huge[huge.length - 1] = 1;
        try (DeltaLog log = DeltaLog.open(file)) {
            log.track("t");
            log.recordInsert("t", 1, A);
            Support.Snapshot before = snapshot(log, "t");
            Tuple big = Tuple.of("blob", huge);
            assertFails(DeltaTooLargeException.class, () -> log.recordInsert("t", 77, big), "77", "'t'", "16777216");
            assertEquals(before, snapshot(log, "t"));
            long ts;
            try (DeltaTransaction tx = log.begin()) {
                tx.insert("t", 2, B);
                assertFails(DeltaTooLargeException.class, () -> tx.update("t", 1, A, big), "row 1", "'t'");
                assertEquals(1, tx.size());
                tx.update("t", 1, A, B); // the row's earlier state in the transaction is untouched
                ts = tx.commit();
            }
            assertEquals(
                    List.of(
                            new Delta("t", 1, ts, new DeltaOp.Update(A, B)),
                            new Delta("t", 2, ts, new DeltaOp.Insert(B))),
                    read(log, "t", before.lastCommitted()));
            log.recordInsert("t", 3, Tuple.of(new byte[1024 * 1024])); // a large delta under the limit is fine
        }
        try (DeltaLog log = DeltaLog.open(file)) {
            assertEquals(4, log.countAll());
        }
    }

    @Test
    void mergeConflictsInsideATransaction() {
        try (DeltaLog log = DeltaLog.inMemory()) {
            log.track("t");
            long first = log.recordInsert("t", 1, A);
            long ts;
            try (DeltaTransaction tx = log.begin()) {
                tx.insert("t", 5, A).insert("t", 6, A).update("t", 7, A, B).delete("t", 8, A);
                MergeConflictException twice =
                        assertFails(MergeConflictException.class, () -> tx.insert("t", 5, B), "'t'", "row 5", "insert");
                assertEquals("t", twice.table());
                assertEquals(5, twice.rowId());
                assertEquals(-1, twice.earlierTimestamp());
                assertEquals(-1, twice.laterTimestamp());
                assertFails(MergeConflictException.class, () -> tx.insert("t", 7, B), "row 7");
                assertFails(MergeConflictException.class, () -> tx.update("t", 8, A, B), "row 8");
                assertFails(MergeConflictException.class, () -> tx.delete("t", 8, A), "row 8");
                assertEquals(4, tx.size());
                tx.update("t", 6, A, B);
                ts = tx.commit();
            }
            assertEquals(
                    List.of(
                            new Delta("t", 5, ts, new DeltaOp.Insert(A)),
                            new Delta("t", 6, ts, new DeltaOp.Insert(B)),
                            new Delta("t", 7, ts, new DeltaOp.Update(A, B)),
                            new Delta("t", 8, ts, new DeltaOp.Delete(A))),
                    read(log, "t", first));
        }
    }

    @Test
    void mergeConflictExceptionWithTimestampsNamesThem() {
        MergeConflictException e =
                new MergeConflictException("orders", 9, new DeltaOp.Insert(A), 100, new DeltaOp.Insert(B), 200);
        assertTrue(e.getMessage().contains("'orders'") && e.getMessage().contains("row 9"), e.getMessage());
        assertTrue(e.getMessage().contains("100") && e.getMessage().contains("200"), e.getMessage());
        assertEquals(100, e.earlierTimestamp());
        assertEquals(200, e.laterTimestamp());
        assertInstanceOf(DeltaLogException.class, e);
    }

    @Test
    void useAfterCloseOfTheLog() {
        Path file = seeded("closed.deltas");
        Support.Snapshot before = snap(file);
        DeltaLog log = DeltaLog.open(file);
        DeltaTransaction tx = log.begin();
        tx.insert("t", 9, A);
        DeltaCursor cursor = log.changesAfter("t", 0);
        log.close();
        assertTrue(log.isClosed());
        String name = "closed.deltas";
        List<Executable> calls = List.of(
                () -> log.track("t"),
                () -> log.untrack("t"),
                () -> log.isTracked("t"),
                log::trackedTables,
                log::tables,
                log::begin,
                () -> log.recordInsert("t", 3, A),
                () -> log.recordUpdate("t", 1, A, B),
                () -> log.recordDelete("t", 1, A),
                () -> log.subscribe((ts, ds) -> {}),
                () -> log.changesAfter("t", 0),
                () -> log.changesAfter("t", 0, 10),
                () -> log.changesAfter(List.of("t"), 0),
                () -> log.changesSince("t", Instant.EPOCH),
                () -> log.count("t", 0),
                () -> log.count("t", 0, 10),
                log::countAll,
                log::lastCommitted,
                log::oldestRetained,
                log::stats,
                log::checkpoint);
        for (Executable call : calls) {
            assertFails(LogClosedException.class, call, name);
        }
        assertFails(LogClosedException.class, () -> tx.insert("t", 10, A), name);
        assertFails(LogClosedException.class, tx::commit, name);
        assertFails(LogClosedException.class, cursor::hasNext, "'t'", name);
        tx.close();
        cursor.close();
        log.close(); // idempotent
        assertEquals(before, snap(file));
    }

    @Test
    void useAfterCloseOfAnInMemoryLog() {
        DeltaLog log = DeltaLog.inMemory();
        log.track("t");
        log.close();
        assertFails(LogClosedException.class, () -> log.recordInsert("t", 1, A), "in-memory");
        assertFails(LogClosedException.class, log::stats, "in-memory");
        assertFails(LogClosedException.class, log::checkpoint, "in-memory");
        assertFails(LogClosedException.class, () -> log.count("t", 0), "in-memory");
    }

    @Test
    void useAfterCloseOfACursor() {
        try (DeltaLog log = DeltaLog.inMemory()) {
            log.track("t");
            log.recordInsert("t", 1, A);
            log.recordInsert("t", 2, A);
            DeltaCursor c = log.changesAfter("t", 0);
            assertEquals(1, c.next().rowId());
            c.close();
            c.close(); // idempotent
            assertFails(LogClosedException.class, c::hasNext, "'t'", "closed");
            assertFails(LogClosedException.class, c::next, "'t'");
            assertEquals(2, log.countAll());
        }
    }

    @Test
    void fileLockedInTheSameProcess() {
        Path file = dir.resolve("locked.deltas");
        try (DeltaLog first = DeltaLog.open(file)) {
            first.track("t");
            long ts = first.recordInsert("t", 1, A);
            assertFails(FileLockedException.class, () -> DeltaLog.open(file), "locked.deltas");
            // The failed attempt must not have released the first log's hold on the file.
            long ts2 = first.recordInsert("t", 2, B);
            assertTrue(ts2 > ts);
            assertEquals(2, read(first, "t").size());
            first.checkpoint();
            assertFails(FileLockedException.class, () -> DeltaLog.open(file), "locked.deltas");
            assertFails(
                    FileLockedException.class,
                    () -> DeltaLog.builder().path(file).readOnly(true).open(),
                    "locked.deltas");
            Path sameFileOtherSpelling = dir.resolve("sub").resolve("..").resolve("locked.deltas");
            assertFails(FileLockedException.class, () -> DeltaLog.open(sameFileOtherSpelling), "locked.deltas");
            assertEquals(ts2, first.lastCommitted());
            assertEquals(2, first.countAll());
        }
        try (DeltaLog again = DeltaLog.open(file)) { // free once the first is closed
            assertEquals(2, again.countAll());
        }
    }

    @Test
    void wrongOrMissingEncryptionKey() throws Exception {
        Path file = dir.resolve("enc.deltas");
        long ts;
        try (DeltaLog log = DeltaLog.builder()
                .path(file)
                .encryptionKey("secret".toCharArray())
                .open()) {
            log.track("t");
            ts = log.recordInsert("t", 1, A);
        }
        byte[] bytes = Files.readAllBytes(file);
        assertFails(
                EncryptionKeyException.class,
                () -> DeltaLog.builder()
                        .path(file)
                        .encryptionKey("wrong".toCharArray())
                        .open(),
                "enc.deltas");
        assertFails(EncryptionKeyException.class, () -> DeltaLog.open(file), "enc.deltas", "encrypted");
        assertArrayEquals(bytes, Files.readAllBytes(file));
        try (DeltaLog log = DeltaLog.builder()
                .path(file)
                .encryptionKey("secret".toCharArray())
                .open()) {
            assertEquals(List.of(new Delta("t", 1, ts, new DeltaOp.Insert(A))), read(log, "t"));
        }
    }

    @Test
    void encryptionKeyOnAPlainFile() throws Exception {
        Path file = seeded("plain.deltas");
        Support.Snapshot before = snap(file);
        byte[] bytes = Files.readAllBytes(file);
        assertFails(
                EncryptionKeyException.class,
                () -> DeltaLog.builder()
                        .path(file)
                        .encryptionKey("secret".toCharArray())
                        .open(),
                "plain.deltas",
                "not encrypted");
        assertArrayEquals(bytes, Files.readAllBytes(file));
        assertEquals(before, snap(file));
    }

    @Test
    void corruptFileIsRefusedNamingIt() throws Exception {
        Path file = dir.resolve("garbage.deltas");
        byte[] garbage = new byte[64 * 1024];
        new Random(42).nextBytes(garbage);
        Files.write(file, garbage);
        DeltaLogException e = assertFails(DeltaLogException.class, () -> DeltaLog.open(file), "garbage.deltas");
        assertInstanceOf(CorruptLogException.class, e, e.toString());
        assertArrayEquals(garbage, Files.readAllBytes(file), "a failed open leaves the file as it was");
        assertFalse(Files.exists(dir.resolve("garbage.deltas.journal")));
        // A failed open does not keep the file registered as open: the next attempt fails the same way.
        assertInstanceOf(CorruptLogException.class, assertThrows(DeltaLogException.class, () -> DeltaLog.open(file)));
    }

    @Test
    void textFileIsRefusedNamingIt() throws Exception {
        Path file = dir.resolve("notes.deltas");
        Files.writeString(file, "these are my notes, not a log\n".repeat(200));
        assertFails(CorruptLogException.class, () -> DeltaLog.open(file), "notes.deltas");
        assertTrue(Files.readString(file).startsWith("these are my notes"));
    }

    @Test
    void plainMvStoreWithDeltasButNoFormatIsRefused() {
        Path file = dir.resolve("foreign.deltas");
        MVStore s = new MVStore.Builder().fileName(file.toString()).open();
        s.openMap("deltas").put("k", "v");
        s.commit();
        s.close();
        assertFails(DeltaLogException.class, () -> DeltaLog.open(file), "foreign.deltas");
    }

    @Test
    void aFlippedByteInAStoredDeltaIsReportedNotReturned() throws Exception {
        Path file = dir.resolve("flip.deltas");
        String marker = "MARKER-0123456789-MARKER";
        try (DeltaLog log = DeltaLog.open(file)) {
            log.track("t");
            log.recordInsert("t", 1, A);
            log.recordInsert("t", 42, Tuple.of(marker));
        }
        byte[] bytes = Files.readAllBytes(file);
        byte[] needle = marker.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        int flipped = 0;
        for (int i = 0; i + needle.length <= bytes.length; i++) {
            if (java.util.Arrays.equals(bytes, i, i + needle.length, needle, 0, needle.length)) {
                bytes[i + 7] ^= 0x01; // '0' becomes '1'
                flipped++;
            }
        }
        assertTrue(flipped > 0, "the value is stored uncompressed");
        Files.write(file, bytes);
        try (DeltaLog log = DeltaLog.open(file)) {
            assertEquals(2, log.count("t", 0), "counting does not decode");
            try (DeltaCursor c = log.changesAfter("t", 0)) {
                assertEquals(1, c.next().rowId());
                assertFails(CorruptLogException.class, c::next, "row 42", "'t'", "flip.deltas", "checksum");
            }
        }
    }

    @Test
    void truncatedFileIsRefusedOrOpensAConsistentPrefix() throws Exception {
        Path file = dir.resolve("cut.deltas");
        List<Long> committed = new java.util.ArrayList<>();
        try (DeltaLog log = DeltaLog.open(file)) {
            log.track("t");
            for (int i = 0; i < 30; i++) {
                committed.add(log.recordInsert("t", i, Tuple.of(i, "x".repeat(500))));
                log.checkpoint();
            }
        }
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        try (DeltaLog log = DeltaLog.open(file)) {
            List<Delta> left = read(log, "t");
            for (int i = 0; i < left.size(); i++) {
                assertEquals(committed.get(i), left.get(i).commitTimestamp());
            }
            assertEquals(left.isEmpty() ? 0 : committed.get(left.size() - 1), log.lastCommitted());
        } catch (DeltaLogException e) {
            assertInstanceOf(CorruptLogException.class, e, e.toString());
            assertTrue(e.getMessage().contains("cut.deltas"), e.getMessage());
        }
    }

    @Test
    void unknownFormatVersion() {
        Path file = seeded("future.deltas");
        MVStore s = new MVStore.Builder().fileName(file.toString()).open();
        s.openMap("meta").put("format", 99L);
        s.commit();
        s.close();
        assertFails(UnsupportedFormatException.class, () -> DeltaLog.open(file), "future.deltas", "99");
        assertFails(UnsupportedFormatException.class, () -> DeltaLog.open(file), "future.deltas", "99");
        MVStore check =
                new MVStore.Builder().fileName(file.toString()).readOnly().open();
        try {
            assertEquals(99L, check.openMap("meta").get("format"), "a refused open leaves the file alone");
        } finally {
            check.close();
        }
    }

    @Test
    void readOnlyLogRefusesChangesAndServesReads() throws Exception {
        Path file = seeded("ro.deltas");
        Support.Snapshot before = snap(file);
        byte[] bytes = Files.readAllBytes(file);
        try (DeltaLog log = DeltaLog.builder().path(file).readOnly(true).open()) {
            assertFails(ReadOnlyLogException.class, () -> log.track("t2"), "ro.deltas", "read-only");
            assertFails(ReadOnlyLogException.class, () -> log.untrack("t"), "ro.deltas");
            assertFails(ReadOnlyLogException.class, log::begin, "ro.deltas");
            assertFails(ReadOnlyLogException.class, () -> log.recordInsert("t", 5, A), "ro.deltas");
            assertFails(ReadOnlyLogException.class, () -> log.recordUpdate("t", 1, A, B), "ro.deltas");
            assertFails(ReadOnlyLogException.class, () -> log.recordDelete("t", 1, A), "ro.deltas");
            assertEquals(before, snapshot(log, "t"));
            assertEquals(2, log.count("t", 0));
            assertEquals(2, log.changesAfter(List.of("t"), 0).size());
            assertTrue(log.isTracked("t"));
            log.checkpoint(); // nothing to write
            assertEquals(2, log.stats().deltas());
        }
        assertArrayEquals(bytes, Files.readAllBytes(file), "a read-only session writes nothing");
        assertEquals(before, snap(file));
    }

    @Test
    void readOnlyOnAMissingFile() {
        Path file = dir.resolve("missing.deltas");
        assertFails(
                DeltaLogException.class,
                () -> DeltaLog.builder().path(file).readOnly(true).open(),
                "missing.deltas");
        assertFalse(Files.exists(file));
        try (DeltaLog log = DeltaLog.open(file)) { // and the failed attempt left nothing registered
            assertEquals(0, log.countAll());
        }
    }

    @Test
    void everySpecificExceptionIsADeltaLogExceptionAndKeepsItsCause() {
        Throwable cause = new java.io.IOException("disk");
        List<DeltaLogException> all = List.of(
                new DeltaLogException("m", cause),
                new CorruptLogException("m", cause),
                new DeltaTooLargeException("m", cause),
                new DeltasPurgedException("m", cause),
                new EncryptionKeyException("m", cause),
                new FileLockedException("m", cause),
                new LogClosedException("m", cause),
                new ReadOnlyLogException("m", cause),
                new UnsupportedFormatException("m", cause),
                new UntrackedTableException("m", cause));
        for (DeltaLogException e : all) {
            assertInstanceOf(RuntimeException.class, e);
            assertEquals("m", e.getMessage());
            assertEquals(cause, e.getCause(), e.getClass().getName());
        }
        assertEquals("only", new UntrackedTableException("only").getMessage());
    }

    @Test
    void namesWithAnUnpairedSurrogateAreRefusedNotSilentlyChanged() {
        try (DeltaLog log = DeltaLog.inMemory()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> log.track("orders\uD800"));
            assertTrue(e.getMessage().contains("surrogate") && e.getMessage().contains("6"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> log.consumer("view\uDC00x"));
            assertEquals(java.util.List.of(), log.trackedTables());
            assertEquals(java.util.List.of(), log.consumers());
            log.track("pair\uD83D\uDE00");
            assertTrue(log.isTracked("pair\uD83D\uDE00"), "a surrogate pair is fine");
        }
    }
}
