package io.github.deltalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Shrinking the file: {@link DeltaLog#compact()} after purges brings the file to about the size of a fresh file
 * holding the same deltas, keeps every delta readable (also across a reopen and while commits go on), and the
 * background thread gives back the space of a file that purges left mostly free. Kills during compaction are in
 * {@link CrashRecoveryTest}'s retention rounds.
 */
class CompactionTest {
    private static final int TRANSACTIONS = 600;
    private static final int PER_TRANSACTION = 100;

    @TempDir
    Path dir;

    /** Writes TRANSACTIONS transactions of PER_TRANSACTION inserts of rows with a 60-char payload. */
    private static List<Long> fill(DeltaLog log) {
        log.track("orders");
        List<Long> ts = new ArrayList<>();
        for (int t = 0; t < TRANSACTIONS; t++) {
            try (DeltaTransaction tx = log.begin()) {
                for (int i = 0; i < PER_TRANSACTION; i++) {
                    long row = (long) t * PER_TRANSACTION + i;
                    tx.insert("orders", row, Tuple.of(row, "customer-" + row % 977, "x".repeat(60)));
                }
                ts.add(tx.commit());
            }
        }
        return ts;
    }

    /** The size of a new file holding the same deltas as a log: the live size compaction should come near. */
    private long freshCopySize(DeltaLog log, String name) throws Exception {
        Path copy = dir.resolve(name);
        try (DeltaLog fresh = DeltaLog.open(copy)) {
            fresh.track("orders");
            List<Delta> all = Support.read(log, "orders", log.oldestRetained());
            for (int from = 0; from < all.size(); from += PER_TRANSACTION) {
                try (DeltaTransaction tx = fresh.begin()) {
                    for (Delta d : all.subList(from, Math.min(all.size(), from + PER_TRANSACTION))) {
                        tx.insert("orders", d.rowId(), ((DeltaOp.Insert) d.op()).after());
                    }
                    tx.commit();
                }
            }
        }
        return Files.size(copy);
    }

    @Test
    void aTwoStepPurgeThenCompactShrinksToAboutTheLiveSize() throws Exception {
        Path file = dir.resolve("log.deltas");
        long full;
        long afterHalf;
        long afterAll;
        try (DeltaLog log = DeltaLog.open(file)) {
            List<Long> ts = fill(log);
            log.checkpoint();
            full = Files.size(file);
            log.purgeBefore(ts.get(TRANSACTIONS / 2));
            List<Delta> retained = Support.read(log, "orders", log.oldestRetained());
            long live = freshCopySize(log, "half.deltas");
            afterHalf = log.compact();
            assertEquals(afterHalf, Files.size(file));
            assertTrue(
                    afterHalf <= live * 3 / 2 + (1 << 20),
                    "half purged: " + afterHalf + " bytes after compaction, a fresh copy has " + live + " (full " + full
                            + ")");
            assertEquals(retained, Support.read(log, "orders", log.oldestRetained()));

            log.purgeBefore(log.lastCommitted() + 1);
            afterAll = log.compact();
            assertTrue(afterAll <= (1 << 20), "everything purged, " + afterAll + " bytes after compaction");
        }
        try (DeltaLog log = DeltaLog.open(file)) {
            assertEquals(0, log.countAll());
            assertTrue(Files.size(file) <= (1 << 20), "after reopen: " + Files.size(file));
        }
        System.out.printf(
                "CompactionTest: %,d bytes full, %,d after purging half and compacting, %,d after purging all%n",
                full, afterHalf, afterAll);
    }

    @Test
    void commitsDuringCompactionAreKeptAcrossAReopen() throws Exception {
        Path file = dir.resolve("log.deltas");
        List<Delta> expected;
        AtomicReference<Throwable> failure = new AtomicReference<>();
        try (DeltaLog log = DeltaLog.open(file)) {
            List<Long> ts = fill(log);
            // The fill in the store file first: otherwise "before" measures a file whose data is still mostly in
            // the journal, and compaction's own checkpoint grows it.
            log.checkpoint();
            log.purgeBefore(ts.get(TRANSACTIONS * 3 / 4));
            AtomicBoolean stop = new AtomicBoolean();
            Thread writer = new Thread(() -> {
                long row = -1;
                try {
                    while (!stop.get() && row > -5000) {
                        log.recordInsert("orders", row, Tuple.of(row, "during"));
                        row--;
                    }
                } catch (Throwable e) {
                    failure.set(e);
                }
            });
            writer.start();
            long before = Files.size(file);
            long after = log.compact();
            stop.set(true);
            writer.join();
            assertEquals(null, failure.get());
            assertTrue(after < before, before + " -> " + after);
            expected = Support.read(log, "orders", log.oldestRetained());
        }
        try (DeltaLog log = DeltaLog.open(file)) {
            assertEquals(expected, Support.read(log, "orders", log.oldestRetained()));
        }
    }

    @Test
    void theBackgroundThreadGivesBackTheSpaceOfAMostlyFreeFile() throws Exception {
        Path file = dir.resolve("log.deltas");
        try (DeltaLog log = DeltaLog.builder()
                .path(file)
                .checkpointInterval(Duration.ofMillis(100))
                .open()) {
            fill(log);
            log.checkpoint();
            long full = Files.size(file);
            log.purgeBefore(log.lastCommitted() + 1);
            long purged = Files.size(file);
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (Files.size(file) * 2 > full && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertTrue(
                    Files.size(file) * 2 <= full,
                    full + " bytes full, " + purged + " after the purge, " + Files.size(file) + " a minute later");
        }
    }

    @Test
    void compactWorksInMemoryAndRefusesReadOnly() {
        try (DeltaLog log = DeltaLog.inMemory()) {
            log.track("orders");
            log.recordInsert("orders", 1, Tuple.of(1));
            assertEquals(0, log.compact());
            assertEquals(1, log.countAll());
        }
        Path file = dir.resolve("ro.deltas");
        try (DeltaLog log = DeltaLog.open(file)) {
            log.track("orders");
        }
        try (DeltaLog log = DeltaLog.builder().path(file).readOnly(true).open()) {
            org.junit.jupiter.api.Assertions.assertThrows(ReadOnlyLogException.class, log::compact);
        }
    }
}
