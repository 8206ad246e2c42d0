package io.github.deltalog.store;

import io.github.deltalog.CorruptLogException;
import io.github.deltalog.DamagedPageException;
import io.github.deltalog.Delta;
import io.github.deltalog.DeltaLogException;
import io.github.deltalog.TableSchema;
import java.util.function.LongFunction;
import org.h2.mvstore.Cursor;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;

/**
 * A walk over one table's key range of the deltas map on a snapshot, returning each entry checked and decoded
 * as a {@link Delta}. Holds the snapshot's MVStore version in use until closed or exhausted, so that the space
 * reclaim after a purge never rewrites pages the walk still needs.
 *
 * <p>A damaged page throws {@link DamagedPageException}, after which the walk can go on with the first readable
 * delta after the damage ({@link PageSkip}); the deltas it skipped are counted on the map as it is then (exact
 * when no purge runs meanwhile).
 */
public final class RangeCursor implements AutoCloseable {
    private Cursor<DeltaKey, byte[]> cursor;
    private final MVMap<DeltaKey, byte[]> map;
    private final DeltaKey from;
    private final DeltaKey to;
    private DeltaKey lastGood;
    /** Set when a damaged page was met: the next step repositions after it. */
    private boolean damaged;

    private PageSkip.Resume pendingResume;

    private final MVStore store;
    private final java.util.Set<RangeCursor> open;
    private final LogStore owner;
    private final String table;
    private volatile MVStore.TxCounter usage;
    /** Gives the schema a delta committed at a timestamp was written under, or null: names decoded tuples. */
    private LongFunction<TableSchema> naming;

    RangeCursor(
            String table,
            MVStore store,
            MVStore.TxCounter usage,
            MVMap<DeltaKey, byte[]> map,
            DeltaKey from,
            DeltaKey to,
            java.util.Set<RangeCursor> open,
            LogStore owner) {
        this.map = map;
        this.from = from;
        this.to = to;
        this.cursor = map.cursor(from, to, false);
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
        if (usage == null) {
            return false; // closed: exhausted, or ended by a failure already thrown
        }
        if (damaged && !resume()) {
            close();
            return false;
        }
        boolean more;
        try {
            more = cursor.hasNext(); // reads the next leaf page from the file, where damage shows
        } catch (RuntimeException | OutOfMemoryError | StackOverflowError | AssertionError e) {
            throw damage(e);
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
        } catch (RuntimeException | OutOfMemoryError | StackOverflowError | AssertionError e) {
            throw damage(e);
        }
        if (lastGood != null && map.getKeyType().compare(key, lastGood) <= 0) {
            // Damaged inner pages can lead a walk back to pages it already read: it would go round forever.
            throw damage(new IllegalStateException(
                    "the keys of a damaged page run backwards, from " + lastGood + " to " + key));
        }
        lastGood = key;
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

    /**
     * Turns a failed step into the exception to throw: a damaged page (the cursor stays usable and skips it) or
     * anything else (the cursor closes).
     */
    private RuntimeException damage(Throwable e) {
        DeltaLogException d = StoreFailures.translate(e, owner.label(), owner.isClosed());
        // A damaged page shows as a plain CorruptLogException: MVStore's own checks, or a key that fails to decode.
        // MVStore's own assertions (enabled with -ea) fail on damaged pages too.
        boolean store = StoreFailures.translatable(e) || e instanceof AssertionError;
        if (!store || d.getClass() != CorruptLogException.class) {
            close();
            return StoreFailures.rethrow(e, owner.label(), owner.isClosed());
        }
        PageSkip.Resume r = PageSkip.after(map, lastGood, from, to);
        pendingResume = r;
        damaged = true;
        String where = lastGood == null
                ? "at the start of the range"
                : "after commit " + lastGood.commitTimestamp() + " row " + lastGood.rowId();
        long skipped = DamagedPageCount.checked(map, lastGood, from, to, r, e);
        return new DamagedPageException(
                "log file " + owner.label() + " is corrupt: a damaged page of table '" + table + "' " + where
                        + " hides "
                        + (skipped == DamagedPageException.UNKNOWN
                                ? "an unknown number of deltas (the damage reached the counts the file keeps)"
                                : skipped + (skipped == 1 ? " delta" : " deltas"))
                        + (r.next() == null
                                ? " up to the end of the range"
                                : " up to commit " + r.next().commitTimestamp() + " row "
                                        + r.next().rowId())
                        + " (the cursor goes on after it): " + d.getMessage(),
                skipped,
                e);
    }

    /** Moves the walk to the first readable key after the damage; false if none is left. */
    private boolean resume() {
        damaged = false;
        PageSkip.Resume r = pendingResume;
        pendingResume = null;
        if (r == null || r.next() == null) {
            return false;
        }
        try {
            cursor = map.cursor(r.next(), to, false);
        } catch (RuntimeException | OutOfMemoryError | StackOverflowError e) {
            close();
            throw StoreFailures.rethrow(e, owner.label(), owner.isClosed());
        }
        return true;
    }

    /**
     * Names the tuples of every later delta by the schema a function gives for its commit timestamp (or leaves
     * them unnamed where it gives null). Decoding allocates nothing more for it.
     *
     * @param naming the schema in effect at a commit timestamp, or null
     */
    public void nameBy(LongFunction<TableSchema> naming) {
        this.naming = naming;
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
