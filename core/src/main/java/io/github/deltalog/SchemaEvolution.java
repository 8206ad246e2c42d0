package io.github.deltalog;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Applies a {@link SchemaChange} to a schema version, giving the next one; refuses changes that do not apply. */
final class SchemaEvolution {
    private SchemaEvolution() {}

    /**
     * Returns the schema after a change (not yet registered: the caller stamps its version and time).
     *
     * @throws SchemaMismatchException if the change does not apply to this version, naming table and column
     */
    static TableSchema apply(String table, TableSchema current, SchemaChange change) {
        List<Column> columns = new ArrayList<>(current.columns());
        List<String> key = new ArrayList<>(current.key());
        int n = columns.size();
        int[] ids = new int[n];
        Object[] defaults = new Object[n];
        for (int i = 0; i < n; i++) {
            ids[i] = current.columnId(i);
            defaults[i] = current.defaultValue(i);
        }
        int next = current.nextColumnId();
        if (change instanceof SchemaChange.AddColumn add) {
            Column c = add.column();
            if (current.indexOf(c.name()) >= 0) {
                throw refused(table, current, "column '" + c.name() + "' exists already");
            }
            Object d = add.defaultValue();
            if (d == null && !c.nullable()) {
                throw refused(table, current, "non-null column '" + c.name() + "' needs a default value");
            }
            if (d != null && d.getClass() != c.type().javaType()) {
                throw refused(
                        table,
                        current,
                        "the default of column '" + c.name() + "' is a "
                                + d.getClass().getName() + ", not " + c.type() + " ("
                                + c.type().javaType().getSimpleName() + ")");
            }
            columns.add(c);
            ids = Arrays.copyOf(ids, n + 1);
            ids[n] = next++;
            defaults = Arrays.copyOf(defaults, n + 1);
            defaults[n] = d instanceof byte[] b ? b.clone() : Tuple.of(d).get(0);
        } else if (change instanceof SchemaChange.DropColumn drop) {
            int i = existing(table, current, drop.name());
            if (key.contains(drop.name())) {
                throw refused(table, current, "column '" + drop.name() + "' is a key column " + key);
            }
            columns.remove(i);
            ids = remove(ids, i);
            Object[] rest = new Object[n - 1];
            System.arraycopy(defaults, 0, rest, 0, i);
            System.arraycopy(defaults, i + 1, rest, i, n - 1 - i);
            defaults = rest;
        } else if (change instanceof SchemaChange.RenameColumn rename) {
            int i = existing(table, current, rename.from());
            if (current.indexOf(rename.to()) >= 0) {
                throw refused(table, current, "column '" + rename.to() + "' exists already");
            }
            Column c = columns.get(i);
            columns.set(i, new Column(rename.to(), c.type(), c.nullable()));
            int k = key.indexOf(rename.from());
            if (k >= 0) {
                key.set(k, rename.to());
            }
        } else {
            SchemaChange.WidenColumn widen = (SchemaChange.WidenColumn) change;
            int i = existing(table, current, widen.name());
            Column c = columns.get(i);
            if (!c.type().widensTo(widen.to())) {
                throw refused(
                        table,
                        current,
                        "column '" + c.name() + "' of type " + c.type() + " cannot be widened to " + widen.to()
                                + " without loss (see ColumnType.widensTo)");
            }
            columns.set(i, new Column(c.name(), widen.to(), c.nullable()));
            defaults[i] = c.type().widen(defaults[i], widen.to());
        }
        return new TableSchema(table, columns, key, current.version() + 1, 0, ids, defaults, next);
    }

    private static int existing(String table, TableSchema current, String column) {
        int i = current.indexOf(column);
        if (i < 0) {
            throw refused(table, current, "there is no column '" + column + "'");
        }
        return i;
    }

    private static int[] remove(int[] a, int i) {
        int[] r = new int[a.length - 1];
        System.arraycopy(a, 0, r, 0, i);
        System.arraycopy(a, i + 1, r, i, a.length - 1 - i);
        return r;
    }

    private static SchemaMismatchException refused(String table, TableSchema current, String why) {
        return new SchemaMismatchException("cannot alter table '" + table + "' (schema version " + current.version()
                + ", columns " + current.names() + "): " + why);
    }
}
