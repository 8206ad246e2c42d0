package io.github.deltalog.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.deltalog.Delta;
import io.github.deltalog.DeltaCursor;
import io.github.deltalog.DeltaLog;
import io.github.deltalog.DeltaTransaction;
import io.github.deltalog.Durability;
import io.github.deltalog.Tuple;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Recovery from journals left by a crash, made by copying a live log's files (store and journal) while it is
 * open, as a kill would leave them, and then damaging the copy: torn tails, flipped bytes, a rotated journal
 * of an interrupted checkpoint.
 */
class JournalRecoveryTest {
    private static final int TRANSACTIONS = 6;

    @TempDir
    Path dir;

    private Path copy;
    private Path copyJournal;
    /** Commit timestamp of each transaction. */
    private final long[] ts = new long[TRANSACTIONS];
    /** Journal size after each transaction: record i spans [end[i-1], end[i]). */
    private final long[] end = new long[TRANSACTIONS];

    /** Commits TRANSACTIONS two-delta transactions with no checkpoint, and copies the files while open. */
    @BeforeEach
    void crashCopy() throws IOException {
        Path file = dir.resolve("live.deltas");
        Path journal = journalOf(file);
        copy = dir.resolve("crashed.deltas");
        copyJournal = journalOf(copy);
        try (DeltaLog log = DeltaLog.builder()
                .path(file)
                .durability(Durability.COMMIT)
                .checkpointInterval(Duration.ofHours(1))
                .open()) {
            log.track("a");
            log.track("b");
            for (int i = 0; i < TRANSACTIONS; i++) {
                try (var tx = log.begin()) {
                    tx.insert("a", i, Tuple.of(i, "row " + i));
                    tx.insert("b", -i - 1, Tuple.of((long) i, new byte[] {(byte) i}));
                    ts[i] = tx.commit();
                }
                end[i] = Files.size(journal);
            }
            Files.copy(file, copy);
            Files.copy(journal, copyJournal);
        }
        assertEquals(end[TRANSACTIONS - 1], Files.size(copyJournal));
    }

    @Test
    void tornLastRecordIsIgnoredAndEarlierOnesReplayed() throws IOException {
        truncate(copyJournal, end[TRANSACTIONS - 1] - 3);
        assertRecovered(TRANSACTIONS - 1);
    }

    @Test
    void tornRecordHeaderIsIgnored() throws IOException {
        truncate(copyJournal, end[2] + 5); // 5 of the 8 header bytes of record 3
        assertRecovered(3);
    }

    @Test
    void zeroFilledTailIsIgnored() throws IOException {
        try (FileChannel ch = FileChannel.open(copyJournal, StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.allocate(4096), end[TRANSACTIONS - 1]);
        }
        assertRecovered(TRANSACTIONS);
    }

    @Test
    void corruptByteInTheMiddleStopsReplayThere() throws IOException {
        flip(copyJournal, end[2] + 8 + 12); // inside the body of record 3
        assertRecovered(3);
    }

    @Test
    void corruptRecordLengthStopsReplayThere() throws IOException {
        flip(copyJournal, end[1] + 2); // the length field of record 2
        assertRecovered(2);
    }

    @Test
    void rotatedJournalOfAnInterruptedCheckpointIsReplayedFirst() throws IOException {
        // An interrupted checkpoint leaves records 0..2 in .journal.old and 3.. in the new .journal.
        splitAfter(2);
        assertRecovered(TRANSACTIONS);
        assertEquals(
                JournalFiles.GENERATION_HEADER_BYTES,
                Files.size(copyJournal),
                "a clean close leaves only the next generation's header");
        assertFalse(Files.exists(Journal.oldPath(copyJournal)), "a clean close deletes the rotated journal");
    }

    @Test
    void rotatedJournalWithoutNewJournalIsReplayed() throws IOException {
        Files.move(copyJournal, Journal.oldPath(copyJournal)); // killed right after the rename
        assertRecovered(TRANSACTIONS);
    }

    @Test
    void rotatedJournalAlreadyCoveredByACheckpointChangesNothing() throws IOException {
        byte[] journal = Files.readAllBytes(copyJournal);
        try (DeltaLog log = DeltaLog.open(copy)) {
            assertEquals(ts[TRANSACTIONS - 1], log.lastCommitted()); // recovered, then checkpointed at close
        }
        // The checkpoint's store commit finished; the kill came before .journal.old was deleted.
        Files.write(Journal.oldPath(copyJournal), journal);
        assertRecovered(TRANSACTIONS);
    }

    @Test
    void corruptRotatedJournalStopsReplayBeforeTheNewJournal() throws IOException {
        // Records 0..2 in .journal.old with record 1 damaged, 3.. in .journal: replaying .journal after the
        // damage would leave a gap (transactions 1 and 2 missing, 3.. present). Only a prefix may survive.
        splitAfter(2);
        flip(Journal.oldPath(copyJournal), end[0] + 8 + 12);
        assertRecovered(1);
    }

    @Test
    void damagedRotatedJournalThatACheckpointCoversDoesNotStopReplay() throws IOException {
        byte[] journal = Files.readAllBytes(copyJournal);
        try (DeltaLog log = DeltaLog.open(copy)) {
            assertEquals(ts[TRANSACTIONS - 1], log.lastCommitted()); // all six checkpointed at close
        }
        // A later session commits two more and is killed; a stale, damaged .journal.old lies beside it.
        Path live = dir.resolve("second.deltas");
        long[] more = new long[2];
        try (DeltaLog log = DeltaLog.builder()
                .path(copy)
                .checkpointInterval(Duration.ofHours(1))
                .open()) {
            for (int i = 0; i < 2; i++) {
                more[i] = log.recordInsert("a", 500 + i, Tuple.of(i));
            }
            Files.copy(copy, live);
            Files.copy(copyJournal, journalOf(live));
        }
        flip(journal, (int) end[3] + 8 + 12);
        Files.write(Journal.oldPath(journalOf(live)), journal);
        try (DeltaLog log = DeltaLog.open(live)) {
            assertEquals(more[1], log.lastCommitted());
            assertEquals(2L * TRANSACTIONS + 2, log.countAll());
        }
    }

    @Test
    void openDeletesARotatedJournalThatItsCheckpointCovers() throws IOException {
        Files.move(copyJournal, Journal.oldPath(copyJournal));
        try (DeltaLog log = DeltaLog.builder()
                .path(copy)
                .checkpointInterval(Duration.ofHours(1))
                .open()) {
            assertEquals(ts[TRANSACTIONS - 1], log.lastCommitted());
            assertFalse(Files.exists(Journal.oldPath(copyJournal)), "stale .journal.old kept after recovery");
        }
    }

    @Test
    void readOnlyOpenReplaysTheJournalWithoutChangingFiles() throws IOException {
        truncate(copyJournal, end[3]);
        byte[] store = Files.readAllBytes(copy);
        byte[] journal = Files.readAllBytes(copyJournal);
        try (DeltaLog log = DeltaLog.builder().path(copy).readOnly(true).open()) {
            assertEquals(ts[3], log.lastCommitted());
            assertEquals(8, log.countAll());
            assertEquals(expected(4), read(log));
        }
        assertArrayEquals(store, Files.readAllBytes(copy), "a read-only open changed the store file");
        assertArrayEquals(journal, Files.readAllBytes(copyJournal), "a read-only open changed the journal");
        assertRecovered(4);
    }

    @Test
    void storedDeltasNoJournalRecordVouchesForAreRemoved() throws IOException {
        truncate(copyJournal, end[3]);
        // A store version that caught a transaction the journal does not hold (as MVStore's own background
        // writes could): deltas above the last journal record must not survive recovery.
        try (MVStore store = new MVStore.Builder().fileName(copy.toString()).open()) {
            MVMap<DeltaKey, byte[]> deltas = store.openMap(
                    "deltas",
                    new MVMap.Builder<DeltaKey, byte[]>()
                            .keyType(DeltaKeyType.INSTANCE)
                            .valueType(org.h2.mvstore.type.ByteArrayDataType.INSTANCE));
            byte[] value = DeltaCodec.encode("a", 99, new io.github.deltalog.DeltaOp.Insert(Tuple.of(99)));
            int tableA = (int) (store.<String, Long>openMap("catalog").get("a") >>> 1);
            DeltaKey key = new DeltaKey(tableA, ts[5], 99);
            DeltaCodec.seal(key, value);
            deltas.put(key, value);
            store.commit();
        }
        assertRecovered(4);
    }

    @Test
    void aPurgeCutShortAfterItsMarkWasStoredIsFinishedAtOpen() throws IOException {
        // Regression: a purge stores its raised low-water mark before it removes the deltas, and a background
        // checkpoint in between made a crash image with the mark but (some of) the deltas still there; they
        // stayed for good, counted by countAll. This image: the mark raised to the third transaction, nothing
        // removed.
        Path file = dir.resolve("purged.deltas");
        long[] stamps = new long[4];
        try (DeltaLog log = DeltaLog.open(file)) {
            log.track("a");
            for (int i = 0; i < stamps.length; i++) {
                try (DeltaTransaction tx = log.begin()) {
                    tx.insert("a", i, Tuple.of(i));
                    stamps[i] = tx.commit();
                }
            }
        }
        try (MVStore store = new MVStore.Builder().fileName(file.toString()).open()) {
            store.<String, Long>openMap("meta").put("lowWater", stamps[2]);
            store.commit();
        }
        try (DeltaLog log = DeltaLog.builder().path(file).readOnly(true).open()) {
            assertEquals(stamps[2], log.oldestRetained());
            assertEquals(1, log.countAll(), "a read-only open counts only what is above the mark");
        }
        try (DeltaLog log = DeltaLog.open(file)) {
            assertEquals(stamps[2], log.oldestRetained());
            assertEquals(1, log.countAll());
        }
        try (MVStore store = new MVStore.Builder().fileName(file.toString()).open()) {
            MVMap<DeltaKey, byte[]> deltas = store.openMap(
                    "deltas",
                    new MVMap.Builder<DeltaKey, byte[]>()
                            .keyType(DeltaKeyType.INSTANCE)
                            .valueType(org.h2.mvstore.type.ByteArrayDataType.INSTANCE));
            assertEquals(1, deltas.size(), "the open finished the purge in the file");
        }
    }

    @Test
    void journalsEndCleanlyAlsoWhenEncrypted() {
        // A rotated journal is replayed in full before the newer one only if it ends cleanly; an encrypted
        // journal (whose file is padded to whole blocks) must end cleanly too.
        for (byte[] key : new byte[][] {null, "secret".getBytes(java.nio.charset.StandardCharsets.UTF_8)}) {
            for (int records : new int[] {0, 1, 5, 200}) {
                Path path = dir.resolve("j" + records + (key == null ? "" : "-encrypted") + ".journal");
                Journal journal = new Journal(path, key, Durability.COMMIT, JournalTestFiles.generation(1, 0));
                JournalFiles.RecordBuilder b = new JournalFiles.RecordBuilder();
                for (int i = 1; i <= records; i++) {
                    b.startTransaction(i, 1);
                    byte[] value = DeltaCodec.encode("t", i, new io.github.deltalog.DeltaOp.Insert(Tuple.of(i)));
                    DeltaKey k = new DeltaKey(1, i, i);
                    DeltaCodec.seal(k, value);
                    b.addDelta(k, value);
                    journal.append(b.finish(), 0, b.length());
                }
                journal.close();
                List<Long> seen = new ArrayList<>();
                JournalReader.Replayed r = JournalReader.replay(path, key, 0, JournalTestFiles.transactions(seen));
                String what = records + " records, encrypted " + (key != null);
                assertEquals(records, seen.size(), what);
                assertTrue(r.clean(), what);
                assertEquals(records, r.last(), what);
            }
        }
    }

    @Test
    void encryptedLogKilledWithAnEmptyJournalReopens() throws IOException {
        // Killed while idle: right after open, or after a checkpoint emptied the journal.
        Path file = dir.resolve("enc.deltas");
        Path crashed = dir.resolve("enc-crashed.deltas");
        long last;
        try (DeltaLog log = DeltaLog.builder()
                .path(file)
                .encryptionKey("secret".toCharArray())
                .checkpointInterval(Duration.ofHours(1))
                .open()) {
            log.track("a");
            last = log.recordInsert("a", 1, Tuple.of(1));
            log.checkpoint();
            assertFalse(
                    JournalReader.inspect(journalOf(file), JournalTestFiles.key("secret"))
                            .hasRecords(),
                    "the journal holds only its header after a checkpoint");
            Files.copy(file, crashed);
            Files.copy(journalOf(file), journalOf(crashed));
        }
        for (boolean readOnly : new boolean[] {true, false}) {
            try (DeltaLog log = DeltaLog.builder()
                    .path(crashed)
                    .encryptionKey("secret".toCharArray())
                    .readOnly(readOnly)
                    .open()) {
                assertEquals(last, log.lastCommitted());
                assertEquals(1, log.countAll());
            }
        }
    }

    @Test
    void encryptedJournalBeyondOneBlockIsWrittenAndReplayed() throws IOException {
        Path file = dir.resolve("enc-big.deltas");
        Path crashed = dir.resolve("enc-big-crashed.deltas");
        long last = 0;
        try (DeltaLog log = DeltaLog.builder()
                .path(file)
                .encryptionKey("secret".toCharArray())
                .checkpointInterval(Duration.ofHours(1))
                .open()) {
            log.track("a");
            for (int i = 0; i < 400; i++) { // about 20 KiB of journal, records across block boundaries
                last = log.recordInsert("a", i, Tuple.of(i, "x".repeat(i % 37)));
            }
            assertTrue(Files.size(journalOf(file)) > 4 * 4096);
            Files.copy(file, crashed);
            Files.copy(journalOf(file), journalOf(crashed));
        }
        try (DeltaLog log = DeltaLog.builder()
                .path(crashed)
                .encryptionKey("secret".toCharArray())
                .open()) {
            assertEquals(last, log.lastCommitted());
            assertEquals(400, log.countAll());
        }
    }

    @Test
    void encryptedJournalEndingOnABlockBoundaryKeepsItsLastRecord() {
        // 128-byte records: the 32nd ends exactly at 4096, over the padding the 31st left behind it.
        byte[] key = "secret".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        for (int records : new int[] {32, 64, 65}) {
            Path path = dir.resolve("aligned" + records + ".journal");
            Journal journal = new Journal(path, key, Durability.COMMIT, JournalTestFiles.generation(1, 0));
            JournalFiles.RecordBuilder b = new JournalFiles.RecordBuilder();
            for (int i = 1; i <= records; i++) {
                // The first record fills the block's first 128 bytes up with the 41-byte generation header.
                int length = i == 1 ? 128 - JournalFiles.GENERATION_HEADER_BYTES : 128;
                b.startTransaction(i, 1);
                b.addDelta(new DeltaKey(1, i, i), new byte[length - 28]);
                assertEquals(length, b.length());
                journal.append(b.finish(), 0, b.length());
            }
            journal.close();
            JournalReader.Replayed r =
                    JournalReader.replay(path, key, 0, JournalTestFiles.transactions(new ArrayList<>()));
            assertEquals(records, r.last(), records + " records");
            assertTrue(r.clean(), records + " records");
        }
    }

    /** Opens the damaged copy, checks it holds exactly the first n transactions, commits on, reopens. */
    private void assertRecovered(int n) {
        long last = n == 0 ? 0 : ts[n - 1];
        long next;
        try (DeltaLog log = DeltaLog.open(copy)) {
            assertEquals(last, log.lastCommitted(), "watermark");
            assertEquals(2L * n, log.countAll(), "count");
            assertEquals(expected(n), read(log));
            next = log.recordInsert("a", 1000, Tuple.of("after recovery"));
            assertTrue(next > last, "a commit after recovery must get a later timestamp");
        }
        try (DeltaLog log = DeltaLog.open(copy)) {
            assertEquals(next, log.lastCommitted());
            assertEquals(2L * n + 1, log.countAll());
        }
    }

    private List<String> expected(int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add("a " + i + " " + ts[i] + " " + Tuple.of(i, "row " + i));
        }
        for (int i = 0; i < n; i++) {
            out.add("b " + (-i - 1) + " " + ts[i] + " " + Tuple.of((long) i, new byte[] {(byte) i}));
        }
        return out;
    }

    private static List<String> read(DeltaLog log) {
        List<String> out = new ArrayList<>();
        for (String table : List.of("a", "b")) {
            try (DeltaCursor c = log.changesAfter(table, 0L)) {
                for (Delta d : c) {
                    if (d.rowId() != 1000) {
                        out.add(table + " " + d.rowId() + " " + d.commitTimestamp() + " " + d.op().after());
                    }
                }
            }
        }
        return out;
    }

    /**
     * Makes the crash image of a checkpoint cut short after its rotation: records up to {@code i} in
     * {@code .journal.old} (generation G), the later ones in a new {@code .journal} of generation G+1 that
     * continues from transaction {@code i}.
     */
    private void splitAfter(int i) throws IOException {
        byte[] all = Files.readAllBytes(copyJournal);
        JournalFiles.Generation g = JournalReader.inspect(copyJournal, null).header();
        int split = (int) end[i];
        Files.write(Journal.oldPath(copyJournal), Arrays.copyOfRange(all, 0, split));
        JournalFiles.RecordBuilder b = new JournalFiles.RecordBuilder();
        b.generation(new JournalFiles.Generation(g.id(), g.generation() + 1, ts[i]));
        byte[] header = Arrays.copyOf(b.finish(), b.length());
        byte[] rest = Arrays.copyOfRange(all, split, all.length);
        byte[] next = Arrays.copyOf(header, header.length + rest.length);
        System.arraycopy(rest, 0, next, header.length, rest.length);
        Files.write(copyJournal, next);
    }

    private static Path journalOf(Path file) {
        return file.resolveSibling(file.getFileName() + ".journal");
    }

    private static void truncate(Path file, long size) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(size);
        }
    }

    private static void flip(Path file, long position) throws IOException {
        byte[] b = Files.readAllBytes(file);
        flip(b, (int) position);
        Files.write(file, b);
    }

    private static void flip(byte[] b, int position) {
        b[position] ^= 0x40;
    }
}
