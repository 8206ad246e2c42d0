package io.github.deltalog.store;

import io.github.deltalog.Durability;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.function.BooleanSupplier;
import org.h2.mvstore.MVMap;

/**
 * The commit path of {@link MapChanges} (a view refresh): one journal record, then the maps, like a delta commit;
 * the store file gets them at the next regular checkpoint. Holds no lock of its own.
 *
 * <p>The record is appended and applied under the store-commit lock as well as the write lock, so that a store
 * commit never holds part of a record's changes: every record is either wholly in the store or wholly out of it;
 * either way recovery replays it from the journal if its generation is after the checkpoint, and replay is
 * idempotent (values are absolute). So a refresh does not wait for a checkpoint's journal rotation and syncs, only
 * for its page writes. A log whose store
 * does not yet declare the record kind ({@link LogMeta#hasMapRecords()}) takes the slow path once: the changes
 * and the format upgrade are stored by a checkpoint, so that no version of deltalog that does not know the record
 * kind ever reads a journal holding one (it refuses the store's format first). A change set too large for one
 * record takes that path too.
 */
final class MapCommits {
    /** The largest record body; larger change sets are checkpointed instead. */
    static final long MAX_RECORD_BODY = 64L << 20;

    private final StoreState s;
    private final Checkpoints checkpoints;
    /** Null without a journal. */
    private final Background background;

    private final MVMap<String, Long> advanced;
    private final Clock clock;
    private final String prefix;
    private final long checkpointBytes;
    /** Whether the store file declares format 4: read at open, set once a checkpoint stored the upgrade. */
    private volatile boolean formatReady;

    MapCommits(
            StoreState s,
            Checkpoints checkpoints,
            Background background,
            MVMap<String, Long> advanced,
            Clock clock,
            String prefix,
            long checkpointBytes) {
        this.s = s;
        this.checkpoints = checkpoints;
        this.background = background;
        this.advanced = advanced;
        this.clock = clock;
        this.prefix = prefix;
        this.checkpointBytes = checkpointBytes;
        this.formatReady = s.meta.hasMapRecords();
    }

    /** See {@link LogStore#commit(MapChanges, BooleanSupplier)}. */
    boolean commit(MapChanges changes, BooleanSupplier valid) {
        s.checkWritable("change a view");
        if (changes.consumer() != null) {
            changes.put(s.consumers, changes.consumer(), changes.consumerPosition());
            if (advanced != null) {
                changes.put(advanced, changes.consumer(), Micros.of(clock.instant()));
            }
        }
        if (s.journal == null) {
            // In memory or attached: the maps are all there is (an attached log's application commits them).
            return checkpoints.excludingStoreCommits(() -> underWriteLock(changes, valid));
        }
        ByteBuffer record = formatReady ? changes.encode(prefix, MAX_RECORD_BODY) : null;
        if (record == null) {
            boolean[] done = {false};
            checkpoints.checkpointWith(() -> {
                if (valid.getAsBoolean()) {
                    s.meta.upgradeForMapRecords();
                    applyOrFail(changes);
                    done[0] = true;
                }
            });
            // Only now is the upgrade in the store file (a failed checkpoint threw): records may follow.
            formatReady = formatReady || s.meta.hasMapRecords();
            return done[0];
        }
        long seq = checkpoints.excludingStoreCommits(() -> appendAndApply(changes, valid, record));
        if (seq < 0) {
            return false;
        }
        if (s.durability == Durability.SYNC) {
            s.syncTo(seq);
        }
        if (s.journal.bytesSinceRotation() > checkpointBytes) {
            background.requestCheckpoint();
        }
        return true;
    }

    /** Applies under the write lock, if still valid; returns whether it did. */
    private boolean underWriteLock(MapChanges changes, BooleanSupplier valid) {
        s.writeLock.lock();
        try {
            s.checkOpen();
            if (!valid.getAsBoolean()) {
                return false;
            }
            applyOrFail(changes);
            return true;
        } finally {
            s.writeLock.unlock();
        }
    }

    /**
     * Appends the record and applies the changes under the write lock, if still valid.
     *
     * @return the journal sequence at the record's end, or -1 if nothing was done
     */
    private long appendAndApply(MapChanges changes, BooleanSupplier valid, ByteBuffer record) {
        s.writeLock.lock();
        try {
            s.checkOpen();
            if (!valid.getAsBoolean()) {
                return -1;
            }
            long seq;
            try {
                seq = s.journal.append(record.array(), 0, record.limit());
            } catch (RuntimeException e) {
                if (s.journal.broken()) {
                    throw s.health.outcomeUnknown("a failed journal write could not be cut back", e);
                }
                throw e;
            }
            try {
                changes.apply();
            } catch (MapChanges.RolledBackPartly e) {
                throw s.health.fail("a view's changes could not be applied nor taken back", e.getCause());
            } catch (RuntimeException e) {
                // The maps are as before: take the record back too, so that the change never comes back.
                try {
                    s.journal.cancel(seq, record.limit());
                } catch (RuntimeException cancel) {
                    e.addSuppressed(cancel);
                    throw s.health.outcomeUnknown("a view's journal record could not be taken back", cancel);
                }
                throw e instanceof MapChanges.Missing m ? m.failure() : s.storeFailure("apply a view's changes", e);
            }
            return seq;
        } finally {
            s.writeLock.unlock();
        }
    }

    private void applyOrFail(MapChanges changes) {
        try {
            changes.apply();
        } catch (MapChanges.Missing e) {
            throw e.failure();
        } catch (MapChanges.RolledBackPartly e) {
            throw s.health.fail("a view's changes could not be applied nor taken back", e.getCause());
        }
    }
}
