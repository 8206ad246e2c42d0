package io.github.deltalog.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What {@link Capture#install} and {@link Capture#uninstall} do inside the database: the outbox, the catalog of
 * shapes and the triggers, each step in one database transaction. The log side (tracking, relaying) stays in
 * {@link Capture}.
 */
final class Installer {
    private Installer() {}

    /** Checks a table's new shape against what was installed and logged before, before anything is installed. */
    @FunctionalInterface
    interface ShapeCheck {
        /**
         * Checks a shape.
         *
         * @param active the table's active shape, or null
         * @param wanted the shape about to be installed
         * @throws CaptureException if it must not be installed
         */
        void check(TableShape active, TableShape wanted);
    }

    /**
     * Creates the outbox and the catalog if missing and a shape with triggers for each table whose shape is new,
     * in one database transaction; every table is checked before anything is created.
     *
     * @return the tables' names as the database stores them
     * @throws CaptureException for a missing table, a table without usable row id, an unsupported column type
     * @throws SQLException if the database refuses (nothing is installed then)
     */
    static List<String> install(Connection c, ShapeCheck check, String... tables) throws SQLException {
        List<String> names = new ArrayList<>();
        Dialect dialect = Dialect.of(c);
        // Checked before any DDL: H2 commits each DDL statement, so a failure later could not be rolled back.
        List<TableShape> wanted = new ArrayList<>();
        CaptureCatalog.Shapes installed = null;
        if (CaptureCatalog.exists(c, dialect)) {
            CaptureCatalog.create(c); // adds the catalog tables a catalog of an earlier version lacks
            installed = CaptureCatalog.load(c);
        }
        for (String t : tables) {
            TableShape shape = describe(c, dialect, t);
            check.check(installed == null ? null : installed.activeOf(shape.table()), shape);
            wanted.add(shape);
        }
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        try {
            CaptureCatalog.create(c);
            dialect.createOutbox(c);
            for (TableShape t : wanted) {
                names.add(installTable(c, dialect, t));
            }
            c.commit();
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(autoCommit);
        }
        // An existing outbox in a database reopened after a crash may hand out ids it already holds (H2).
        dialect.ensureOutboxIdsAbove(c);
        return names;
    }

    /**
     * Reads and checks a table's shape from the JDBC metadata (its id is not allocated yet: 0).
     *
     * @throws CaptureException for a missing table, a table without usable row id, an unsupported column type
     */
    static TableShape describe(Connection c, Dialect dialect, String typed) throws SQLException {
        String table = dialect.findTable(c, typed);
        if (table == null) {
            throw new CaptureException("no table " + typed + " in the " + dialect.name() + " database");
        }
        if (table.toUpperCase(Locale.ROOT).startsWith("DELTALOG_")) {
            throw new CaptureException("table " + table + " belongs to deltalog capture and cannot be captured");
        }
        List<CapturedColumn> columns = dialect.columns(c, table);
        dialect.checkTypes(table, columns);
        return new TableShape(0, table, dialect.rowIdColumn(c, table, columns), columns, dialect.primaryKey(c, table));
    }

    private static String installTable(Connection c, Dialect dialect, TableShape wanted) throws SQLException {
        String table = wanted.table();
        CaptureCatalog.Shapes shapes = CaptureCatalog.load(c);
        TableShape current = shapes.activeOf(table);
        if (current != null && current.sameLayout(wanted) && dialect.triggersPresent(c, current)) {
            return table;
        }
        dialect.dropTriggers(c, table);
        CaptureCatalog.deactivate(c, table);
        TableShape shape =
                new TableShape(CaptureCatalog.nextId(c), table, wanted.rowIdColumn(), wanted.columns(), wanted.key());
        CaptureCatalog.add(c, shape);
        dialect.createTriggers(c, shape);
        return table;
    }

    /**
     * Drops the triggers of tables (all captured tables if none is named) and deactivates their shapes, in one
     * database transaction. What they captured stays in the outbox for the relay.
     *
     * @throws SQLException if the database refuses (nothing changes then)
     */
    static void removeTriggers(Connection c, Dialect dialect, String... tables) throws SQLException {
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        try {
            CaptureCatalog.Shapes shapes = CaptureCatalog.load(c);
            List<String> targets = new ArrayList<>();
            if (tables.length == 0) {
                for (int id : shapes.active()) {
                    targets.add(shapes.all().get(id).table());
                }
            } else {
                for (String t : tables) {
                    String table = dialect.findTable(c, t);
                    targets.add(table == null ? t : table);
                }
            }
            for (String t : targets) {
                dialect.dropTriggers(c, t);
                CaptureCatalog.deactivate(c, t);
            }
            c.commit();
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(autoCommit);
        }
    }

    /**
     * Drops the outbox and the catalog once no table is captured any more (call it after relaying the outbox).
     *
     * @throws SQLException if the database refuses
     */
    static void dropIfUnused(Connection c, Dialect dialect) throws SQLException {
        if (!CaptureCatalog.load(c).active().isEmpty()) {
            return;
        }
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        try {
            dialect.dropOutbox(c);
            CaptureCatalog.drop(c);
            c.commit();
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(autoCommit);
        }
    }
}
