package io.github.deltalog.sync;

import io.github.deltalog.Tuple;
import java.util.Map;
import java.util.Objects;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;

/**
 * A target inside an application's {@link MVStore}: each table is an {@code MVMap<Long, Object[]>} named
 * {@code prefix + table} (row id to column values, MVStore's default data type), and an apply ends with one
 * {@code store.commit()}, so that the rows land in one store version, together with whatever else the
 * application wrote to the store since its last commit (a log attached with {@code DeltaLog.attach}, a sync
 * position).
 *
 * <p>The writes of an apply are buffered and put into the maps at commit; if a put fails there, the store is
 * rolled back to its last committed version (which also drops the application's uncommitted writes) and the
 * failure is rethrown. Reads O(log n); a commit O(k log n) plus the store commit.
 */
public final class MVMapTarget implements ApplyTarget {
    private final MVStore store;
    private final String prefix;

    /**
     * Creates the target.
     *
     * @param store the application's open store
     * @param prefix the prefix of the map names, may be empty
     */
    public MVMapTarget(MVStore store, String prefix) {
        this.store = Objects.requireNonNull(store, "store");
        this.prefix = Objects.requireNonNull(prefix, "prefix");
    }

    /**
     * Returns the map that holds a table's rows, creating it if needed. Applications write their own rows here
     * too (values: the tuple's values as an {@code Object[]}).
     *
     * @param table the table
     * @return the map of row id to column values
     */
    public MVMap<Long, Object[]> map(String table) {
        return store.openMap(prefix + table);
    }

    /**
     * Reads a row.
     *
     * @param table the table
     * @param rowId the row
     * @return the row, or null
     */
    public Tuple get(String table, long rowId) {
        if (!store.hasMap(prefix + table)) {
            return null;
        }
        Object[] values = map(table).get(rowId);
        return values == null ? null : Tuple.of(values);
    }

    /**
     * Writes a row directly, without a store commit (the application's own write).
     *
     * @param table the table
     * @param rowId the row
     * @param row the image, or null to remove the row
     */
    public void put(String table, long rowId, Tuple row) {
        if (row == null) {
            map(table).remove(rowId);
        } else {
            map(table).put(rowId, row.values().toArray());
        }
    }

    @Override
    public Transaction begin() {
        return new BufferedTransaction() {
            @Override
            Tuple readStored(String table, long rowId) {
                return get(table, rowId);
            }

            @Override
            void flush(Map<RowKey, Tuple> writes) {
                try {
                    writes.forEach((key, row) -> put(key.table(), key.rowId(), row));
                    store.commit();
                } catch (RuntimeException e) {
                    if (!store.isClosed()) {
                        store.rollback();
                    }
                    throw e;
                }
            }
        };
    }

    @Override
    public String toString() {
        return "MVMapTarget(" + store.getFileStore() + ", '" + prefix + "')";
    }
}
