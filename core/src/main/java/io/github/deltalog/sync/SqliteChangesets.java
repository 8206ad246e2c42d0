package io.github.deltalog.sync;

import io.github.deltalog.Delta;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * SQLite's session-extension formats: writes deltas as a changeset (what {@code sqlite3changeset_apply} applies,
 * with conflict detection) or a patchset (smaller: no old values), and reads both back. Values map to SQLite's
 * storage classes: Long, Integer, Short, Byte and Boolean to INTEGER, Double and Float to REAL, String to TEXT,
 * byte[] to BLOB, null to NULL; they read back as Long, Double, String, byte[] and null. Other types are refused.
 *
 * <p>Round trip: a change set whose values are Long, Double, String, byte[] or null reads back as the same deltas
 * (updates completed from the rows they apply to, see {@link SqliteChangeset#toChangeSet}).
 */
public final class SqliteChangesets {
    private SqliteChangesets() {}

    /**
     * Writes deltas as a changeset, grouped by table (tables in order of first occurrence, changes in the given
     * order). Updates that change nothing are left out. O(total bytes).
     *
     * @param deltas the changes, at most one per row (a merged change set)
     * @param shapes the shape of every table that occurs
     * @return the changeset bytes (empty for no changes)
     * @throws IllegalArgumentException naming table, row and column for a missing shape, an image of the wrong
     *     width, a key that is not the row id, or a value with no SQLite storage class
     */
    public static byte[] encode(Iterable<Delta> deltas, Iterable<TableShape> shapes) {
        return SqliteChangesetWriter.write(deltas, byName(shapes), false);
    }

    /**
     * Writes deltas as a patchset: like {@link #encode} without the old values (deletes carry the key, updates the
     * key and the new values of the changed columns).
     *
     * @param deltas the changes
     * @param shapes the shape of every table that occurs
     * @return the patchset bytes
     * @throws IllegalArgumentException as {@link #encode}
     */
    public static byte[] encodePatchset(Iterable<Delta> deltas, Iterable<TableShape> shapes) {
        return SqliteChangesetWriter.write(deltas, byName(shapes), true);
    }

    /**
     * Reads a changeset or a patchset. O(n) time and memory in the blob's length, whatever it claims.
     *
     * @param blob the bytes
     * @return the decoded changes
     * @throws SqliteFormatException naming the byte offset and the table if the bytes are not a valid changeset
     *     or patchset
     */
    public static SqliteChangeset decode(byte[] blob) {
        Objects.requireNonNull(blob, "blob");
        return SqliteChangesetReader.read(blob);
    }

    private static Map<String, TableShape> byName(Iterable<TableShape> shapes) {
        Map<String, TableShape> map = new HashMap<>();
        for (TableShape s : shapes) {
            map.put(s.table(), s);
        }
        return map;
    }
}
