package io.github.deltalog.store;

import io.github.deltalog.LogMetrics;
import io.github.deltalog.LogMetrics.ConsumerLag;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Builds a {@link LogMetrics} snapshot from the running totals and the current state. O(c·t log n) for c
 * consumers and t tables (two ranks per table and consumer); takes no lock.
 */
final class MetricsSnapshot {
    private MetricsSnapshot() {}

    static LogMetrics of(StoreState s, ConsumerTable consumers, Reads reads, long retained) {
        StoreCounters c = s.counters;
        long watermark = s.watermark();
        long low = s.lowWater();
        Map<String, ConsumerLag> lags = new HashMap<>();
        for (Map.Entry<String, Long> e : consumers.positions().entrySet()) {
            long position = e.getValue();
            boolean stale = s.isBehindLowWater(position);
            long behind;
            if (stale) {
                behind = retained; // it must reread everything after a reset
            } else if (position >= watermark) {
                behind = 0;
            } else {
                behind = reads.countAll(position + 1, watermark);
            }
            lags.put(e.getKey(), new ConsumerLag(position, behind, Math.max(0, watermark - position), stale));
        }
        Journal journal = s.journal;
        return new LogMetrics(
                c.commits.sum(),
                c.deltas.sum(),
                c.deltaBytes.sum(),
                c.journalBytes.sum(),
                journal == null ? 0 : journal.bytesSinceRotation(),
                c.checkpoints.sum(),
                Duration.ofNanos(c.checkpointNanos.sum()),
                Duration.ofNanos(c.lastCheckpointNanos),
                c.purges.sum(),
                c.purgedDeltas.sum(),
                retained,
                watermark,
                low,
                lags);
    }
}
