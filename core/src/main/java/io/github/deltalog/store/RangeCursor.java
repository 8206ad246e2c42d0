package io.github.deltalog.store;

import org.h2.mvstore.Cursor;
import org.h2.mvstore.MVStore;

/**
 * A walk over one key range of the deltas map on a snapshot, holding the snapshot's MVStore version in use
 * until closed or exhausted, so that the space reclaim after a purge never rewrites pages the walk still
 * needs.
 */
public final class RangeCursor implements AutoCloseable {
    private final Cursor<DeltaKey, byte[]> cursor;
    private final MVStore store;
    private final java.util.Set<RangeCursor> open;
    private MVStore.TxCounter usage;

    RangeCursor(
            MVStore store, MVStore.TxCounter usage, Cursor<DeltaKey, byte[]> cursor, java.util.Set<RangeCursor> open) {
        this.store = store;
        this.usage = usage;
        this.cursor = cursor;
        this.open = open;
        open.add(this);
    }

    /** Tells whether another entry follows; releases the snapshot at the end. */
    public boolean hasNext() {
        boolean more = cursor.hasNext();
        if (!more) {
            close();
        }
        return more;
    }

    /** Returns the next key; {@link #value()} then gives its value. */
    public DeltaKey next() {
        return cursor.next();
    }

    /** Returns the value of the key last returned by {@link #next()}. */
    public byte[] value() {
        return cursor.getValue();
    }

    /** Releases the snapshot. Idempotent; also called for every open cursor when the log closes. */
    @Override
    public synchronized void close() {
        if (usage != null) {
            store.deregisterVersionUsage(usage);
            usage = null;
            open.remove(this);
        }
    }
}
