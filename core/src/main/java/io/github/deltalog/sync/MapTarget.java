package io.github.deltalog.sync;

import io.github.deltalog.Tuple;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.TreeMap;

/**
 * An in-memory target: per table a sorted map of row id to row, for tests, caches and replicas that live in
 * memory. An optional {@link RowCheck} plays the part of a database's constraints. Thread-safe: an apply's
 * commit is atomic to concurrent readers. Reads O(log n); a commit O(k log n) for k rows written.
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
    public synchronized void put(String table, long rowId, Tuple row) {
        if (row == null) {
            NavigableMap<Long, Tuple> rows = tables.get(table);
            if (rows != null) {
                rows.remove(rowId);
            }
        } else {
            tables.computeIfAbsent(table, t -> new TreeMap<>()).put(rowId, row);
        }
    }

    /**
     * Reads a row.
     *
     * @param table the table
     * @param rowId the row
     * @return the row, or null
     */
    public synchronized Tuple get(String table, long rowId) {
        NavigableMap<Long, Tuple> rows = tables.get(table);
        return rows == null ? null : rows.get(rowId);
    }

    /**
     * Returns a copy of a table's rows. O(n).
     *
     * @param table the table
     * @return row id to row, sorted by row id; empty for an unknown table
     */
    public synchronized NavigableMap<Long, Tuple> rows(String table) {
        NavigableMap<Long, Tuple> rows = tables.get(table);
        return Collections.unmodifiableNavigableMap(rows == null ? new TreeMap<>() : new TreeMap<>(rows));
    }

    /**
     * Returns the names of the tables that hold rows, sorted.
     *
     * @return the table names
     */
    public synchronized List<String> tables() {
        List<String> names = new ArrayList<>();
        tables.forEach((name, rows) -> {
            if (!rows.isEmpty()) {
                names.add(name);
            }
        });
        Collections.sort(names);
        return names;
    }

    @Override
    public Transaction begin() {
        return new BufferedTransaction() {
            @Override
            Tuple readStored(String table, long rowId) {
                return get(table, rowId);
            }

            @Override
            void check(String table, long rowId, Tuple row) {
                String violation = check.violation(table, rowId, row);
                if (violation != null) {
                    throw new TargetConstraintException(
                            "table '" + table + "' row " + rowId + " refused: " + violation);
                }
            }

            @Override
            void flush(Map<RowKey, Tuple> writes) {
                synchronized (MapTarget.this) {
                    writes.forEach((key, row) -> put(key.table(), key.rowId(), row));
                }
            }
        };
    }

    @Override
    public synchronized String toString() {
        return "MapTarget" + tables;
    }
}
