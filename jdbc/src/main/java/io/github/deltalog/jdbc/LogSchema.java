package io.github.deltalog.jdbc;

import io.github.deltalog.Column;
import io.github.deltalog.ColumnType;
import io.github.deltalog.DeltaLog;
import io.github.deltalog.SchemaChange;
import io.github.deltalog.TableSchema;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The log's {@link TableSchema} of a captured table: built from a {@link TableShape} (column names, the dialect's
 * {@link Dialect#logType log type} of each column, the primary key), registered with the log before the first
 * change captured under it, and evolved with {@link DeltaLog#alterTable} when a later shape follows from the
 * earlier one by appended columns, dropped columns or widened types. Any other difference (a retyped or reordered
 * column, another key) cannot be expressed as schema versions and is refused, naming the table and the column.
 *
 * <p>Every column but the row id column is nullable in the log: the database enforces its own NOT NULL
 * constraints, and a column added later must read as null in rows captured before it.
 */
final class LogSchema {
    private LogSchema() {}

    /**
     * Builds the log schema of a shape. O(columns).
     *
     * @param shape the shape
     * @param dialect its database's dialect
     * @return the schema (not registered)
     * @throws CaptureException if a column has no log type
     */
    static TableSchema of(TableShape shape, Dialect dialect) {
        TableSchema.Builder b = TableSchema.builder();
        for (CapturedColumn col : shape.columns()) {
            ColumnType type = dialect.logType(col);
            if (type == null) {
                throw new CaptureException("column " + col.name() + " of table " + shape.table() + " has type "
                        + col.type() + ", which the log cannot record (see the README's type mapping)");
            }
            if (col.name().equals(shape.rowIdColumn())) {
                b.column(col.name(), type);
            } else {
                b.nullableColumn(col.name(), type);
            }
        }
        return b.key(shape.key().toArray(new String[0])).build();
    }

    /**
     * Returns the schema changes that take one version of a captured table to the next: dropped columns, widened
     * types, then appended columns (nullable, null in earlier rows). O(columns).
     *
     * @param table the table, for messages
     * @param from the earlier schema
     * @param to the later schema
     * @return the changes, empty if the columns and key are the same
     * @throws CapturedTableChangedException if no such changes exist, naming the table and why
     */
    static List<SchemaChange> changes(String table, TableSchema from, TableSchema to) {
        List<SchemaChange> drops = new ArrayList<>();
        List<SchemaChange> widenings = new ArrayList<>();
        List<SchemaChange> adds = new ArrayList<>();
        if (!from.key().equals(to.key())) {
            throw refused(table, from, to, "its primary key changed from " + from.key() + " to " + to.key());
        }
        Map<String, Column> later = new HashMap<>();
        for (Column c : to.columns()) {
            later.put(c.name(), c);
        }
        int next = 0;
        for (Column c : from.columns()) {
            Column now = later.get(c.name());
            if (now == null) {
                drops.add(SchemaChange.dropColumn(c.name()));
                continue;
            }
            if (!to.columns().get(next).name().equals(c.name())) {
                throw refused(
                        table,
                        from,
                        to,
                        "column " + to.columns().get(next).name() + " now stands where " + c.name()
                                + " stood (the log keeps the column order and appends new columns at the end)");
            }
            next++;
            if (now.type() != c.type()) {
                if (!c.type().widensTo(now.type())) {
                    throw refused(
                            table,
                            from,
                            to,
                            "column " + c.name() + " changed from " + c.type() + " to " + now.type()
                                    + ", which is not a widening the log can follow");
                }
                widenings.add(SchemaChange.widenColumn(c.name(), now.type()));
            }
            if (now.nullable() != c.nullable()) {
                throw refused(table, from, to, "column " + c.name() + " changed nullability");
            }
        }
        for (int i = next; i < to.columns().size(); i++) {
            Column c = to.columns().get(i);
            if (from.indexOf(c.name()) >= 0) {
                throw refused(table, from, to, "column " + c.name() + " moved");
            }
            adds.add(SchemaChange.addColumn(c.name(), c.type(), true, null));
        }
        List<SchemaChange> all = new ArrayList<>(drops);
        all.addAll(widenings);
        all.addAll(adds);
        return all;
    }

    /**
     * Makes the log's schema of a table the one of a shape, before changes captured under that shape are recorded:
     * registers it if the table has none, else records the changes from the log's current version as new versions
     * (each {@link DeltaLog#alterTable} is durable on its own; a crash between them resumes from the version
     * reached). A no-op if the log's current version already has the shape's columns.
     *
     * @param log the log
     * @param table the log's table
     * @param wanted the shape's schema
     * @throws CapturedTableChangedException if the log's version cannot evolve into it
     */
    static void ensure(DeltaLog log, String table, TableSchema wanted) {
        TableSchema current = log.schema(table).orElse(null);
        if (current == null) {
            log.track(table, wanted);
            return;
        }
        if (current.sameColumns(wanted)) {
            return;
        }
        for (SchemaChange change : changes(table, current, wanted)) {
            log.alterTable(table, change);
        }
    }

    private static CapturedTableChangedException refused(String table, TableSchema from, TableSchema to, String why) {
        return new CapturedTableChangedException("captured table " + table + " changed in a way the log's schema"
                + " cannot follow: " + why + " (was " + describe(from) + ", now " + describe(to) + "); capture it"
                + " into another log (uninstall it here)");
    }

    private static String describe(TableSchema s) {
        StringBuilder b = new StringBuilder("(");
        for (Column c : s.columns()) {
            b.append(b.length() > 1 ? ", " : "").append(c.name()).append(' ').append(c.type());
        }
        return b.append(')').toString();
    }
}
