package io.github.deltalog.sync;

import io.github.deltalog.Tuple;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A target transaction that keeps its writes in memory and hands them to the store at commit in one go, so that
 * a store without transactions of its own (a map, an MVMap) gets all of them or none. O(1) per read and write
 * plus the store's read; memory O(rows written).
 */
abstract class BufferedTransaction implements ApplyTarget.Transaction {
    /** The rows written so far, in write order; a null value is a deleted row. */
    private final Map<RowKey, Tuple> writes = new LinkedHashMap<>();

    private boolean done;

    /** A row of a table. */
    record RowKey(String table, long rowId) {}

    /** Reads a row as the store holds it, without this transaction's writes. */
    abstract Tuple readStored(String table, long rowId);

    /**
     * Checks a row before it is buffered.
     *
     * @throws TargetConstraintException if the store would refuse it
     */
    void check(String table, long rowId, Tuple row) {}

    /** Writes every buffered row to the store (null = delete) and makes them visible at once. */
    abstract void flush(Map<RowKey, Tuple> writes);

    @Override
    public Tuple read(String table, long rowId) {
        checkOpen();
        RowKey key = new RowKey(table, rowId);
        if (writes.containsKey(key)) {
            return writes.get(key);
        }
        return readStored(table, rowId);
    }

    @Override
    public void insert(String table, long rowId, Tuple row) {
        write(table, rowId, Objects.requireNonNull(row, "row"));
    }

    @Override
    public void update(String table, long rowId, Tuple row) {
        write(table, rowId, Objects.requireNonNull(row, "row"));
    }

    @Override
    public void delete(String table, long rowId) {
        checkOpen();
        writes.put(new RowKey(table, rowId), null);
    }

    private void write(String table, long rowId, Tuple row) {
        checkOpen();
        check(table, rowId, row);
        writes.put(new RowKey(table, rowId), row);
    }

    @Override
    public void commit() {
        checkOpen();
        done = true;
        if (!writes.isEmpty()) {
            flush(writes);
        }
    }

    @Override
    public void close() {
        done = true;
        writes.clear();
    }

    private void checkOpen() {
        if (done) {
            throw new IllegalStateException("the target transaction is already committed or closed");
        }
    }
}
