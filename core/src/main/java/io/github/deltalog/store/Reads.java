package io.github.deltalog.store;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.RootReference;

/**
 * Range reads and counts over the deltas map, lock-free on MVStore snapshots, and the registry of open cursors
 * whose monitor it owns: the store may not close while a cursor still holds its snapshot's version in use.
 */
final class Reads {
    private final StoreState s;
    private final Purges purges;
    private final LogStore owner;
    private final Set<RangeCursor> openCursors = ConcurrentHashMap.newKeySet();

    Reads(StoreState s, Purges purges, LogStore owner) {
        this.s = s;
        this.purges = purges;
        this.owner = owner;
    }

    /**
     * Opens a cursor over one table's deltas with {@code after < ts <= upTo}, on a snapshot of the map that
     * stays readable until the cursor is closed or exhausted. O(log n) to position, O(1) per step.
     */
    RangeCursor range(int tableId, String table, long after, long upTo) {
        // Opened under the registry's monitor, which close() takes after marking the log closed: a cursor is
        // either in the set close() releases, or sees the log closed (a version left registered in use would fail
        // the store's close; guarded by HostileValuesTest.concurrentCloseWhileCommittingAndReading).
        synchronized (openCursors) {
            s.checkOpen();
            MVStore.TxCounter usage = s.store.registerVersionUsage();
            long from = after == Long.MAX_VALUE ? Long.MAX_VALUE : after + 1;
            // An empty range: from past the table's keys to before them.
            DeltaKey first = upTo < from ? DeltaKey.last(tableId, Long.MAX_VALUE) : DeltaKey.first(tableId, from);
            DeltaKey last = upTo < from ? DeltaKey.first(tableId, Long.MIN_VALUE) : DeltaKey.last(tableId, upTo);
            try {
                return new RangeCursor(table, s.store, usage, s.deltas, first, last, openCursors, owner);
            } catch (RuntimeException | OutOfMemoryError | StackOverflowError | AssertionError e) {
                s.store.deregisterVersionUsage(usage);
                throw s.rethrow(e);
            }
        }
    }

    /** Counts one table's deltas with {@code after < ts <= upTo} from two ranks of the counted B-tree. O(log n). */
    long count(int tableId, long after, long upTo) {
        s.checkOpen();
        if (upTo <= after) {
            return 0;
        }
        DeltaKey high = DeltaKey.last(tableId, upTo);
        DeltaKey low = DeltaKey.last(tableId, after);
        // Both ranks must come from one version of the map: a commit into a lower table id between the two
        // shifts the second rank, and the count came out wrong (even negative) under concurrent writers. Every
        // change of the map makes a new root, so retry while it moves; if writers keep it moving, stop them.
        for (int attempt = 0; attempt < 8; attempt++) {
            RootReference<DeltaKey, byte[]> root = s.deltas.getRoot();
            long n = s.rankAtOrBelow(high) - s.rankAtOrBelow(low);
            if (s.deltas.getRoot() == root) {
                return n;
            }
        }
        // Purges remove keys outside the write lock: hold them off too, or a removal between the two ranks
        // inflates the count (MixedConcurrencyTest under -Pstress).
        return purges.holdingOff(() -> s.rankAtOrBelow(high) - s.rankAtOrBelow(low));
    }

    /** Counts every table's deltas with {@code from <= ts <= upTo}. O(t log n) for t tables. */
    long countAll(long from, long upTo) {
        long total = 0;
        for (int id : s.catalog.allIds()) {
            total += count(id, from == Long.MIN_VALUE ? from : from - 1, upTo);
        }
        return total;
    }

    /** Releases every open cursor's snapshot; at close, after the log was marked closed. */
    void closeAll() {
        synchronized (openCursors) {
            for (RangeCursor c : openCursors.toArray(new RangeCursor[0])) {
                c.close(); // the store may not close while a version is still registered as in use
            }
        }
    }
}
