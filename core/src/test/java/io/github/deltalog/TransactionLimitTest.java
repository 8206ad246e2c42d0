package io.github.deltalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A transaction over the size limit (issue 21) fails with {@link TransactionTooLargeException} on the change that
 * crosses the limit, not at commit after it piled everything up, and the transaction and the log stay as they
 * were. The documented limit is 256 MiB; these transactions get a 1 MiB one (the same check) so that the default
 * suite needs no big heap.
 */
class TransactionLimitTest {
    private static final int LIMIT = 1 << 20;
    private static final int VALUE = 100_000;

    @TempDir
    Path dir;

    private static Tuple big(int i) {
        byte[] b = new byte[VALUE];
        b[0] = (byte) i;
        return Tuple.of(i, b);
    }

    @Test
    void theChangeThatCrossesTheLimitIsRefusedAndTheRestCommits() {
        Path file = dir.resolve("limit.deltas");
        int held = 0;
        try (DeltaLog log = DeltaLog.open(file)) {
            log.track("blobs");
            DeltaTransaction tx = new DeltaTransaction(log, LIMIT);
            TransactionTooLargeException refused = null;
            for (int i = 0; i < 100 && refused == null; i++) {
                try {
                    tx.insert("blobs", i, big(i));
                    held++;
                } catch (TransactionTooLargeException e) {
                    refused = e;
                }
            }
            assertTrue(refused != null, "a transaction of 100 values of 100 kB passed a 1 MiB limit");
            assertEquals(LIMIT / VALUE, held, "refused at the first change over the limit");
            assertTrue(refused.getMessage().contains("'blobs'"), refused.getMessage());
            assertTrue(refused.getMessage().contains("row " + held), refused.getMessage());
            assertEquals(held, tx.size(), "the refused change must not be held");
            // Changes that do not grow it are still taken: an update of a held row to a small image.
            tx.update("blobs", 0, big(0), Tuple.of(0, new byte[1]));
            tx.insert("blobs", held, big(held));
            tx.commit();
            assertEquals(held + 1, log.countAll());
        }
        try (DeltaLog log = DeltaLog.open(file)) {
            assertEquals(held + 1, log.countAll());
        }
    }

    @Test
    void aBatchOverTheLimitRecordsNoneOfItself() {
        try (DeltaLog log = DeltaLog.open(dir.resolve("batch.deltas"))) {
            log.track("blobs");
            DeltaTransaction tx = new DeltaTransaction(log, LIMIT);
            tx.insert("blobs", -1, big(-1));
            long[] ids = new long[20];
            List<Tuple> rows = new ArrayList<>();
            for (int i = 0; i < ids.length; i++) {
                ids[i] = i;
                rows.add(big(i));
            }
            assertThrows(TransactionTooLargeException.class, () -> tx.insertAll("blobs", ids, rows));
            assertEquals(1, tx.size());
            long before = log.lastCommitted();
            tx.insertAll("blobs", new long[] {1, 2}, rows.subList(1, 3));
            long ts = tx.commit();
            assertTrue(ts > before);
            assertEquals(3, log.countAll());
        }
    }

    @Test
    void theDocumentedLimitIsTheDefault() {
        try (DeltaLog log = DeltaLog.inMemory()) {
            log.track("blobs");
            try (DeltaTransaction tx = log.begin()) {
                for (int i = 0; i < 30; i++) {
                    tx.insert("blobs", i, big(i)); // 3 MB: far below 256 MiB
                }
                tx.commit();
            }
            assertEquals(30, log.countAll());
            assertEquals(256 << 20, TransactionTooLargeException.MAX_TRANSACTION_BYTES);
        }
    }
}
