package io.github.deltalog.sync;

import io.github.deltalog.Tuple;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An in-memory target: per table a sorted map of row id to row, for tests, caches and replicas that live in
 * memory. An optional {@link RowCheck} plays the part of a database's constraints. Thread-safe: an apply holds
 * the target's lock from begin to close, so other threads see all of it or none of it. Reads O(log n); a commit O(k log n) for k rows written.
 */
public final class MapTarget implements ApplyTarget {
    /** A constraint on rows: says why a row is refused, or null if it is fine. */
    @FunctionalInterface
    public interface RowCheck {
        /**
         * Checks a row about to be written.
         *
         * @param table the table
         * @param rowId the row
         * @param row the image to write
         * @return why it is refused (naming the constraint), or null if it is accepted
         */
        String violation(String table, long rowId, Tuple row);
    }

    private final Map<String, NavigableMap<Long, Tuple>> tables = new HashMap<>();
    private final RowCheck check;
    /** Held by every method, and by a transaction from begin to close (on the applying thread). */
    private final ReentrantLock lock = new ReentrantLock();
    /** The undo buffer of the open transaction, reused by the next one; guarded by {@link #lock}. */
    private Object[] undoBuffer = new Object[3 * 64];

    /** Creates an empty target without constraints. */
    public MapTarget() {
        this((table, rowId, row) -> null);
    }

    /**
     * Creates an empty target whose writes must pass a check.
     *
     * @param check the constraint
     */
    public MapTarget(RowCheck check) {
        this.check = Objects.requireNonNull(check, "check");
    }

    /**
     * Writes a row directly, outside any apply (to set up a base state). No check.
     *
     * @param table the table
     * @param rowId the row
     * @param row the image, or null to remove the row
     */
    public void put(String table, long rowId, Tuple row) {
        lock.lock();
        try {
            if (row == null) {
                NavigableMap<Long, Tuple> rows = tables.get(table);
                if (rows != null) {
                    rows.remove(rowId);
                }
            } else {
                tables.computeIfAbsent(table, t -> new TreeMap<>()).put(rowId, row);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Reads a row.
     *
     * @param table the table
     * @param rowId the row
     * @return the row, or null
     */
    public Tuple get(String table, long rowId) {
        lock.lock();
        try {
            NavigableMap<Long, Tuple> rows = tables.get(table);
            return rows == null ? null : rows.get(rowId);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Returns a copy of a table's rows. O(n).
     *
     * @param table the table
     * @return row id to row, sorted by row id; empty for an unknown table
     */
    public NavigableMap<Long, Tuple> rows(String table) {
        lock.lock();
        try {
            NavigableMap<Long, Tuple> rows = tables.get(table);
            return Collections.unmodifiableNavigableMap(rows == null ? new TreeMap<>() : new TreeMap<>(rows));
        } finally {
            lock.unlock();
        }
    }

    /**
     * Returns the names of the tables that hold rows, sorted.
     *
     * @return the table names
     */
    public List<String> tables() {
        lock.lock();
        try {
            List<String> names = new ArrayList<>();
            tables.forEach((name, rows) -> {
                if (!rows.isEmpty()) {
                    names.add(name);
                }
            });
            Collections.sort(names);
            return names;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Starts a transaction that holds this target's lock until it is closed: it writes straight into the maps and
     * keeps an undo list, so an apply costs little more than the writes themselves (the row a change reads is the
     * row it writes: the boxed key and the old row are reused, no allocation per change beyond the map's own), and
     * other threads see all of it or none of it.
     */
    @Override
    public Transaction begin() {
        return new UndoTransaction();
    }

    private final class UndoTransaction implements Transaction {
        /** Triples of (rows, key, old row or null), oldest first: the target's buffer, kept between transactions. */
        private Object[] undo;

        private int undoSize;
        /** The last row read: its table's map (null if the table had none), key and row. */
        private String readTable;

        private NavigableMap<Long, Tuple> readRows;
        private Long readKey;
        private Tuple readRow;
        private boolean done;

        UndoTransaction() {
            lock.lock();
            undo = undoBuffer;
        }

        @Override
        public Tuple read(String table, long rowId) {
            checkOpen();
            NavigableMap<Long, Tuple> rows = tables.get(table);
            Long key = rowId;
            Tuple row = rows == null ? null : rows.get(key);
            readTable = table;
            readRows = rows;
            readKey = key;
            readRow = row;
            return row;
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
            NavigableMap<Long, Tuple> rows = tables.get(table);
            if (rows == null) {
                return;
            }
            Long key = key(table, rows, rowId);
            Tuple old = key == readKey ? readRow : rows.get(key);
            if (old != null) {
                pushUndo(rows, key, old);
                rows.remove(key);
            }
            readKey = null;
        }

        private void write(String table, long rowId, Tuple row) {
            checkOpen();
            String violation = check.violation(table, rowId, row);
            if (violation != null) {
                throw new TargetConstraintException("table '" + table + "' row " + rowId + " refused: " + violation);
            }
            NavigableMap<Long, Tuple> rows = tables.computeIfAbsent(table, t -> new TreeMap<>());
            Long key = key(table, rows, rowId);
            Tuple old = key == readKey ? readRow : rows.get(key);
            pushUndo(rows, key, old);
            rows.put(key, row);
            readKey = null;
        }

        /** The key the last read boxed if it read this row of this map, else a new one. */
        private Long key(String table, NavigableMap<Long, Tuple> rows, long rowId) {
            Long key = readKey;
            // A read of a table without a map read no row; the map created since holds none of it either.
            if (key != null && key == rowId && table.equals(readTable) && (readRows == rows || readRows == null)) {
                return key;
            }
            readKey = null;
            return Long.valueOf(rowId);
        }

        private void pushUndo(NavigableMap<Long, Tuple> rows, Long key, Tuple old) {
            if (undoSize + 3 > undo.length) {
                undo = Arrays.copyOf(undo, undo.length * 2);
                undoBuffer = undo;
            }
            undo[undoSize++] = rows;
            undo[undoSize++] = key;
            undo[undoSize++] = old;
        }

        @Override
        public void commit() {
            checkOpen();
            finish();
        }

        @Override
        @SuppressWarnings("unchecked")
        public void close() {
            if (!done) {
                for (int i = undoSize - 3; i >= 0; i -= 3) {
                    NavigableMap<Long, Tuple> rows = (NavigableMap<Long, Tuple>) undo[i];
                    Long key = (Long) undo[i + 1];
                    Tuple old = (Tuple) undo[i + 2];
                    if (old == null) {
                        rows.remove(key);
                    } else {
                        rows.put(key, old);
                    }
                }
                finish();
            }
        }

        private void finish() {
            done = true;
            Arrays.fill(undo, 0, undoSize, null); // the buffer outlives the transaction, its rows must not
            undoSize = 0;
            undo = null;
            lock.unlock();
        }

        private void checkOpen() {
            if (done) {
                throw new IllegalStateException("the target transaction is already committed or closed");
            }
        }
    }

    @Override
    public String toString() {
        lock.lock();
        try {
            return "MapTarget" + tables;
        } finally {
            lock.unlock();
        }
    }
}
