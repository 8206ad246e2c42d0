package io.github.deltalog;

import java.time.Duration;
import java.util.Map;

/**
 * A snapshot of a log's activity, from {@link DeltaLog#metrics()}: running totals since the log was opened in
 * this process, and its current sizes and consumer lags. Immutable. The totals are read without stopping
 * committers, so two of them may be a commit apart; each one only grows while the log is open.
 *
 * @param commits transactions committed since open (transactions that wrote nothing are not commits)
 * @param deltas deltas committed since open
 * @param deltaBytes encoded bytes of those deltas (what the store holds for them, before MVStore's own overhead)
 * @param journalBytesWritten bytes appended to the commit journal since open, record headers included (0 in
 *     memory, attached or read-only: no journal)
 * @param journalBytes bytes in the current journal, which the next checkpoint folds into the store file
 * @param checkpoints checkpoints that wrote the store file since open
 * @param checkpointTime the time all those checkpoints took
 * @param lastCheckpointTime the time the last one took ({@link Duration#ZERO} before the first)
 * @param purges purges (explicit, by policy or in the background) that removed at least one delta, since open
 * @param purgedDeltas deltas those purges removed
 * @param retainedDeltas deltas retained now, all tables
 * @param lastCommitted the watermark
 * @param oldestRetained the low-water mark
 * @param consumerLag each registered consumer's lag, by name
 */
public record LogMetrics(
        long commits,
        long deltas,
        long deltaBytes,
        long journalBytesWritten,
        long journalBytes,
        long checkpoints,
        Duration checkpointTime,
        Duration lastCheckpointTime,
        long purges,
        long purgedDeltas,
        long retainedDeltas,
        long lastCommitted,
        long oldestRetained,
        Map<String, ConsumerLag> consumerLag) {

    /**
     * Creates a snapshot; the consumer map is copied.
     *
     * @param commits transactions committed since open
     * @param deltas deltas committed since open
     * @param deltaBytes encoded bytes of those deltas
     * @param journalBytesWritten bytes appended to the commit journal since open
     * @param journalBytes bytes in the current journal
     * @param checkpoints checkpoints that wrote the store file since open
     * @param checkpointTime the time all those checkpoints took
     * @param lastCheckpointTime the time the last one took
     * @param purges purges that removed at least one delta, since open
     * @param purgedDeltas deltas those purges removed
     * @param retainedDeltas deltas retained now
     * @param lastCommitted the watermark
     * @param oldestRetained the low-water mark
     * @param consumerLag each registered consumer's lag, by name
     * @throws NullPointerException if a duration or the map is null
     */
    public LogMetrics {
        if (checkpointTime == null || lastCheckpointTime == null) {
            throw new NullPointerException("checkpoint times");
        }
        consumerLag = Map.copyOf(consumerLag);
    }

    /**
     * How far a consumer is behind the log.
     *
     * @param position the consumer's position: it has read every commit up to here
     * @param deltasBehind retained deltas committed after its position (for a stale consumer: every retained
     *     delta, which it must reread after a reset)
     * @param microsBehind commit-time distance from its position to the watermark, in microseconds
     * @param stale whether deltas it had not read were purged (it must {@link Consumer#reset()})
     */
    public record ConsumerLag(long position, long deltasBehind, long microsBehind, boolean stale) {}
}
