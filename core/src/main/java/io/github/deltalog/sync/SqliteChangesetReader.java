package io.github.deltalog.sync;

import static io.github.deltalog.sync.SqliteChangesetWriter.TYPE_BLOB;
import static io.github.deltalog.sync.SqliteChangesetWriter.TYPE_INTEGER;
import static io.github.deltalog.sync.SqliteChangesetWriter.TYPE_NULL;
import static io.github.deltalog.sync.SqliteChangesetWriter.TYPE_REAL;
import static io.github.deltalog.sync.SqliteChangesetWriter.TYPE_TEXT;
import static io.github.deltalog.sync.SqliteChangesetWriter.TYPE_UNDEFINED;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * Reads SQLite's changeset and patchset format. Every length and count is checked against the bytes that remain
 * before anything is allocated, so hostile input costs at most O(input) memory and ends in a {@link
 * SqliteFormatException} that names the offset and the table, never an exception from deep inside.
 */
final class SqliteChangesetReader {
    private final byte[] in;
    private int pos;
    private TableShape shape;
    private int format;

    private SqliteChangesetReader(byte[] in) {
        this.in = in;
    }

    static SqliteChangeset read(byte[] blob) {
        SqliteChangesetReader r = new SqliteChangesetReader(blob);
        List<SqliteChange> changes = new ArrayList<>();
        List<TableShape> shapes = new ArrayList<>();
        while (r.pos < blob.length) {
            int b = blob[r.pos] & 0xff;
            if (b == 'T' || b == 'P') {
                shapes.add(r.tableHeader());
            } else if (r.shape == null) {
                throw r.error("expected a table header ('T' or 'P') but found byte " + b);
            } else {
                changes.add(r.change());
            }
        }
        return new SqliteChangeset(r.format == 'P', shapes, changes);
    }

    private TableShape tableHeader() {
        int start = pos;
        int kind = in[pos++] & 0xff;
        if (format != 0 && kind != format) {
            throw error("a " + (kind == 'P' ? "patchset" : "changeset") + " table header inside a "
                    + (format == 'P' ? "patchset" : "changeset"));
        }
        format = kind;
        long columns = varint();
        if (columns < 1 || columns > TableShape.MAX_COLUMNS || columns > in.length - pos) {
            throw error("column count " + columns + " is not in 1.." + TableShape.MAX_COLUMNS
                    + " or exceeds the bytes left");
        }
        int n = (int) columns;
        int[] positions = new int[n];
        int keys = 0;
        for (int c = 0; c < n; c++) {
            positions[c] = in[pos++] & 0xff;
            keys += positions[c] != 0 ? 1 : 0;
        }
        int end = pos;
        while (end < in.length && in[end] != 0) {
            end++;
        }
        if (end == in.length) {
            throw error("the table name at offset " + pos + " has no NUL terminator");
        }
        String name = utf8(pos, end - pos, "table name");
        pos = end + 1;
        if (name.isEmpty() || keys == 0) {
            throw errorAt(start, "table '" + name + "' has an empty name or no primary-key column");
        }
        shape = TableShape.of(name, n, keyColumns(positions, keys));
        return shape;
    }

    /**
     * The key columns in key order. SQLite 3.40 writes each key column's 1-based position in the key as its flag;
     * older versions write 1 for every key column, which leaves them in column order.
     */
    private static int[] keyColumns(int[] positions, int keys) {
        int[] byPosition = new int[keys];
        boolean permutation = true;
        for (int c = 0; c < positions.length && permutation; c++) {
            int p = positions[c];
            if (p != 0) {
                permutation = p <= keys && byPosition[p - 1] == 0;
                if (permutation) {
                    byPosition[p - 1] = c + 1;
                }
            }
        }
        int[] columns = new int[keys];
        int k = 0;
        for (int c = 0; c < positions.length; c++) {
            if (positions[c] != 0) {
                columns[k++] = c;
            }
        }
        if (permutation) {
            for (int i = 0; i < keys; i++) {
                columns[i] = byPosition[i] - 1;
            }
        }
        return columns;
    }

    private SqliteChange change() {
        int start = pos;
        int code = in[pos++] & 0xff;
        SqliteChange.Kind kind = null;
        for (SqliteChange.Kind k : SqliteChange.Kind.values()) {
            if (k.code() == code) {
                kind = k;
            }
        }
        if (kind == null) {
            throw errorAt(start, "unknown change op " + code + " (expected 18 insert, 23 update or 9 delete)");
        }
        if (pos >= in.length || (in[pos] & 0xff) > 1) {
            throw error("missing or invalid indirect flag");
        }
        boolean indirect = in[pos++] != 0;
        boolean patch = format == 'P';
        List<Object> before = Collections.emptyList();
        List<Object> after = Collections.emptyList();
        if (kind == SqliteChange.Kind.DELETE) {
            before = patch ? keyRecord() : record(false, true);
        } else if (kind == SqliteChange.Kind.INSERT) {
            after = record(false, true);
        } else {
            if (!patch) {
                before = record(true, true);
            }
            after = record(true, patch);
        }
        return new SqliteChange(shape, kind, indirect, before, after);
    }

    /** A patchset delete's record: the key columns only, the others undefined. */
    private List<Object> keyRecord() {
        List<Object> values = new ArrayList<>();
        for (int c = 0; c < shape.columnCount(); c++) {
            values.add(shape.keyPosition(c) > 0 ? value(c, false, true) : SqliteChange.UNDEFINED);
        }
        return values;
    }

    private List<Object> record(boolean undefinedAllowed, boolean keyRequired) {
        List<Object> values = new ArrayList<>();
        for (int c = 0; c < shape.columnCount(); c++) {
            values.add(value(c, undefinedAllowed, keyRequired));
        }
        return values;
    }

    private Object value(int column, boolean undefinedAllowed, boolean keyRequired) {
        if (pos >= in.length) {
            throw error("the record ends before column " + column);
        }
        int start = pos;
        int type = in[pos++] & 0xff;
        boolean key = shape.keyPosition(column) > 0;
        switch (type) {
            case TYPE_UNDEFINED:
                if (!undefinedAllowed || (key && keyRequired)) {
                    throw errorAt(start, "column " + column + " is undefined where a value is required");
                }
                return SqliteChange.UNDEFINED;
            case TYPE_INTEGER:
                return int64(column);
            case TYPE_REAL:
                return Double.longBitsToDouble(int64(column));
            case TYPE_TEXT:
                int n = length(column);
                String s = utf8(pos, n, "text of column " + column);
                pos += n;
                return s;
            case TYPE_BLOB:
                int m = length(column);
                byte[] b = Arrays.copyOfRange(in, pos, pos + m);
                pos += m;
                return b;
            case TYPE_NULL:
                if (key && keyRequired) {
                    throw errorAt(start, "primary-key column " + column + " is NULL");
                }
                return null;
            default:
                throw errorAt(start, "column " + column + " has unknown value type " + type);
        }
    }

    private long int64(int column) {
        if (in.length - pos < 8) {
            throw error("column " + column + " needs 8 bytes, " + (in.length - pos) + " left");
        }
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (in[pos++] & 0xff);
        }
        return v;
    }

    private int length(int column) {
        long n = varint();
        if (n < 0 || n > in.length - pos) {
            throw error("column " + column + " claims " + n + " bytes, " + (in.length - pos) + " left");
        }
        return (int) n;
    }

    /** SQLite's varint: up to 9 bytes, 7 bits each with a continuation bit, the 9th contributes 8 bits. */
    private long varint() {
        long v = 0;
        for (int i = 0; i < 9; i++) {
            if (pos >= in.length) {
                throw error("a varint runs past the end");
            }
            int b = in[pos++] & 0xff;
            if (i == 8) {
                return (v << 8) | b;
            }
            v = (v << 7) | (b & 0x7f);
            if ((b & 0x80) == 0) {
                return v;
            }
        }
        return v;
    }

    private String utf8(int offset, int length, String what) {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(in, offset, length))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new SqliteFormatException(
                    where(offset) + ": the " + what + " is not valid UTF-8 (" + e.getMessage() + ")", e);
        }
    }

    private SqliteFormatException error(String message) {
        return errorAt(pos, message);
    }

    private SqliteFormatException errorAt(int offset, String message) {
        return new SqliteFormatException(where(offset) + ": " + message);
    }

    private String where(int offset) {
        return "not a valid SQLite changeset at byte " + offset + " of " + in.length
                + (shape == null ? "" : " (table '" + shape.table() + "')");
    }
}
