package io.github.deltalog.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.deltalog.DeltaOp;
import io.github.deltalog.Durability;
import io.github.deltalog.LogClosedException;
import io.github.deltalog.Tuple;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link LogStore#checkpointWith}: the action runs once while no commit can run, and the checkpoint that follows
 * takes everything committed before it into the store file (the journal is emptied).
 */
class CheckpointHookTest {
    @TempDir
    Path dir;

    @Test
    void theActionExcludesCommitsAndIsFollowedByACheckpoint() throws Exception {
        Path file = dir.resolve("hook.deltas");
        Path journal = dir.resolve("hook.deltas.journal");
        StoreOptions options = new StoreOptions(
                file, null, false, Durability.COMMIT, Clock.systemUTC(), 16, false, 20, 3_600_000, Long.MAX_VALUE);
        ExecutorService other = Executors.newSingleThreadExecutor();
        try (LogStore store = LogStore.open(options)) {
            store.setTracked("t", true);
            int table = store.tableId("t");
            long emptyJournal = Files.size(journal);
            commit(store, table, 1);
            assertTrue(Files.size(journal) > emptyJournal, "the commit is in the journal");

            AtomicInteger runs = new AtomicInteger();
            CountDownLatch inAction = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            Future<Long> blocked = other.submit(() -> {
                inAction.await();
                return commit(store, table, 2);
            });
            Thread hook = new Thread(() -> store.checkpointWith(() -> {
                runs.incrementAndGet();
                inAction.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
            hook.start();
            assertTrue(inAction.await(10, TimeUnit.SECONDS));
            Thread.sleep(200);
            assertFalse(blocked.isDone(), "a commit ran while the action held the write lock");
            release.countDown();
            hook.join(10_000);
            assertTrue(blocked.get(10, TimeUnit.SECONDS) > 0, "the waiting commit went through after the action");
            assertEquals(1, runs.get());

            store.checkpointWith(runs::incrementAndGet);
            assertEquals(2, runs.get());
            assertEquals(emptyJournal, Files.size(journal), "the checkpoint after the action emptied the journal");
            assertEquals(2, store.count(table, 0, store.watermark()));
            store.close();
            assertThrows(LogClosedException.class, () -> store.checkpointWith(runs::incrementAndGet));
            assertEquals(2, runs.get(), "no action runs on a closed log");
        } finally {
            other.shutdownNow();
        }
    }

    private static long commit(LogStore store, int table, long row) {
        byte[] value = DeltaCodec.encode("t", row, new DeltaOp.Insert(Tuple.of(row)));
        return store.commit(new int[] {table}, new long[] {row}, new byte[][] {value}, 1, ts -> {});
    }
}
