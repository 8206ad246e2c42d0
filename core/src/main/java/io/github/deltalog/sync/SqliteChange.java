package io.github.deltalog.sync;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * One change of a decoded SQLite changeset or patchset, as SQLite stores it: per column a value ({@code Long},
 * {@code Double}, {@code String}, {@code byte[]} or null) or {@link #UNDEFINED} where the format leaves it out
 * (the unchanged columns of an update; in a patchset also the old values).
 *
 * @param shape the table's shape, from the table header
 * @param kind insert, update or delete
 * @param indirect SQLite's indirect-change flag
 * @param before the old values (delete, update), one per column; empty for an insert
 * @param after the new values (insert, update), one per column; empty for a delete
 */
public record SqliteChange(TableShape shape, Kind kind, boolean indirect, List<Object> before, List<Object> after) {
    /** The marker of a column the record leaves out. */
    public static final Object UNDEFINED = new Object() {
        @Override
        public String toString() {
            return "undefined";
        }
    };

    /** The kind of a change, with SQLite's op codes. */
    public enum Kind {
        /** {@code SQLITE_INSERT}, 18. */
        INSERT(18),
        /** {@code SQLITE_UPDATE}, 23. */
        UPDATE(23),
        /** {@code SQLITE_DELETE}, 9. */
        DELETE(9);

        private final int code;

        Kind(int code) {
            this.code = code;
        }

        /**
         * Returns SQLite's op code.
         *
         * @return SQLite's op code
         */
        public int code() {
            return code;
        }
    }

    /**
     * Creates a change; the value lists are copied (nulls allowed).
     *
     * @param shape the table's shape, from the table header
     * @param kind insert, update or delete
     * @param indirect SQLite's indirect-change flag
     * @param before the old values (delete, update), one per column; empty for an insert
     * @param after the new values (insert, update), one per column; empty for a delete
     */
    public SqliteChange {
        Objects.requireNonNull(shape, "shape");
        Objects.requireNonNull(kind, "kind");
        before = Collections.unmodifiableList(new ArrayList<>(before));
        after = Collections.unmodifiableList(new ArrayList<>(after));
    }

    @Override
    public String toString() {
        return kind + " " + shape.table() + " " + render(before) + " -> " + render(after);
    }

    private static String render(List<Object> values) {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < values.size(); i++) {
            Object v = values.get(i);
            sb.append(i == 0 ? "" : ", ").append(v instanceof byte[] b ? Arrays.toString(b) : String.valueOf(v));
        }
        return sb.append(')').toString();
    }
}
