package io.github.deltalog.sync;

import io.github.deltalog.Delta;
import io.github.deltalog.DeltaOp;
import io.github.deltalog.Tuple;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes deltas in SQLite's changeset or patchset format (sqlite3session.c's "CHANGESET FORMAT"): per table a
 * header ('T' or 'P', column count, primary-key flags, NUL-terminated name), then its changes. Updates are
 * written as SQLite writes them: old values of the key and the changed columns, new values of the changed
 * columns, the rest undefined. O(total bytes).
 */
final class SqliteChangesetWriter {
    static final int TYPE_UNDEFINED = 0;
    static final int TYPE_INTEGER = 1;
    static final int TYPE_REAL = 2;
    static final int TYPE_TEXT = 3;
    static final int TYPE_BLOB = 4;
    static final int TYPE_NULL = 5;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final boolean patchset;

    private SqliteChangesetWriter(boolean patchset) {
        this.patchset = patchset;
    }

    static byte[] write(Iterable<Delta> deltas, Map<String, TableShape> shapes, boolean patchset) {
        Map<String, List<Delta>> byTable = new LinkedHashMap<>();
        for (Delta d : deltas) {
            byTable.computeIfAbsent(d.table(), t -> new ArrayList<>()).add(d);
        }
        SqliteChangesetWriter w = new SqliteChangesetWriter(patchset);
        for (Map.Entry<String, List<Delta>> e : byTable.entrySet()) {
            TableShape shape = shapes.get(e.getKey());
            if (shape == null) {
                throw new IllegalArgumentException("no table shape given for table '" + e.getKey() + "'");
            }
            w.table(shape, e.getValue());
        }
        return w.out.toByteArray();
    }

    private void table(TableShape shape, List<Delta> deltas) {
        out.write(patchset ? 'P' : 'T');
        varint(shape.columnCount());
        for (int c = 0; c < shape.columnCount(); c++) {
            out.write(shape.keyPosition(c));
        }
        byte[] name = shape.table().getBytes(StandardCharsets.UTF_8);
        out.write(name, 0, name.length);
        out.write(0);
        for (Delta d : deltas) {
            change(shape, d);
        }
    }

    private void change(TableShape shape, Delta d) {
        DeltaOp op = d.op();
        if (op.before() != null) {
            checkRow(shape, d, op.before());
        }
        if (op.after() != null) {
            checkRow(shape, d, op.after());
        }
        if (op instanceof DeltaOp.Insert) {
            header(SqliteChange.Kind.INSERT);
            for (int c = 0; c < shape.columnCount(); c++) {
                value(shape, d, c, op.after().get(c));
            }
        } else if (op instanceof DeltaOp.Delete) {
            header(SqliteChange.Kind.DELETE);
            for (int c = 0; c < shape.columnCount(); c++) {
                if (!patchset || shape.keyPosition(c) > 0) {
                    value(shape, d, c, op.before().get(c));
                }
            }
        } else {
            update(shape, d, op.before(), op.after());
        }
    }

    private void update(TableShape shape, Delta d, Tuple before, Tuple after) {
        int n = shape.columnCount();
        boolean[] changed = new boolean[n];
        boolean any = false;
        for (int c = 0; c < n; c++) {
            changed[c] = !Tuple.of(before.get(c)).equals(Tuple.of(after.get(c)));
            any |= changed[c];
        }
        if (!any) {
            return;
        }
        header(SqliteChange.Kind.UPDATE);
        if (!patchset) {
            for (int c = 0; c < n; c++) {
                if (changed[c] || shape.keyPosition(c) > 0) {
                    value(shape, d, c, before.get(c));
                } else {
                    out.write(TYPE_UNDEFINED);
                }
            }
        }
        for (int c = 0; c < n; c++) {
            if (changed[c] || (patchset && shape.keyPosition(c) > 0)) {
                value(shape, d, c, after.get(c));
            } else {
                out.write(TYPE_UNDEFINED);
            }
        }
    }

    private void header(SqliteChange.Kind kind) {
        out.write(kind.code());
        out.write(0);
    }

    /** A row must have the shape's width, and a one-column key must hold the row id (SQLite's rowid). */
    private static void checkRow(TableShape shape, Delta d, Tuple row) {
        if (row.size() != shape.columnCount()) {
            throw new IllegalArgumentException("table '" + d.table() + "' row " + d.rowId() + ": the image has "
                    + row.size() + " values, the table has " + shape.columnCount() + " columns");
        }
        int idColumn = shape.rowIdColumn();
        if (idColumn >= 0) {
            Object key = row.get(idColumn);
            if (!(isInteger(key) && ((Number) key).longValue() == d.rowId())) {
                throw new IllegalArgumentException("table '" + d.table() + "' row " + d.rowId()
                        + ": primary-key column " + idColumn + " holds " + key + ", not the row id");
            }
        }
    }

    private void value(TableShape shape, Delta d, int column, Object v) {
        if (v == null) {
            out.write(TYPE_NULL);
        } else if (isInteger(v) || v instanceof Boolean) {
            out.write(TYPE_INTEGER);
            int64(v instanceof Boolean b ? (b ? 1L : 0L) : ((Number) v).longValue());
        } else if (v instanceof Double || v instanceof Float) {
            out.write(TYPE_REAL);
            int64(Double.doubleToRawLongBits(((Number) v).doubleValue()));
        } else if (v instanceof String s) {
            out.write(TYPE_TEXT);
            bytes(s.getBytes(StandardCharsets.UTF_8));
        } else if (v instanceof byte[] b) {
            out.write(TYPE_BLOB);
            bytes(b);
        } else {
            throw new IllegalArgumentException("table '" + shape.table() + "' row " + d.rowId() + " column "
                    + column + ": a " + v.getClass().getSimpleName() + " has no SQLite storage class (use Long,"
                    + " Double, String, byte[] or null)");
        }
    }

    private static boolean isInteger(Object v) {
        return v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte;
    }

    private void bytes(byte[] b) {
        varint(b.length);
        out.write(b, 0, b.length);
    }

    private void int64(long v) {
        for (int shift = 56; shift >= 0; shift -= 8) {
            out.write((int) (v >>> shift));
        }
    }

    /** SQLite's varint for a non-negative int: big-endian groups of 7 bits, the high bit set on all but the last. */
    private void varint(int v) {
        int groups = 1;
        while (groups < 5 && (v >>> (7 * groups)) != 0) {
            groups++;
        }
        for (int g = groups - 1; g > 0; g--) {
            out.write(0x80 | ((v >>> (7 * g)) & 0x7f));
        }
        out.write(v & 0x7f);
    }
}
