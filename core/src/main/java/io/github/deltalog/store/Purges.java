package io.github.deltalog.store;

import io.github.deltalog.retention.RetentionPlan;
import io.github.deltalog.retention.RetentionPolicy;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import org.h2.mvstore.MVMap;

/**
 * Owns the purge lock and carries out retention: works out the cut of a policy ({@link RetentionPlan}) from the
 * consumers' positions, raises the low-water mark, removes the deltas below it, and reclaims the space. The
 * background compaction round and {@code DeltaLog.purge()} both come here.
 */
final class Purges {
    private final StoreState s;
    private final Checkpoints checkpoints;
    private final ConsumerTable consumers;
    private final RetentionPolicy policy;
    private final Clock clock;
    private final Object lock = new Object();

    Purges(StoreState s, Checkpoints checkpoints, ConsumerTable consumers, RetentionPolicy policy, Clock clock) {
        this.s = s;
        this.checkpoints = checkpoints;
        this.consumers = consumers;
        this.policy = policy;
        this.clock = clock;
    }

    RetentionPolicy policy() {
        return policy;
    }

    /**
     * Applies the retention policy now: purges what every live consumer has read, and whatever a hard cap
     * forces (consumers left behind become stale); then reclaims the space.
     *
     * @param countFrom the number of retained deltas, all tables, at or above a timestamp, up to the watermark
     * @return how many deltas were removed
     */
    long applyPolicy(CountFrom countFrom) {
        s.checkWritable("purge");
        long watermark = s.watermark();
        List<Long> live = new ArrayList<>();
        for (long p : consumers.positions().values()) {
            if (!s.isBehindLowWater(p)) {
                live.add(p);
            }
        }
        long cut = RetentionPlan.cut(
                policy,
                live,
                Micros.of(clock.instant()),
                s.lowWater(),
                watermark,
                from -> countFrom.count(from, watermark));
        return cut == Long.MIN_VALUE ? 0 : purgeBefore(cut);
    }

    /** Counts retained deltas of every table with {@code from <= ts <= upTo}. */
    @FunctionalInterface
    interface CountFrom {
        long count(long from, long upTo);
    }

    /**
     * Removes every delta with a commit timestamp below {@code cut} (at most up to the watermark), then
     * reclaims the space. The low-water mark is raised first, to the newest timestamp being removed, so that no
     * reader gets an incomplete answer; then the deltas go, then a checkpoint makes sure recovery never brings
     * them back.
     *
     * @return how many deltas were removed
     */
    long purgeBefore(long cut) {
        long removed;
        try {
            s.checkWritable("purge");
            synchronized (lock) {
                removed = purgeLocked(cut);
            }
            s.counters.purged(removed);
        } catch (RuntimeException | OutOfMemoryError | StackOverflowError | AssertionError e) {
            throw s.rethrow(e);
        }
        if (removed > 0) {
            checkpoints.reclaimSpace();
        }
        return removed;
    }

    private long purgeLocked(long cut) {
        long newLow = Long.MIN_VALUE;
        long removedAll;
        s.writeLock.lock();
        try {
            s.checkOpen();
            long watermark = s.watermark();
            long effective = Math.min(cut, watermark == Long.MAX_VALUE ? Long.MAX_VALUE : watermark + 1);
            if (effective == Long.MIN_VALUE) {
                return 0;
            }
            for (int id : s.catalog.allIds()) {
                DeltaKey newest = s.deltas.floorKey(DeltaKey.last(id, effective - 1));
                if (newest != null && newest.tableId() == id) {
                    newLow = Math.max(newLow, newest.commitTimestamp());
                }
            }
            if (newLow <= s.lowWater()) {
                return 0;
            }
            s.setLowWater(newLow);
            removedAll = removeAllIfPurgeable(newLow);
        } finally {
            s.writeLock.unlock();
        }
        if (removedAll >= 0) {
            checkpoints.checkpoint();
            return removedAll;
        }
        long removed = 0;
        for (int id : s.catalog.allIds()) {
            removed += RangeRemoval.removeBefore(s.deltas, id, newLow + 1);
        }
        checkpoints.checkpoint();
        return removed;
    }

    /**
     * Empties the map in one step when every delta in it is at or below the new low-water mark (a purge up to
     * the watermark when consumers have caught up): {@code MVMap.clear()} replaces the root and visits only
     * inner pages, where removing key by key copies a leaf and its path per delta. Called under the write lock
     * (so no commit adds a delta meanwhile) after the mark was raised. The count comes from two ranks per table;
     * a key of a table the catalog does not know, or with a timestamp of {@code Long.MIN_VALUE}, makes the
     * counts differ and leaves the purge to the range removal.
     *
     * @return how many deltas were removed, or -1 if some must stay (nothing was removed)
     */
    private long removeAllIfPurgeable(long newLow) {
        long size = s.deltas.sizeAsLong();
        long purgeable = 0;
        for (int id : s.catalog.allIds()) {
            purgeable +=
                    s.rankAtOrBelow(DeltaKey.last(id, newLow)) - s.rankAtOrBelow(DeltaKey.last(id, Long.MIN_VALUE));
        }
        if (purgeable != size) {
            return -1;
        }
        s.deltas.clear();
        return size;
    }

    /**
     * Finishes a purge a crash cut short. A purge raises the mark before it removes the deltas, and a background
     * checkpoint can store the raised mark with only some (or none) of them removed: after a kill there, deltas
     * at or below the mark were left over for good (counted by countAll, never reread, never reclaimed; found by
     * the crash test). When nothing is left this is one seek per table. Called at open of a writable log, before
     * anything else runs.
     */
    static void finishCutShort(MVMap<DeltaKey, byte[]> deltas, Catalog catalog, long lowWater) {
        if (lowWater <= 0) {
            return;
        }
        for (int id : catalog.allIds()) {
            RangeRemoval.removeBefore(deltas, id, lowWater + 1);
        }
    }

    /** Runs a computation with purges held off (the purge lock only): compaction, which must not race removals. */
    long excluding(LongSupplier computation) {
        synchronized (lock) {
            return computation.getAsLong();
        }
    }

    /**
     * Runs a computation with purges and commits held off: the count fallback, when writers keep the map's root
     * moving between two ranks.
     */
    long holdingOff(LongSupplier computation) {
        synchronized (lock) {
            s.writeLock.lock();
            try {
                return computation.getAsLong();
            } finally {
                s.writeLock.unlock();
            }
        }
    }
}
