package io.github.deltalog.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.deltalog.DeltaLog;
import io.github.deltalog.Durability;
import io.github.deltalog.Tuple;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Regressions for the encrypted journal, which h2's FileEncrypt writes in 4 KiB blocks. */
class EncryptedJournalTest {
    private static final byte[] KEY = "journal-key".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    /** Regression: every journal record that crossed a 4 KiB block of an encrypted journal failed (EOFException). */
    @Test
    void encryptedLogCommitsRecordsThatCrossA4KiBBlock() {
        Path file = dir.resolve("enc.deltas");
        for (Durability durability : Durability.values()) {
            try (DeltaLog log = DeltaLog.builder()
                    .path(file)
                    .encryptionKey("k".toCharArray())
                    .durability(durability)
                    .open()) {
                log.track("t");
                long before = log.count("t", 0L);
                for (int i = 0; i < 200; i++) {
                    log.recordInsert("t", i, Tuple.of("x".repeat(50 + i * 7), i, durability.name()));
                }
                assertEquals(before + 200, log.count("t", 0L));
            }
        }
    }

    /**
     * Regression: a record that ended exactly on a 4 KiB boundary left FileEncrypt's old size padding behind, so
     * recovery saw a shorter journal and dropped that committed record.
     */
    @Test
    void encryptedJournalRecordEndingOnABlockBoundaryIsReplayed() {
        Path path = dir.resolve("boundary.journal");
        JournalFiles.RecordBuilder record = new JournalFiles.RecordBuilder();
        Journal journal = new Journal(path, KEY.clone(), Durability.COMMIT, JournalTestFiles.generation(1, 0));
        try {
            // After the 41-byte generation header: records of 59 bytes, then 3996 (ending at exactly 4096), then
            // 500 and 8192 - 4596 (at 8192 again).
            int[] recordLengths = {100 - JournalFiles.GENERATION_HEADER_BYTES, 3996, 500, 8192 - 4596};
            for (int i = 0; i < recordLengths.length; i++) {
                int valueLength = recordLengths[i] - 27 - (recordLengths[i] - 29 < 128 ? 1 : 2);
                record.startTransaction(i + 1, 1);
                record.addDelta(new DeltaKey(1, i + 1, i), new byte[valueLength]);
                assertEquals(recordLengths[i], record.length());
                journal.append(record.finish(), 0, record.length());
                // The file as recovery would find it if the process died now.
                assertEquals(i + 1, replayed(path).size(), "records replayed after record " + i);
            }
        } finally {
            journal.close();
        }
    }

    private static List<Long> replayed(Path path) {
        List<Long> timestamps = new ArrayList<>();
        JournalReader.replay(path, KEY.clone(), 0, JournalTestFiles.transactions(timestamps));
        return timestamps;
    }
}
