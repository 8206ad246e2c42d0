package io.github.deltalog.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The capture's catalog inside the captured database: every shape ever installed (table, row id column, columns,
 * primary key) and which one is active per table. Outbox rows refer to shapes by id. The SQL is the same for every dialect.
 */
final class CaptureCatalog {
    static final String SHAPES = "DELTALOG_SHAPE";
    static final String COLUMNS = "DELTALOG_COLUMN";
    /** Added after the first release of capture: created if missing, so a catalog without it reads as no keys. */
    static final String KEYS = "DELTALOG_KEY";

    /** The shapes, by id, and the ids of the active ones. */
    record Shapes(Map<Integer, TableShape> all, Set<Integer> active) {
        /**
         * Returns the active shape of a table.
         *
         * @param table the table as the database stores it
         * @return the shape or null
         */
        TableShape activeOf(String table) {
            for (int id : active) {
                TableShape s = all.get(id);
                if (s.table().equals(table)) {
                    return s;
                }
            }
            return null;
        }
    }

    private CaptureCatalog() {}

    static void create(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS " + SHAPES + "(SHAPE INTEGER PRIMARY KEY, TBL VARCHAR(1000) NOT NULL,"
                    + " ROWID_COL VARCHAR(1000), ACTIVE INTEGER NOT NULL)");
            s.execute("CREATE TABLE IF NOT EXISTS " + COLUMNS + "(SHAPE INTEGER NOT NULL, POS INTEGER NOT NULL,"
                    + " NAME VARCHAR(1000) NOT NULL, TYPE VARCHAR(1000) NOT NULL, PRIMARY KEY(SHAPE, POS))");
            s.execute("CREATE TABLE IF NOT EXISTS " + KEYS + "(SHAPE INTEGER NOT NULL, POS INTEGER NOT NULL,"
                    + " NAME VARCHAR(1000) NOT NULL, PRIMARY KEY(SHAPE, POS))");
        }
    }

    static void drop(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS " + KEYS);
            s.execute("DROP TABLE IF EXISTS " + COLUMNS);
            s.execute("DROP TABLE IF EXISTS " + SHAPES);
        }
    }

    static boolean exists(Connection c, Dialect dialect) throws SQLException {
        return dialect.findTable(c, SHAPES) != null;
    }

    static Shapes load(Connection c) throws SQLException {
        Map<Integer, String> tables = new HashMap<>();
        Map<Integer, String> rowIds = new HashMap<>();
        Set<Integer> active = new HashSet<>();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT SHAPE, TBL, ROWID_COL, ACTIVE FROM " + SHAPES)) {
            while (rs.next()) {
                int id = rs.getInt(1);
                tables.put(id, rs.getString(2));
                rowIds.put(id, rs.getString(3));
                if (rs.getInt(4) != 0) {
                    active.add(id);
                }
            }
        }
        Map<Integer, List<CapturedColumn>> columns = new HashMap<>();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT SHAPE, NAME, TYPE FROM " + COLUMNS + " ORDER BY SHAPE, POS")) {
            while (rs.next()) {
                columns.computeIfAbsent(rs.getInt(1), k -> new ArrayList<>())
                        .add(new CapturedColumn(rs.getString(2), rs.getString(3)));
            }
        }
        Map<Integer, List<String>> keys = new HashMap<>();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT SHAPE, NAME FROM " + KEYS + " ORDER BY SHAPE, POS")) {
            while (rs.next()) {
                keys.computeIfAbsent(rs.getInt(1), k -> new ArrayList<>()).add(rs.getString(2));
            }
        }
        Map<Integer, TableShape> all = new HashMap<>();
        for (Map.Entry<Integer, String> e : tables.entrySet()) {
            int id = e.getKey();
            all.put(
                    id,
                    new TableShape(
                            id,
                            e.getValue(),
                            rowIds.get(id),
                            columns.getOrDefault(id, List.of()),
                            keys.getOrDefault(id, List.of())));
        }
        return new Shapes(all, active);
    }

    static int nextId(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT COALESCE(MAX(SHAPE), 0) + 1 FROM " + SHAPES)) {
            rs.next();
            return rs.getInt(1);
        }
    }

    static void add(Connection c, TableShape shape) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("INSERT INTO " + SHAPES + " VALUES (?, ?, ?, 1)")) {
            p.setInt(1, shape.id());
            p.setString(2, shape.table());
            p.setString(3, shape.rowIdColumn());
            p.executeUpdate();
        }
        try (PreparedStatement p = c.prepareStatement("INSERT INTO " + COLUMNS + " VALUES (?, ?, ?, ?)")) {
            int pos = 0;
            for (CapturedColumn col : shape.columns()) {
                p.setInt(1, shape.id());
                p.setInt(2, pos++);
                p.setString(3, col.name());
                p.setString(4, col.type());
                p.addBatch();
            }
            p.executeBatch();
        }
        try (PreparedStatement p = c.prepareStatement("INSERT INTO " + KEYS + " VALUES (?, ?, ?)")) {
            int pos = 0;
            for (String k : shape.key()) {
                p.setInt(1, shape.id());
                p.setInt(2, pos++);
                p.setString(3, k);
                p.addBatch();
            }
            if (pos > 0) {
                p.executeBatch();
            }
        }
    }

    /**
     * Tells whether a table had a shape before its active one.
     *
     * @param shapes the catalog's shapes
     * @param table the table as the database stores it
     * @return true if the catalog holds an inactive shape of it
     */
    static boolean hadEarlierShape(Shapes shapes, String table) {
        for (TableShape s : shapes.all().values()) {
            if (s.table().equals(table) && !shapes.active().contains(s.id())) {
                return true;
            }
        }
        return false;
    }

    static void deactivate(Connection c, String table) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("UPDATE " + SHAPES + " SET ACTIVE = 0 WHERE TBL = ?")) {
            p.setString(1, table);
            p.executeUpdate();
        }
    }
}
