package io.github.deltalog.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.deltalog.DeltaLog;
import io.github.deltalog.LogMetrics;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The meters a registry reads after a real workload on a file-backed log. */
class DeltaLogMetricsTest {
    @TempDir
    Path dir;

    @Test
    void metersReportTheWorkload() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (DeltaLog log = DeltaLog.open(dir.resolve("a.deltas"))) {
            new DeltaLogMetrics(log, Tags.of("log", "orders"), Duration.ZERO).bindTo(registry);
            List<Long> ts = Workload.run(log);
            log.checkpoint();
            assertEquals(0, registry.get("deltalog.journal.size").gauge().value(), "the checkpoint emptied it");
            log.consumer("indexer", ts.get(9)); // created after binding: its gauges come with the next snapshot
            log.consumer("cache");

            assertEquals(
                    20,
                    registry.get("deltalog.commits")
                            .tag("log", "orders")
                            .functionCounter()
                            .count());
            assertEquals(100, registry.get("deltalog.deltas").functionCounter().count());
            LogMetrics m = log.metrics();
            assertEquals(
                    m.deltaBytes(),
                    registry.get("deltalog.delta.bytes").functionCounter().count());
            assertEquals(
                    m.journalBytesWritten(),
                    registry.get("deltalog.journal.written").functionCounter().count());
            assertTrue(m.journalBytesWritten() > m.deltaBytes());
            assertTrue(registry.get("deltalog.checkpoints").functionTimer().count() >= 1);
            assertTrue(registry.get("deltalog.checkpoints").functionTimer().totalTime(TimeUnit.NANOSECONDS) > 0);
            assertEquals(100, registry.get("deltalog.retained.deltas").gauge().value());
            assertEquals(
                    (double) ts.get(19),
                    registry.get("deltalog.last.committed").gauge().value());

            assertEquals(
                    50,
                    registry.get("deltalog.consumer.lag.deltas")
                            .tags("consumer", "indexer")
                            .gauge()
                            .value());
            assertEquals(
                    ts.get(19) - ts.get(9),
                    registry.get("deltalog.consumer.lag")
                            .tags("consumer", "indexer")
                            .timeGauge()
                            .value(TimeUnit.MICROSECONDS),
                    1e-3);
            assertEquals(
                    0,
                    registry.get("deltalog.consumer.lag.deltas")
                            .tags("consumer", "cache")
                            .gauge()
                            .value());

            assertEquals(50, log.purge());
            assertEquals(1, registry.get("deltalog.purges").functionCounter().count());
            assertEquals(
                    50, registry.get("deltalog.purged.deltas").functionCounter().count());
            log.purgeBefore(ts.get(15));
            assertEquals(
                    1,
                    registry.get("deltalog.consumer.stale")
                            .tags("consumer", "indexer")
                            .gauge()
                            .value());
            log.dropConsumer("indexer");
            assertTrue(Double.isNaN(registry.get("deltalog.consumer.lag.deltas")
                    .tags("consumer", "indexer")
                    .gauge()
                    .value()));
        }
        assertEquals(20, registry.get("deltalog.commits").functionCounter().count(), "a closed log keeps its totals");
    }

    @Test
    void aSnapshotIsSharedForItsMaximumAge() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (DeltaLog log = DeltaLog.inMemory()) {
            new DeltaLogMetrics(log, Tags.empty(), Duration.ofHours(1)).bindTo(registry);
            Workload.run(log);
            assertEquals(0, registry.get("deltalog.commits").functionCounter().count(), "taken at bind time");
        }
        assertThrows(
                IllegalArgumentException.class,
                () -> new DeltaLogMetrics(DeltaLog.inMemory(), Tags.empty(), Duration.ofSeconds(-1)));
    }
}
