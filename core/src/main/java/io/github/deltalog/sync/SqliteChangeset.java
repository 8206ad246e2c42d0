package io.github.deltalog.sync;

import io.github.deltalog.ChangeSet;
import io.github.deltalog.Delta;
import io.github.deltalog.DeltaOp;
import io.github.deltalog.Tuple;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * A decoded SQLite changeset or patchset: the table shapes of its headers and its changes, in the blob's order
 * (SQLite writes a table's changes in hash order). {@link #toChangeSet} turns it into deltas.
 */
public final class SqliteChangeset {
    private final boolean patchset;
    private final List<TableShape> shapes;
    private final List<SqliteChange> changes;

    SqliteChangeset(boolean patchset, List<TableShape> shapes, List<SqliteChange> changes) {
        this.patchset = patchset;
        this.shapes = Collections.unmodifiableList(new ArrayList<>(shapes));
        this.changes = Collections.unmodifiableList(new ArrayList<>(changes));
    }

    /**
     * Tells whether the blob was a patchset ('P' headers) rather than a changeset ('T').
     *
     * @return whether the blob was a patchset ('P' headers) rather than a changeset ('T')
     */
    public boolean isPatchset() {
        return patchset;
    }

    /**
     * Returns the shapes of the tables, in the order of their headers.
     *
     * @return the shapes of the tables, in the order of their headers
     */
    public List<TableShape> shapes() {
        return shapes;
    }

    /**
     * Returns the changes as SQLite stored them, undefined columns included.
     *
     * @return the changes as SQLite stored them, undefined columns included
     */
    public List<SqliteChange> changes() {
        return changes;
    }

    /**
     * Turns the changes into deltas. SQLite leaves columns out (an update's unchanged columns; a patchset's old
     * values): they are filled in from {@code base}, the rows the changes apply to (for sync: the target's rows,
     * which makes the applier's before-image check compare exactly the columns SQLite compares). A column neither
     * the blob nor the base holds is null. Each table's primary key must be one integer column: its value is the
     * row id. O(n) plus one base read per partial change.
     *
     * @param base the rows the changes apply to ({@link RowLookup#EMPTY} when all records are complete)
     * @param commitTimestamp the timestamp the deltas get (a changeset carries none)
     * @return the deltas, in the blob's order, with watermark {@code commitTimestamp}
     * @throws SqliteFormatException if a table's key is not one integer column
     */
    public ChangeSet toChangeSet(RowLookup base, long commitTimestamp) {
        Objects.requireNonNull(base, "base");
        List<Delta> deltas = new ArrayList<>(changes.size());
        for (SqliteChange c : changes) {
            TableShape shape = c.shape();
            int idColumn = shape.rowIdColumn();
            List<Object> keyRecord = c.kind() == SqliteChange.Kind.INSERT ? c.after() : c.before();
            if (patchset && c.kind() == SqliteChange.Kind.UPDATE) {
                keyRecord = c.after();
            }
            Object key = idColumn < 0 ? null : keyRecord.get(idColumn);
            if (!(key instanceof Long)) {
                throw new SqliteFormatException("table '" + shape.table() + "': deltalog needs a primary key of one"
                        + " INTEGER column for its row id, but the key is columns "
                        + java.util.Arrays.toString(shape.keyColumns()) + " holding " + key);
            }
            long rowId = (Long) key;
            Tuple stored = needsBase(c) ? base.get(shape.table(), rowId) : null;
            DeltaOp op;
            if (c.kind() == SqliteChange.Kind.INSERT) {
                op = new DeltaOp.Insert(Tuple.of(c.after()));
            } else if (c.kind() == SqliteChange.Kind.DELETE) {
                op = new DeltaOp.Delete(fill(c.before(), stored, null));
            } else {
                Tuple before =
                        patchset ? fill(keyOnly(shape, c.after()), stored, null) : fill(c.before(), stored, null);
                op = new DeltaOp.Update(before, fill(c.after(), before, null));
            }
            deltas.add(new Delta(shape.table(), rowId, commitTimestamp, op));
        }
        return new ChangeSet(deltas, commitTimestamp);
    }

    private boolean needsBase(SqliteChange c) {
        return c.kind() == SqliteChange.Kind.UPDATE || (patchset && c.kind() == SqliteChange.Kind.DELETE);
    }

    private static List<Object> keyOnly(TableShape shape, List<Object> record) {
        List<Object> values = new ArrayList<>(record);
        for (int i = 0; i < values.size(); i++) {
            if (shape.keyPosition(i) == 0) {
                values.set(i, SqliteChange.UNDEFINED);
            }
        }
        return values;
    }

    /** The record's values, its undefined ones taken from {@code fallback} (or null). */
    private static Tuple fill(List<Object> record, Tuple fallback, Object missing) {
        Object[] values = new Object[record.size()];
        for (int i = 0; i < values.length; i++) {
            Object v = record.get(i);
            if (v == SqliteChange.UNDEFINED) {
                v = fallback != null && i < fallback.size() ? fallback.get(i) : missing;
            }
            values[i] = v;
        }
        return Tuple.of(values);
    }

    @Override
    public String toString() {
        return (patchset ? "SQLite patchset(" : "SQLite changeset(") + changes.size() + " changes, tables "
                + shapes.size() + ")";
    }
}
