package io.github.deltalog.store;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.h2.mvstore.Cursor;
import org.h2.mvstore.MVMap;

/**
 * Recovery on open: replays the journals' valid records above the checkpoint (the rotated one first), applies
 * consumer position records in order, and removes map entries that no journal record vouches for (deltas a
 * store version caught in the middle of a transaction, or whose ASYNC journal record was lost), so that the
 * log holds exactly a prefix of its committed transactions.
 */
final class Recovery {
    private static final Logger LOG = Logger.getLogger(Recovery.class.getName());

    private Recovery() {}

    /**
     * Recovers the maps of a store just opened.
     *
     * @return the last commit timestamp the log holds
     */
    static long recover(
            Opened o,
            MVMap<DeltaKey, byte[]> deltas,
            MVMap<String, Long> consumers,
            Catalog catalog,
            long checkpoint,
            long lastCommitted) {
        String label = o.label();
        long last = Math.max(checkpoint, lastCommitted);
        if (o.journalPath() != null) {
            JournalFiles.Visitor replay = new JournalFiles.Visitor() {
                @Override
                public void transaction(long commitTimestamp, DeltaKey[] keys, byte[][] values) {
                    for (int i = 0; i < keys.length; i++) {
                        deltas.put(keys[i], values[i]);
                    }
                }

                @Override
                public void consumer(String name, long position) {
                    if (position == JournalFiles.DROPPED) {
                        consumers.remove(name);
                    } else {
                        consumers.put(name, position);
                    }
                }
            };
            long checkpointed = last;
            JournalFiles.Replayed old =
                    JournalFiles.replay(Journal.oldPath(o.journalPath()), o.journalKey(), last, replay);
            last = old.last();
            // A rotated journal that ends in damage ends the prefix there, unless a finished checkpoint covers
            // it: replaying the newer journal after the damage would leave a gap. (Guarded by
            // JournalRecoveryTest.corruptRotatedJournalStopsReplayBeforeTheNewJournal.)
            boolean covered = old.highestRead() != Long.MIN_VALUE && old.highestRead() <= checkpointed;
            if (old.clean() || covered) {
                last = JournalFiles.replay(o.journalPath(), o.journalKey(), last, replay)
                        .last();
            } else {
                LOG.log(
                        Level.WARNING,
                        "{0}: rotated journal is damaged after timestamp {1}; later journal records are not replayed",
                        new Object[] {label, last});
            }
        }
        for (int id : catalog.allIds()) {
            removeAbove(deltas, id, last, label);
        }
        return last;
    }

    private static void removeAbove(MVMap<DeltaKey, byte[]> deltas, int tableId, long ts, String label) {
        if (ts == Long.MAX_VALUE) {
            return;
        }
        List<DeltaKey> doomed = new ArrayList<>();
        Cursor<DeltaKey, byte[]> c =
                deltas.cursor(DeltaKey.first(tableId, ts + 1), DeltaKey.last(tableId, Long.MAX_VALUE), false);
        while (c.hasNext()) {
            doomed.add(c.next());
        }
        for (DeltaKey k : doomed) {
            deltas.remove(k);
        }
        if (!doomed.isEmpty()) {
            LOG.log(
                    Level.WARNING,
                    "{0}: removed {1} deltas of table id {2} above {3} that no journal record vouches for",
                    new Object[] {label, doomed.size(), tableId, ts});
        }
    }
}
