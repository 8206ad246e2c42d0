package io.github.deltalog.micrometer;

import io.github.deltalog.DeltaLog;
import io.github.deltalog.LogClosedException;
import io.github.deltalog.LogMetrics;
import java.time.Duration;

/**
 * One {@link DeltaLog#metrics()} snapshot shared by all the meters of a log for a short time, so that a registry
 * reading twenty meters takes one snapshot, not twenty. After the log is closed the last snapshot stays: the
 * counters keep their last values instead of dropping to zero.
 */
final class MetricsCache {
    private final DeltaLog log;
    private final long maxAgeNanos;
    private LogMetrics last;
    private long takenAt;

    MetricsCache(DeltaLog log, Duration maxAge) {
        this.log = log;
        this.maxAgeNanos = maxAge.toNanos();
    }

    /** Returns a snapshot at most the maximum age old, or the last one if the log is closed (null if none). */
    synchronized LogMetrics get() {
        long now = System.nanoTime();
        if (last == null || now - takenAt >= maxAgeNanos) {
            try {
                last = log.metrics();
                takenAt = now;
            } catch (LogClosedException closed) {
                // keep the last snapshot
            }
        }
        return last;
    }
}
