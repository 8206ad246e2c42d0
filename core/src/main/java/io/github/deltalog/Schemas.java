package io.github.deltalog;

import io.github.deltalog.store.LogStore;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The schema versions of a log's tables, in memory: loaded from the store's schema history at open, extended
 * under the store's write lock as versions are committed. Lookups are lock-free: the current version of a table
 * is one array read (the record path's check), the version at a commit timestamp a binary search.
 */
final class Schemas {
    /** Table ids at or above this take the map: a damaged catalog may claim any id. */
    private static final int FAST_IDS = 1 << 16;

    private final LogStore store;
    /** Serialises registrations and alterations, so that each applies to the version it read. */
    private final Object alterLock = new Object();
    /** Table id to its versions, oldest first; the arrays are replaced, never changed. */
    private final Map<Integer, TableSchema[]> history = new ConcurrentHashMap<>();
    /** The current version by table id, for ids below {@link #FAST_IDS}; replaced, never changed. */
    private volatile TableSchema[] currentById = new TableSchema[0];
    /** Counts versions committed since open; written under the store's write lock. */
    private volatile long epoch;

    Schemas(LogStore store) {
        this.store = store;
        for (Delta d : store.schemaVersions()) {
            Tuple t = ((DeltaOp.Insert) d.op()).after();
            add((int) d.rowId(), SchemaCodec.decode(t, d.commitTimestamp(), store.label()));
        }
    }

    /** Counts the versions committed since open: a transaction checked at one count and committed at another is checked again. */
    long epoch() {
        return epoch;
    }

    /** Returns a table's current version, or null if it has no schema. O(1). */
    TableSchema current(int tableId) {
        TableSchema[] byId = currentById;
        if (tableId >= 0 && tableId < byId.length) {
            return byId[tableId];
        }
        if (tableId < FAST_IDS) {
            return null;
        }
        TableSchema[] versions = history.get(tableId);
        return versions == null ? null : versions[versions.length - 1];
    }

    /** Returns a table's versions, oldest first (empty if it has none). */
    List<TableSchema> history(int tableId) {
        TableSchema[] versions = history.get(tableId);
        return versions == null ? Collections.emptyList() : Collections.unmodifiableList(Arrays.asList(versions));
    }

    /** Returns the version a delta committed at a timestamp was written under, or null. O(log versions). */
    TableSchema at(int tableId, long commitTimestamp) {
        TableSchema[] versions = history.get(tableId);
        return versions == null ? null : SchemaPresenter.floor(versions, commitTimestamp);
    }

    /** Returns how a cursor over a table presents its tuples, or null if the table never had a schema. */
    SchemaPresenter presenter(int tableId, ReadAs readAs) {
        TableSchema[] versions = history.get(tableId);
        return versions == null ? null : new SchemaPresenter(versions, readAs == ReadAs.CURRENT);
    }

    /**
     * Checks a change against the table's current schema, if it has one. O(columns), no allocation.
     *
     * @throws SchemaMismatchException naming table, row, column and value type
     */
    void check(int tableId, String table, long rowId, DeltaOp op) {
        TableSchema schema = current(tableId);
        if (schema == null) {
            return;
        }
        if (op instanceof DeltaOp.Update u) {
            schema.check(table, rowId, u.before(), "before");
            schema.check(table, rowId, u.after(), "after");
        } else if (op instanceof DeltaOp.Insert i) {
            schema.check(table, rowId, i.after(), "after");
        } else {
            schema.check(table, rowId, ((DeltaOp.Delete) op).before(), "before");
        }
    }

    /**
     * Names a change's tuples by the table's current schema (under the write lock, as it commits: the version it
     * is written under). Unchanged if the table has no schema.
     */
    DeltaOp named(int tableId, DeltaOp op) {
        TableSchema schema = current(tableId);
        if (schema == null) {
            return op;
        }
        if (op instanceof DeltaOp.Insert i) {
            return new DeltaOp.Insert(i.after().withSchema(schema));
        }
        if (op instanceof DeltaOp.Update u) {
            return new DeltaOp.Update(u.before().withSchema(schema), u.after().withSchema(schema));
        }
        return new DeltaOp.Delete(((DeltaOp.Delete) op).before().withSchema(schema));
    }

    /**
     * Checks a transaction again under the write lock when a version was committed after it began.
     *
     * @throws SchemaMismatchException if a change no longer fits; nothing is written
     */
    void recheck(long begunAt, int[] tableIds, String[] tables, long[] rowIds, DeltaOp[] ops) {
        if (epoch == begunAt) {
            return;
        }
        for (int i = 0; i < ops.length; i++) {
            try {
                check(tableIds[i], tables[i], rowIds[i], ops[i]);
            } catch (SchemaMismatchException e) {
                throw new SchemaMismatchException("table '" + tables[i] + "' was altered to schema version "
                        + current(tableIds[i]).version() + " while this transaction was open, and its change of row "
                        + rowIds[i] + " no longer fits (nothing was committed; the transaction is unchanged): "
                        + e.getMessage());
            }
        }
    }

    /**
     * Registers a table's first schema; a no-op if it has one with the same columns and key.
     *
     * @return the version's commit timestamp
     * @throws IllegalArgumentException if the table has another schema already
     */
    long register(String table, int tableId, TableSchema schema) {
        synchronized (alterLock) {
            TableSchema current = current(tableId);
            if (current != null) {
                if (current.sameColumns(schema)) {
                    return current.since();
                }
                throw new IllegalArgumentException("table '" + table + "' has schema version " + current.version()
                        + " already (" + current + "), not " + schema + ": change it with alterTable");
            }
            return commit(table, tableId, schema.as(table, 1, 0));
        }
    }

    /**
     * Commits the next version of a table's schema.
     *
     * @return its commit timestamp
     * @throws SchemaMismatchException if the table has no schema or the change does not apply
     */
    long alter(String table, int tableId, SchemaChange change) {
        synchronized (alterLock) {
            TableSchema current = current(tableId);
            if (current == null) {
                throw new SchemaMismatchException("table '" + table + "' has no schema to alter: register one with"
                        + " track(table, schema) first");
            }
            return commit(table, tableId, SchemaEvolution.apply(table, current, change));
        }
    }

    private long commit(String table, int tableId, TableSchema next) {
        byte[] value = LogStore.encode(table, tableId, new DeltaOp.Insert(SchemaCodec.encode(next)));
        return store.commitSchema(
                tableId,
                value,
                () -> store.checkTracked(tableId),
                ts -> add(tableId, next.as(table, next.version(), ts)));
    }

    /** Appends a version (at open, or under the write lock). */
    private void add(int tableId, TableSchema version) {
        TableSchema[] old = history.get(tableId);
        TableSchema[] versions = old == null ? new TableSchema[1] : Arrays.copyOf(old, old.length + 1);
        versions[versions.length - 1] = version;
        history.put(tableId, versions);
        if (tableId >= 0 && tableId < FAST_IDS) {
            TableSchema[] byId = currentById;
            TableSchema[] copy = Arrays.copyOf(byId, Math.max(byId.length, tableId + 1));
            copy[tableId] = version;
            currentById = copy;
        }
        epoch++;
    }
}
