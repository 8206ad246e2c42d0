package io.github.deltalog;

import io.github.deltalog.merge.MergePolicy;
import java.time.Instant;
import java.util.Collection;
import java.util.Objects;
import java.util.Optional;

/**
 * A named, persistent reader position: a view, a cache or a sync peer that reads the log incrementally. The
 * position is the commit timestamp up to which the consumer has read everything; retention never purges past
 * the slowest consumer unless a hard cap forces it, and then the consumer is stale until {@link #reset()}.
 *
 * <p>A handle is a view of the persisted consumer: two handles of one name agree. Position changes are
 * journaled like commits, so they are as durable as the log's {@link Durability} level says.
 */
public final class Consumer {
    private final DeltaLog log;
    private final String name;

    Consumer(DeltaLog log, String name) {
        this.log = log;
        this.name = name;
    }

    /**
     * Returns the consumer's name.
     *
     * @return the consumer's name
     */
    public String name() {
        return name;
    }

    /**
     * Returns the position: everything committed at or before it has been read.
     *
     * @throws IllegalStateException if the consumer was dropped
     * @return the position: everything committed at or before it has been read
     */
    public long position() {
        return log.consumerPosition(name);
    }

    /**
     * Tells whether a hard retention cap purged deltas this consumer had not read: it can no longer read on
     * incrementally and must {@link #reset()} after a full refresh.
     *
     * @return true if stale
     */
    public boolean isStale() {
        return log.isBehindLowWater(position());
    }

    /**
     * Returns how many deltas, all tables, were committed after the position up to {@link
     * DeltaLog#lastCommitted()}: how far behind the consumer is. O(t log n) for t tables, from ranks of the
     * counted B-tree; nothing is decoded.
     *
     * @return the number of deltas not read yet
     * @throws StaleConsumerException if the consumer is stale (its unread deltas were purged, so no lag can be
     *     counted)
     * @throws IllegalStateException if the consumer was dropped
     */
    public long lag() {
        return log.countAfter(checkedPosition());
    }

    /**
     * Returns when the consumer was created or last moved (by {@link #advanceTo}, {@link #reset()}), by the log's
     * clock. Kept as of the last checkpoint: after a crash it may be older than the last move.
     *
     * @return the time, or empty if the file does not say (written by a version that did not keep it)
     * @throws IllegalStateException if the consumer was dropped
     */
    public Optional<Instant> lastAdvanced() {
        position();
        Long micros = log.consumerLastAdvanced(name);
        if (micros == null) {
            return Optional.empty();
        }
        return Optional.of(
                Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L));
    }

    /**
     * Moves the position forward.
     *
     * @param ts the new position, a timestamp read up to
     * @throws IllegalArgumentException if {@code ts} is behind the position or beyond {@link
     *     DeltaLog#lastCommitted()}
     * @throws StaleConsumerException if the consumer is stale
     */
    public void advanceTo(long ts) {
        long current = checkedPosition();
        if (ts < current) {
            throw new IllegalArgumentException(
                    "consumer '" + name + "' cannot move back from " + current + " to " + ts);
        }
        long last = log.lastCommitted();
        if (ts > last) {
            throw new IllegalArgumentException(
                    "consumer '" + name + "' cannot move to " + ts + ", beyond the last commit " + last);
        }
        if (ts != current) {
            log.setConsumerPosition(name, ts);
        }
    }

    /**
     * Opens a cursor over a table's deltas after this consumer's position. Reading does not advance the
     * position: call {@link #advanceTo} with the last timestamp processed.
     *
     * @param table a table the log knows
     * @return a lazy cursor; its {@link DeltaCursor#upTo()} is a safe next position
     * @throws StaleConsumerException if the consumer is stale
     */
    public DeltaCursor changes(String table) {
        return log.changesAfter(table, checkedPosition());
    }

    /**
     * Reads several tables' deltas after this consumer's position at one watermark.
     *
     * @param tables tables the log knows
     * @return the change set; advance to its {@link ChangeSet#watermark()} once processed
     * @throws StaleConsumerException if the consumer is stale
     */
    public ChangeSet changes(Collection<String> tables) {
        return log.changesAfter(tables, checkedPosition());
    }

    /**
     * Opens a cursor over a table's deltas after this consumer's position, its tuples presented as asked.
     *
     * @param table a table the log knows
     * @param readAs as written, or upcast to the current schema
     * @return a lazy cursor; its {@link DeltaCursor#upTo()} is a safe next position
     * @throws StaleConsumerException if the consumer is stale
     */
    public DeltaCursor changes(String table, ReadAs readAs) {
        return log.changesAfter(table, checkedPosition(), Long.MAX_VALUE, readAs);
    }

    /**
     * Reads several tables' deltas after this consumer's position at one watermark, presented as asked.
     *
     * @param tables tables the log knows
     * @param readAs as written, or upcast to the current schema
     * @return the change set; advance to its {@link ChangeSet#watermark()} once processed
     * @throws StaleConsumerException if the consumer is stale
     */
    public ChangeSet changes(Collection<String> tables, ReadAs readAs) {
        return log.changesAfter(tables, checkedPosition(), readAs);
    }

    /**
     * Reads several tables' merged deltas (at most one per row) after this consumer's position.
     *
     * @param tables tables the log knows
     * @return the merged change set; advance to its {@link ChangeSet#watermark()} once applied
     * @throws StaleConsumerException if the consumer is stale
     */
    public ChangeSet mergedChanges(Collection<String> tables) {
        return log.mergedChangesAfter(tables, checkedPosition());
    }

    /**
     * Reads several tables' merged deltas after this consumer's position with a chosen conflict policy.
     *
     * @param tables tables the log knows
     * @param policy what to do on a conflicting pair of a row's chain
     * @return the merged change set; advance to its {@link ChangeSet#watermark()} once applied
     * @throws StaleConsumerException if the consumer is stale
     * @throws MergeConflictException if the policy is strict and a row's chain is not valid
     */
    public ChangeSet mergedChanges(Collection<String> tables, MergePolicy policy) {
        return log.mergedChangesAfter(tables, checkedPosition(), policy);
    }

    /**
     * Jumps to the current watermark and clears staleness: call it after rebuilding the consumer's state from
     * the base data.
     *
     * @return the new position
     */
    public long reset() {
        checkedExists();
        long last = log.lastCommitted();
        log.setConsumerPosition(name, last);
        return last;
    }

    private long checkedPosition() {
        long p = position();
        if (log.isBehindLowWater(p)) {
            throw new StaleConsumerException("consumer '" + name + "' at position " + p
                    + " is stale: deltas after it were purged (oldest retained " + log.oldestRetained()
                    + "); rebuild from the base data and call reset()");
        }
        return p;
    }

    private void checkedExists() {
        position();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Consumer c && c.log == log && c.name.equals(name);
    }

    @Override
    public int hashCode() {
        return Objects.hash(System.identityHashCode(log), name);
    }

    @Override
    public String toString() {
        return "Consumer(" + name + ")";
    }
}
