package io.github.deltalog.store;

import java.util.concurrent.atomic.LongAdder;

/**
 * The log's running totals since it was opened, for {@code DeltaLog.metrics()}. Updated on the hot paths with
 * one {@link LongAdder} add per figure (no lock, no allocation, no contention between committers); read without
 * stopping anyone, so a snapshot's figures may be a commit apart from each other.
 */
final class StoreCounters {
    final LongAdder commits = new LongAdder();
    final LongAdder deltas = new LongAdder();
    final LongAdder deltaBytes = new LongAdder();
    final LongAdder journalBytes = new LongAdder();
    final LongAdder checkpoints = new LongAdder();
    final LongAdder checkpointNanos = new LongAdder();
    volatile long lastCheckpointNanos;
    final LongAdder purges = new LongAdder();
    final LongAdder purgedDeltas = new LongAdder();

    /** Counts a commit of {@code count} deltas holding {@code bytes} encoded bytes, {@code journaled} to the journal. */
    void committed(int count, long bytes, long journaled) {
        commits.increment();
        deltas.add(count);
        deltaBytes.add(bytes);
        journalBytes.add(journaled);
    }

    /** Counts a checkpoint that wrote the store, and how long it took. */
    void checkpointed(long nanos) {
        checkpoints.increment();
        checkpointNanos.add(nanos);
        lastCheckpointNanos = nanos;
    }

    /** Counts a purge, if it removed anything. */
    void purged(long removed) {
        if (removed > 0) {
            purges.increment();
            purgedDeltas.add(removed);
        }
    }
}
