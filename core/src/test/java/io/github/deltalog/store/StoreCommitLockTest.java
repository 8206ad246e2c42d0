package io.github.deltalog.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.deltalog.Durability;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A view's journal record and the checkpoints running beside it: no store commit holds part of a record. A store
 * file copied after each checkpoint, read without its journal (what a power cut that took the journal's unforced
 * tail would leave), holds every record's changes or none of them.
 */
class StoreCommitLockTest {
    /** Keys each record writes, all with the record's number: enough that applying one takes a while. */
    private static final int KEYS = 2_000;

    @TempDir
    Path dir;

    @Test
    void aCheckpointCopyHoldsEveryRecordWholeOrNotAtAll() throws Exception {
        Path file = dir.resolve("gate.deltas");
        StoreOptions options = new StoreOptions(
                file, null, false, Durability.COMMIT, Clock.systemUTC(), 16, false, 20, 3_600_000, Long.MAX_VALUE);
        ExecutorService writer = Executors.newSingleThreadExecutor();
        AtomicBoolean stop = new AtomicBoolean();
        try (LogStore store = LogStore.open(options)) {
            MVMap<String, Long> side = store.openSideMap("side", new MVMap.Builder<String, Long>());
            Future<Long> records = writer.submit(() -> {
                long n = 0;
                while (!stop.get()) {
                    n++;
                    MapChanges changes = new MapChanges();
                    for (int k = 0; k < KEYS; k++) {
                        changes.put(side, "k" + k, n);
                    }
                    assertTrue(store.commit(changes, () -> true));
                }
                return n;
            });
            Set<Long> seen = new HashSet<>();
            for (int i = 0; i < 40 && !records.isDone(); i++) {
                store.checkpoint();
                Path copy = dir.resolve("copy-" + i + ".deltas");
                Files.copy(file, copy, StandardCopyOption.REPLACE_EXISTING);
                seen.addAll(recordsIn(copy));
            }
            stop.set(true);
            assertTrue(records.get() > 1, "the writer committed records");
            assertTrue(seen.size() > 1, "the copies saw several records: " + seen);
        } finally {
            stop.set(true);
            writer.shutdownNow();
        }
    }

    /** The record numbers a copied store file holds in the side map; fails if it holds part of a record. */
    private static Set<Long> recordsIn(Path copy) {
        MVStore store =
                new MVStore.Builder().fileName(copy.toString()).readOnly().open();
        try {
            if (!store.hasMap("side")) {
                return Set.of();
            }
            MVMap<String, Long> side = store.openMap("side", new MVMap.Builder<String, Long>());
            Set<Long> values = new HashSet<>(side.values());
            if (!side.isEmpty()) {
                assertEquals(KEYS, side.size(), "a copy holds part of the first record");
            }
            assertTrue(values.size() <= 1, "a copy holds parts of different records: " + values + " in " + copy);
            return values;
        } finally {
            store.close();
        }
    }
}
