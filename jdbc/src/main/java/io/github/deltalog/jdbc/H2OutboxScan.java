package io.github.deltalog.jdbc;

import java.sql.SQLException;
import org.h2.index.Cursor;
import org.h2.mvstore.MVStore;
import org.h2.result.Row;
import org.h2.value.Value;
import org.h2.value.ValueNull;

/**
 * H2's outbox rows read through the outbox's primary index in the reading session's transaction: the rows and the
 * visibility a {@code SELECT} in that transaction gets (the index gives the statement its rows), without the query's
 * result rows and JDBC conversions, and the images decoded from H2's own byte arrays instead of copies. Only for
 * the narrow layout ({@link H2Dialect#createOutbox}: ID, TX, SHAPE, OLD_IMG, NEW_IMG). Like a statement, the scan
 * registers the store version it reads until it is closed, so that no concurrent store reuses the space of pages it
 * may still read.
 */
final class H2OutboxScan implements OutboxReader.Scan {
    private static final int TX = 1;
    private static final int SHAPE = 2;
    private static final int OLD_IMG = 3;
    private static final int NEW_IMG = 4;

    private final MVStore store;
    private final MVStore.TxCounter version;
    private final Cursor cursor;
    private Row row;

    /**
     * Scans an index cursor.
     *
     * @param store the database's store
     * @param version the version usage registered for the scan, deregistered by {@link #close}
     * @param cursor the outbox's primary index cursor, ascending by id, opened after that registration
     */
    H2OutboxScan(MVStore store, MVStore.TxCounter version, Cursor cursor) {
        this.store = store;
        this.version = version;
        this.cursor = cursor;
    }

    @Override
    public boolean next() {
        if (!cursor.next()) {
            row = null;
            return false;
        }
        row = cursor.get();
        return true;
    }

    @Override
    public Object key() {
        return row.getValue(TX).getLong();
    }

    @Override
    public OutboxRow row(CaptureCatalog.Shapes shapes) throws SQLException {
        long id = row.getKey();
        TableShape shape = OutboxReader.shape(shapes, id, row.getValue(SHAPE).getInt());
        Object[] before = H2Dialect.decode(bytes(row.getValue(OLD_IMG)), null, shape);
        Object[] after = H2Dialect.decode(bytes(row.getValue(NEW_IMG)), before, shape);
        return OutboxReader.impliedRow(id, shape, before, after);
    }

    /** The value's bytes, H2's own array (the decoder copies what it keeps and writes nothing). */
    private static byte[] bytes(Value v) {
        return v == ValueNull.INSTANCE ? null : v.getBytesNoCopy();
    }

    @Override
    public void close() {
        store.deregisterVersionUsage(version);
    }
}
