package io.github.deltalog.store;

import io.github.deltalog.DeltaLogException;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.h2.mvstore.Cursor;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;

/**
 * Recovery on open: replays the journal records that continue the store's checkpoint (which files qualify is
 * {@link JournalChain}'s call), applies consumer position records in order, and removes map entries that no
 * journal record vouches for (deltas a store version caught in the middle of a transaction, or whose ASYNC
 * journal record was lost), so that the log holds exactly a prefix of its committed transactions.
 *
 * <p>Memory does not grow with the journal: records are streamed delta by delta, and the store saves what was
 * replayed every {@link #STORE_EVERY_BYTES} (a read-write open into the store file, whose meta still points at
 * the old checkpoint and journal, so a crash meanwhile only replays again; a read-only open with a large journal
 * into a private copy-on-write overlay, see {@link ReadOnlyReplay}). A read-only open of a small journal, or one
 * that could not create its overlay, keeps the replayed deltas in memory, up to a quarter of the heap ({@link
 * #readOnlyBudget}); beyond that it is refused with a {@link DeltaLogException} saying what to do, instead of
 * running out of memory.
 */
final class Recovery {
    private static final Logger LOG = Logger.getLogger(Recovery.class.getName());
    /** Replayed bytes after which a read-write recovery stores what it has, to bound its memory. */
    static final long STORE_EVERY_BYTES = 4 << 20;

    private Recovery() {}

    /** The replayed bytes a read-only open may hold in memory: a quarter of the heap. */
    static long readOnlyBudget() {
        return Runtime.getRuntime().maxMemory() / 4;
    }

    /**
     * Recovers the maps of a store just opened.
     *
     * @param created whether this open created the store
     * @param readOnly whether the store may be written
     * @param salvage whether a journal that does not continue the store is set aside instead of refused
     * @return what recovery found; its {@code last} is the last commit timestamp the log holds
     * @throws io.github.deltalog.CorruptLogException if the journal files do not belong to the store
     */
    static JournalChain.Found recover(
            Opened o,
            MVMap<DeltaKey, byte[]> deltas,
            MVMap<String, Long> consumers,
            Catalog catalog,
            LogMeta meta,
            boolean created,
            boolean readOnly,
            boolean salvage,
            MapTypes types) {
        String label = o.label();
        long checkpoint = Math.max(meta.checkpoint(), meta.lastCommitted());
        JournalChain.Found found;
        if (o.journalPath() != null) {
            MVStore store = o.store();
            // A read-only log whose store is writable writes to a copy-on-write overlay, never to its file.
            boolean canStore = !store.isReadOnly();
            long budget = readOnlyBudget();
            JournalFiles.Visitor replay = new JournalFiles.Visitor() {
                private long sinceStore;
                private final MapReplay maps = new MapReplay(store, consumers, types, label);

                @Override
                public void transaction(long commitTimestamp) {
                    if (canStore && sinceStore > STORE_EVERY_BYTES) {
                        store.commit();
                        sinceStore = 0;
                    }
                }

                @Override
                public void delta(DeltaKey key, byte[] value) {
                    sinceStore += value.length + 32;
                    if (!canStore && sinceStore > budget) {
                        throw new DeltaLogException("cannot open " + label + " read-only: its journal holds more"
                                + " commits not yet checkpointed (over " + (sinceStore >> 20) + " MiB) than a"
                                + " read-only open can keep in this heap (a quarter of " + (budget >> 18)
                                + " MiB), and no temporary file could be created to replay them into (see the"
                                + " log's warning; java.io.tmpdir is " + System.getProperty("java.io.tmpdir")
                                + "); open it read-write once, which checkpoints them, or give the JVM more heap");
                    }
                    deltas.put(key, value);
                }

                @Override
                public void mapChange(String map, byte[] key, byte[] value) {
                    // Records of view refreshes: absolute values, so a store between two of their changes only
                    // means that a crash meanwhile replays the record again.
                    if (canStore && sinceStore > STORE_EVERY_BYTES) {
                        store.commit();
                        sinceStore = 0;
                    }
                    sinceStore += key.length + (value == null ? 0 : value.length) + 32;
                    if (!canStore && sinceStore > budget) {
                        throw new DeltaLogException("cannot open " + label + " read-only: its journal holds more"
                                + " changes not yet checkpointed (over " + (sinceStore >> 20) + " MiB) than a"
                                + " read-only open can keep in this heap (a quarter of " + (budget >> 18)
                                + " MiB); open it read-write once, which checkpoints them, or give the JVM more heap");
                    }
                    maps.apply(map, key, value);
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
            found = JournalChain.replay(
                    meta, created, o.journalPath(), o.journalKey(), checkpoint, label, replay, salvage && !readOnly);
        } else {
            found = new JournalChain.Found(checkpoint, 0, false);
        }
        for (int id : catalog.allIds()) {
            removeAbove(deltas, id, found.last(), label);
        }
        removeAbove(deltas, SchemaHistory.TABLE_ID, found.last(), label);
        return found;
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
