package io.github.deltalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.deltalog.LogMetrics.ConsumerLag;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** log.metrics(): running totals, sizes and consumer lags after a real workload on a file-backed log. */
class LogMetricsTest {
    @TempDir
    Path dir;

    @Test
    void metricsFollowAWorkloadOfCommitsCheckpointsPurgesAndConsumers() {
        Path file = dir.resolve("m.deltas");
        try (DeltaLog log = DeltaLog.open(file)) {
            log.track("orders");
            log.track("lines");
            LogMetrics empty = log.metrics();
            assertEquals(0, empty.commits());
            assertEquals(0, empty.deltas());
            assertEquals(0, empty.journalBytes());

            List<Long> ts = new ArrayList<>();
            for (int tx = 0; tx < 10; tx++) {
                try (DeltaTransaction t = log.begin()) {
                    for (int r = 0; r < 3; r++) {
                        t.insert("orders", tx * 10L + r, Tuple.of(tx, r, "order " + tx));
                    }
                    t.insert("lines", tx, Tuple.of(tx)).insert("lines", tx + 100L, Tuple.of(-tx));
                    ts.add(t.commit());
                }
            }
            try (DeltaTransaction t = log.begin()) { // writes nothing: not a commit
                t.insert("orders", 999, Tuple.of(1)).delete("orders", 999, Tuple.of(1));
                t.commit();
            }
            LogMetrics m = log.metrics();
            assertEquals(10, m.commits());
            assertEquals(50, m.deltas());
            assertTrue(m.deltaBytes() >= 50 * 4, "a delta encodes to a few bytes at least: " + m.deltaBytes());
            assertTrue(m.journalBytesWritten() > m.deltaBytes(), "records carry headers: " + m);
            // a background checkpoint may have emptied the journal meanwhile
            assertTrue(m.journalBytes() <= m.journalBytesWritten(), m.toString());
            assertEquals(50, m.retainedDeltas());
            assertEquals(ts.get(9), m.lastCommitted());

            long checkpointsBefore = m.checkpoints();
            log.checkpoint();
            LogMetrics afterCheckpoint = log.metrics();
            assertTrue(afterCheckpoint.checkpoints() >= checkpointsBefore + 1, "background ones may add to it");
            assertEquals(0, afterCheckpoint.journalBytes(), "the checkpoint emptied the journal");
            assertTrue(afterCheckpoint.lastCheckpointTime().compareTo(Duration.ZERO) > 0);
            assertTrue(afterCheckpoint.checkpointTime().compareTo(afterCheckpoint.lastCheckpointTime()) >= 0);

            Consumer reader = log.consumer("reader", ts.get(4)); // has read the first 5 commits
            log.consumer("current"); // at the watermark
            LogMetrics lagging = log.metrics();
            assertEquals(
                    new ConsumerLag(ts.get(4), 25, ts.get(9) - ts.get(4), false),
                    lagging.consumerLag().get("reader"));
            assertEquals(
                    new ConsumerLag(ts.get(9), 0, 0, false),
                    lagging.consumerLag().get("current"));

            assertEquals(25, log.purge()); // up to the slowest consumer
            LogMetrics purged = log.metrics();
            assertEquals(1, purged.purges());
            assertEquals(25, purged.purgedDeltas());
            assertEquals(25, purged.retainedDeltas());
            assertEquals(ts.get(4), purged.oldestRetained());
            assertEquals(0, log.purge(), "nothing left to purge: not counted");
            assertEquals(1, log.metrics().purges());

            log.purgeBefore(ts.get(7)); // forced past "reader": it becomes stale
            LogMetrics forced = log.metrics();
            assertEquals(2, forced.purges());
            assertEquals(35, forced.purgedDeltas()); // commits 5 and 6: purgeBefore keeps its timestamp
            assertEquals(15, forced.retainedDeltas());
            ConsumerLag stale = forced.consumerLag().get("reader");
            assertTrue(stale.stale());
            assertTrue(reader.isStale());
            assertEquals(forced.retainedDeltas(), stale.deltasBehind());
            assertThrows(UnsupportedOperationException.class, () -> forced.consumerLag()
                    .clear());
        }
        try (DeltaLog reopened = DeltaLog.open(file)) {
            LogMetrics m = reopened.metrics();
            assertEquals(0, m.commits(), "totals count since open");
            assertEquals(15, m.retainedDeltas());
            assertEquals(2, m.consumerLag().size());
        }
    }

    @Test
    void inMemoryLogHasNoJournalAndAClosedLogRefuses() {
        DeltaLog log = DeltaLog.inMemory();
        log.track("t");
        for (int i = 0; i < 5; i++) {
            log.recordInsert("t", i, Tuple.of(i));
        }
        LogMetrics m = log.metrics();
        assertEquals(5, m.commits());
        assertEquals(0, m.journalBytesWritten());
        assertEquals(0, m.journalBytes());
        assertFalse(m.deltaBytes() == 0);
        log.close();
        assertThrows(LogClosedException.class, log::metrics);
    }
}
