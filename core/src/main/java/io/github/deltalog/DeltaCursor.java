package io.github.deltalog;

import io.github.deltalog.store.LogStore;
import io.github.deltalog.store.RangeCursor;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * A lazy, ascending (commitTimestamp, rowId) walk over one table's deltas, fixed at the watermark of the
 * moment it was opened: later commits are not seen. Each delta is checked and decoded when reached, O(1) per
 * step after an O(log n) start. Iterable once. Not thread-safe.
 */
public final class DeltaCursor implements Iterable<Delta>, Iterator<Delta>, AutoCloseable {
    private final LogStore store;
    private final String table;
    private final RangeCursor cursor;
    private final long upTo;
    /** Names (and maybe upcasts) the tuples of a table with a schema; null for a table without. */
    private final SchemaPresenter presenter;

    private boolean iterated;
    private boolean closed;

    DeltaCursor(LogStore store, String table, RangeCursor cursor, long upTo) {
        this(store, table, cursor, upTo, null);
    }

    DeltaCursor(LogStore store, String table, RangeCursor cursor, long upTo, SchemaPresenter presenter) {
        this.store = store;
        this.table = table;
        this.cursor = cursor;
        this.upTo = upTo;
        this.presenter = presenter;
    }

    /**
     * Returns the highest commit timestamp this cursor can return: the watermark it was opened at.
     *
     * @return the highest commit timestamp this cursor can return: the watermark it was opened at
     */
    public long upTo() {
        return upTo;
    }

    /**
     * Returns this cursor as an iterator; a cursor can be iterated only once.
     *
     * @throws IllegalStateException on a second call
     */
    @Override
    public Iterator<Delta> iterator() {
        if (iterated) {
            throw new IllegalStateException("a DeltaCursor can be iterated only once; open a new one");
        }
        iterated = true;
        return this;
    }

    /**
     * Tells whether another delta follows.
     *
     * @throws LogClosedException if this cursor or its log was closed
     */
    @Override
    public boolean hasNext() {
        checkOpen();
        if (cursor.hasNext()) {
            return true;
        }
        // A log closing meanwhile ends the walk from another thread: that is a close, not the end of the table,
        // or a reader would take a cut-short walk for all there is.
        checkOpen();
        return false;
    }

    /**
     * Returns the next delta.
     *
     * @throws NoSuchElementException at the end
     * @throws CorruptLogException if the stored delta fails its checks
     * @throws LogClosedException if this cursor or its log was closed
     */
    @Override
    public Delta next() {
        if (!hasNext()) {
            throw new NoSuchElementException("no more deltas of table '" + table + "' up to " + upTo);
        }
        Delta d = cursor.next();
        return presenter == null ? d : presenter.present(d);
    }

    private void checkOpen() {
        if (closed || store.isClosed()) {
            throw new LogClosedException("cursor over table '" + table + "' of " + store.label() + " is closed");
        }
    }

    /** Releases the cursor. Idempotent. */
    @Override
    public void close() {
        closed = true;
        cursor.close();
    }
}
