package io.github.deltalog.store;

import io.github.deltalog.Durability;
import java.util.function.LongConsumer;

/**
 * The commit path: timestamp, seal, journal record, map puts and the new watermark, under the write lock; the
 * group fsync (SYNC) after it, outside. Also the catalog changes, which are ordered with commits. Holds no lock
 * of its own.
 */
final class Commits {
    private final StoreState s;
    private final Checkpoints checkpoints;
    /** Null without a journal. */
    private final Background background;

    private final long checkpointBytes;
    /** Hands out commit timestamps; write lock. */
    private final HybridClock clock;
    /** Seals committed values; write lock. */
    private final DeltaCodec.Sealer sealer = new DeltaCodec.Sealer();

    Commits(StoreState s, Checkpoints checkpoints, Background background, HybridClock clock, long checkpointBytes) {
        this.s = s;
        this.checkpoints = checkpoints;
        this.background = background;
        this.clock = clock;
        this.checkpointBytes = checkpointBytes;
    }

    /**
     * Commits one transaction; see {@link LogStore#commit}.
     *
     * @return the commit timestamp
     */
    long commit(
            int[] tableIds, long[] rowIds, byte[][] values, int count, LongConsumer onAssigned, Runnable underLock) {
        s.checkWritable("commit");
        Journal journal = s.journal;
        long ts;
        long seq = 0;
        long bytes = 0;
        long journaled = 0;
        // A SYNC committer tells the group commit it is coming, so that the leader of the next fsync waits for its
        // record instead of forcing without it (Journal#gather).
        boolean announced = journal != null && s.durability == Durability.SYNC;
        boolean appending = false;
        if (announced) {
            journal.announce();
        }
        s.writeLock.lock();
        try {
            s.checkOpen();
            for (int i = 0; i < count; i++) {
                // One check per run of a table (sorted input); the schema history is no catalog table.
                if ((i == 0 || tableIds[i] != tableIds[i - 1]) && tableIds[i] != SchemaHistory.TABLE_ID) {
                    s.catalog.checkTracked(tableIds[i]);
                }
            }
            if (underLock != null) {
                underLock.run();
            }
            ts = clock.next();
            DeltaKey[] keys = new DeltaKey[count];
            for (int i = 0; i < count; i++) {
                keys[i] = new DeltaKey(tableIds[i], ts, rowIds[i]);
                sealer.seal(keys[i], values[i]);
                bytes += values[i].length;
            }
            if (journal != null) {
                s.record.startTransaction(ts, count);
                for (int i = 0; i < count; i++) {
                    s.record.addDelta(keys[i], values[i]);
                }
                appending = true; // the append takes the announcement back, even if it fails
                seq = s.append(announced);
                journaled = s.record.length();
            }
            try {
                putAll(keys, values, count);
            } catch (RuntimeException e) {
                if (journal != null) {
                    s.cancelRecord(seq, e);
                }
                throw e;
            } finally {
                s.record.trim();
            }
            if (journal == null && !s.ownsStore) {
                s.meta.setLastCommitted(ts);
            }
            s.lastAppended = ts;
            if (s.durability != Durability.SYNC || journal == null) {
                s.publish(ts);
            }
            onAssigned.accept(ts);
            s.counters.committed(count, bytes, journaled);
        } finally {
            s.writeLock.unlock();
            if (announced && !appending) {
                journal.withdraw();
            }
        }
        if (journal != null) {
            if (s.durability == Durability.SYNC) {
                s.syncTo(seq);
                s.publish(ts);
            }
            if (journal.bytesSinceRotation() > checkpointBytes) {
                background.requestCheckpoint();
            }
        }
        return ts;
    }

    private void putAll(DeltaKey[] keys, byte[][] values, int count) {
        try {
            if (s.deltas instanceof RangeCutMap<DeltaKey, byte[]> runs) {
                // The keys ascend (sorted by table and row, one timestamp): one leaf copy per run, not per key.
                runs.putSorted(keys, values, count);
            } else {
                for (int i = 0; i < count; i++) {
                    s.deltas.put(keys[i], values[i]);
                }
            }
        } catch (RuntimeException e) {
            // The keys are new (a fresh timestamp): removing one that was never put changes nothing.
            for (int i = 0; i < count; i++) {
                s.deltas.remove(keys[i]);
            }
            throw s.storeFailure("store a transaction", e);
        }
    }

    /**
     * Tracks or untracks a table and makes the change durable before returning (a checkpoint), so that journal
     * replay always finds the tables its records name.
     */
    void setTracked(String table, boolean on) {
        s.checkWritable("change tracked tables");
        s.writeLock.lock();
        try {
            s.checkOpen();
            if (!s.catalog.setTracked(table, on) || s.journal == null) {
                return; // unchanged; or in memory, or attached: the application's commit persists it
            }
        } finally {
            s.writeLock.unlock();
        }
        checkpoints.checkpoint();
    }
}
