package io.github.deltalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.deltalog.retention.RetentionPolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Writers, a consumer loop and the background compactor together: the consumer sees every delta exactly once,
 * and the compactor never purges what the consumer has not read.
 */
class RetentionConcurrencyTest {
    private static final int WRITERS = 3;
    private static final int TRANSACTIONS = 300;
    private static final int ROWS_PER_TX = 5;

    @TempDir
    Path dir;

    @Test
    void consumerSeesEveryDeltaExactlyOnceWhileTheCompactorPurges() throws Exception {
        try (DeltaLog log = DeltaLog.builder()
                .path(dir.resolve("busy.deltas"))
                .retention(RetentionPolicy.untilConsumed())
                .compactionInterval(Duration.ofMillis(2))
                .checkpointInterval(Duration.ofMillis(20))
                .open()) {
            log.track("a");
            log.track("b");
            Consumer consumer = log.consumer("view", 0);
            ExecutorService pool = Executors.newFixedThreadPool(WRITERS + 1);
            AtomicBoolean writing = new AtomicBoolean(true);
            ConcurrentLinkedQueue<String> seen = new ConcurrentLinkedQueue<>();
            Future<?>[] writers = new Future<?>[WRITERS];
            for (int w = 0; w < WRITERS; w++) {
                int writer = w;
                writers[w] = pool.submit(() -> {
                    for (int t = 0; t < TRANSACTIONS; t++) {
                        try (DeltaTransaction tx = log.begin()) {
                            for (int r = 0; r < ROWS_PER_TX; r++) {
                                long row = ((long) writer * TRANSACTIONS + t) * ROWS_PER_TX + r;
                                tx.insert(r % 2 == 0 ? "a" : "b", row, Tuple.of(row));
                            }
                            tx.commit();
                        }
                    }
                    return null;
                });
            }
            Future<?> reader = pool.submit(() -> {
                while (true) {
                    boolean last = !writing.get();
                    ChangeSet cs = consumer.changes(List.of("a", "b"));
                    for (Delta d : cs) {
                        seen.add(d.table() + ":" + d.rowId());
                    }
                    consumer.advanceTo(cs.watermark());
                    if (last) {
                        return null;
                    }
                }
            });
            for (Future<?> f : writers) {
                f.get(120, TimeUnit.SECONDS);
            }
            writing.set(false);
            reader.get(120, TimeUnit.SECONDS);
            pool.shutdown();
            assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));

            int expected = WRITERS * TRANSACTIONS * ROWS_PER_TX;
            Set<String> distinct = new HashSet<>(seen);
            assertEquals(expected, distinct.size(), "every delta seen");
            assertEquals(expected, seen.size(), "no delta seen twice");
            assertFalse(consumer.isStale());
            log.purge();
            assertEquals(0, log.countAll(), "everything read was purged");
            assertTrue(log.oldestRetained() > 0);
        }
    }
}
