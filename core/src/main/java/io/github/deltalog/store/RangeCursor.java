package io.github.deltalog.store;

import io.github.deltalog.Delta;
import io.github.deltalog.TableSchema;
import java.util.function.LongFunction;
import org.h2.mvstore.Cursor;
import org.h2.mvstore.MVStore;

/**
 * A walk over one table's key range of the deltas map on a snapshot, returning each entry checked and decoded
 * as a {@link Delta}. Holds the snapshot's MVStore version in use until closed or exhausted, so that the space
 * reclaim after a purge never rewrites pages the walk still needs.
 */
public final class RangeCursor implements AutoCloseable {
    private final Cursor<DeltaKey, byte[]> cursor;
    private final MVStore store;
    private final java.util.Set<RangeCursor> open;
    private final LogStore owner;
    private final String table;
    private MVStore.TxCounter usage;
    /** Gives the schema a delta committed at a timestamp was written under, or null: names decoded tuples. */
    private LongFunction<TableSchema> naming;

    RangeCursor(
            String table,
            MVStore store,
            MVStore.TxCounter usage,
            Cursor<DeltaKey, byte[]> cursor,
            java.util.Set<RangeCursor> open,
            LogStore owner) {
        this.table = table;
        this.store = store;
        this.usage = usage;
        this.cursor = cursor;
        this.open = open;
        this.owner = owner;
        open.add(this);
    }

    /**
     * Tells whether another entry follows; releases the snapshot at the end.
     *
     * @throws io.github.deltalog.CorruptLogException if the next page of the file is damaged
     */
    public boolean hasNext() {
        boolean more;
        try {
            more = cursor.hasNext(); // reads the next leaf page from the file, where damage shows
        } catch (RuntimeException | OutOfMemoryError | StackOverflowError e) {
            close();
            throw StoreFailures.rethrow(e, owner.label(), owner.isClosed());
        }
        if (!more) {
            close();
        }
        return more;
    }

    /**
     * Returns the next delta, checked and decoded.
     *
     * @throws java.util.NoSuchElementException at the end
     * @throws io.github.deltalog.CorruptLogException if the stored delta fails its checks
     */
    public Delta next() {
        DeltaKey key;
        try {
            key = cursor.next();
        } catch (java.util.NoSuchElementException e) {
            throw e;
        } catch (RuntimeException | OutOfMemoryError | StackOverflowError e) {
            close();
            throw StoreFailures.rethrow(e, owner.label(), owner.isClosed());
        }
        LongFunction<TableSchema> names = naming;
        return new Delta(
                table,
                key.rowId(),
                key.commitTimestamp(),
                DeltaCodec.decode(
                        key,
                        cursor.getValue(),
                        table,
                        owner.label(),
                        names == null ? null : names.apply(key.commitTimestamp())));
    }

    /** Releases the snapshot. Idempotent; also called for every open cursor when the log closes. */
    /**
     * Names the tuples of every later delta by the schema a function gives for its commit timestamp (or leaves
     * them unnamed where it gives null). Decoding allocates nothing more for it.
     *
     * @param naming the schema in effect at a commit timestamp, or null
     */
    public void nameBy(LongFunction<TableSchema> naming) {
        this.naming = naming;
    }

    @Override
    public synchronized void close() {
        if (usage != null) {
            store.deregisterVersionUsage(usage);
            usage = null;
            open.remove(this);
        }
    }
}
