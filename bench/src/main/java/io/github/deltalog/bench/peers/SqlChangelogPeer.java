package io.github.deltalog.bench.peers;

import io.github.deltalog.Delta;
import io.github.deltalog.DeltaOp;
import io.github.deltalog.Tuple;
import io.github.deltalog.bench.Workload;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.function.Consumer;

/**
 * The SQL peers: a trigger-maintained changelog table, in SQLite (sqlite-jdbc; WAL, {@code synchronous=NORMAL})
 * or in H2 (embedded file). Each workload table is a base table {@code (row_id PRIMARY KEY, c0, ..., cn)};
 * {@code AFTER INSERT/UPDATE/DELETE} row triggers write {@code changelog(tbl, ts, row_id, op, before_row,
 * after_row)}, indexed by {@code (tbl, ts, row_id)}, with the row images as JSON arrays ({@link PeerValues}).
 * One JDBC transaction per recorded transaction: it sets the one-row {@code txclock} table to the transaction's
 * timestamp (the triggers read it), then runs prepared INSERT/UPDATE/DELETE statements on the base tables.
 * A scan selects from the changelog by {@code tbl = ? AND ts > ? ORDER BY ts, row_id} and decodes every row; a
 * count is {@code SELECT COUNT(*)} with the same predicate.
 */
public final class SqlChangelogPeer implements Peer {
    /** The SQL engine. */
    public enum Dialect {
        /** SQLite through sqlite-jdbc, triggers in SQL. */
        SQLITE,
        /** H2 embedded, triggers as {@link H2ChangelogTrigger}. */
        H2
    }

    private static final long MICROS_PER_MILLI = 1000;

    private final Dialect dialect;
    private final Connection conn;
    private final Map<String, List<Class<?>>> schemas;
    private final Map<String, BaseTable> tables = new HashMap<>();
    private final PreparedStatement setClock;
    private final PreparedStatement scan;
    private final PreparedStatement count;
    private long clock;

    private record BaseTable(PreparedStatement insert, PreparedStatement update, PreparedStatement delete) {}

    /**
     * Opens (creating when absent) a peer database in a folder.
     *
     * @param dialect the engine
     * @param folder the folder holding its files
     * @param schemas the workload's tables and their column types
     * @return the peer
     */
    public static SqlChangelogPeer open(Dialect dialect, Path folder, Map<String, List<Class<?>>> schemas) {
        try {
            return new SqlChangelogPeer(dialect, folder, schemas);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot open the " + dialect + " peer in " + folder, e);
        }
    }

    private SqlChangelogPeer(Dialect dialect, Path folder, Map<String, List<Class<?>>> schemas) throws SQLException {
        this.dialect = dialect;
        this.schemas = schemas;
        if (dialect == Dialect.SQLITE) {
            conn = DriverManager.getConnection("jdbc:sqlite:" + folder.resolve("changelog.sqlite"));
            try (Statement st = conn.createStatement()) {
                st.execute("PRAGMA journal_mode=WAL");
                st.execute("PRAGMA synchronous=NORMAL");
            }
        } else {
            conn = DriverManager.getConnection(
                    "jdbc:h2:file:" + folder.resolve("changelog").toAbsolutePath());
        }
        createSchema();
        conn.setAutoCommit(false);
        for (Map.Entry<String, List<Class<?>>> e : schemas.entrySet()) {
            tables.put(e.getKey(), prepareBaseTable(e.getKey(), e.getValue().size()));
        }
        setClock = conn.prepareStatement("UPDATE txclock SET ts = ? WHERE id = 0");
        scan = conn.prepareStatement("SELECT ts, row_id, op, before_row, after_row FROM changelog"
                + " WHERE tbl = ? AND ts > ? ORDER BY ts, row_id");
        count = conn.prepareStatement("SELECT COUNT(*) FROM changelog WHERE tbl = ? AND ts > ?");
        try (Statement st = conn.createStatement();
                ResultSet rs = st.executeQuery("SELECT MAX(ts) FROM changelog")) {
            rs.next();
            clock = rs.getLong(1);
        }
        conn.commit();
    }

    private void createSchema() throws SQLException {
        boolean sqlite = dialect == Dialect.SQLITE;
        String integer = sqlite ? "INTEGER" : "BIGINT";
        String text = sqlite ? "TEXT" : "VARCHAR";
        try (Statement st = conn.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS txclock (id INTEGER PRIMARY KEY, ts " + integer + " NOT NULL)");
            st.execute(
                    sqlite
                            ? "INSERT OR IGNORE INTO txclock VALUES (0, 0)"
                            : "MERGE INTO txclock KEY (id) VALUES (0, 0)");
            st.execute("CREATE TABLE IF NOT EXISTS changelog (tbl " + text + " NOT NULL, ts " + integer
                    + " NOT NULL, row_id " + integer + " NOT NULL, op " + text + " NOT NULL, before_row " + text
                    + ", after_row " + text + ")");
            st.execute("CREATE INDEX IF NOT EXISTS changelog_pos ON changelog (tbl, ts, row_id)");
            for (Map.Entry<String, List<Class<?>>> e : schemas.entrySet()) {
                String table = quote(e.getKey());
                StringJoiner columns = new StringJoiner(", ", "(row_id " + integer + " PRIMARY KEY, ", ")");
                List<Class<?>> types = e.getValue();
                for (int c = 0; c < types.size(); c++) {
                    columns.add("c" + c + " " + sqlType(PeerValues.kind(types.get(c))));
                }
                st.execute("CREATE TABLE IF NOT EXISTS " + table + " " + columns);
                if (sqlite) {
                    createSqliteTriggers(st, e.getKey(), types.size());
                } else {
                    st.execute("CREATE TRIGGER IF NOT EXISTS " + quote(e.getKey() + "_changes")
                            + " AFTER INSERT, UPDATE, DELETE ON " + table + " FOR EACH ROW CALL '"
                            + H2ChangelogTrigger.class.getName() + "'");
                }
            }
        }
    }

    private static void createSqliteTriggers(Statement st, String table, int columns) throws SQLException {
        String insert = "INSERT INTO changelog (tbl, ts, row_id, op, before_row, after_row) VALUES (" + literal(table)
                + ", (SELECT ts FROM txclock WHERE id = 0), ";
        String q = quote(table);
        st.execute("CREATE TRIGGER IF NOT EXISTS " + quote(table + "_ins") + " AFTER INSERT ON " + q + " BEGIN "
                + insert + "NEW.row_id, 'I', NULL, " + jsonArray("NEW", columns) + "); END");
        st.execute("CREATE TRIGGER IF NOT EXISTS " + quote(table + "_upd") + " AFTER UPDATE ON " + q + " BEGIN "
                + insert + "NEW.row_id, 'U', " + jsonArray("OLD", columns) + ", " + jsonArray("NEW", columns)
                + "); END");
        st.execute("CREATE TRIGGER IF NOT EXISTS " + quote(table + "_del") + " AFTER DELETE ON " + q + " BEGIN "
                + insert + "OLD.row_id, 'D', " + jsonArray("OLD", columns) + ", NULL); END");
    }

    private static String jsonArray(String row, int columns) {
        StringJoiner j = new StringJoiner(", ", "json_array(", ")");
        for (int c = 0; c < columns; c++) {
            j.add(row + ".c" + c);
        }
        return j.toString();
    }

    private String sqlType(PeerValues.SqlKind kind) {
        boolean sqlite = dialect == Dialect.SQLITE;
        return switch (kind) {
            case INTEGER -> sqlite ? "INTEGER" : "BIGINT";
            case REAL -> sqlite ? "REAL" : "DOUBLE PRECISION";
            case TEXT -> sqlite ? "TEXT" : "VARCHAR";
        };
    }

    private BaseTable prepareBaseTable(String table, int columns) throws SQLException {
        String q = quote(table);
        StringJoiner marks = new StringJoiner(", ", "(?, ", ")");
        StringJoiner sets = new StringJoiner(", ");
        for (int c = 0; c < columns; c++) {
            marks.add("?");
            sets.add("c" + c + " = ?");
        }
        return new BaseTable(
                conn.prepareStatement("INSERT INTO " + q + " VALUES " + marks),
                conn.prepareStatement("UPDATE " + q + " SET " + sets + " WHERE row_id = ?"),
                conn.prepareStatement("DELETE FROM " + q + " WHERE row_id = ?"));
    }

    private static String quote(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }

    private static String literal(String s) {
        return "'" + s.replace("'", "''") + "'";
    }

    @Override
    public long record(Workload.Transaction tx, long rowShift) {
        long ts = Math.max(clock + 1, System.currentTimeMillis() * MICROS_PER_MILLI);
        clock = ts;
        String[] names = tx.tables();
        long[] rowIds = tx.rowIds();
        DeltaOp[] ops = tx.ops();
        try {
            setClock.setLong(1, ts);
            setClock.executeUpdate();
            for (int i = 0; i < ops.length; i++) {
                BaseTable t = tables.get(names[i]);
                long rowId = rowIds[i] + rowShift;
                DeltaOp op = ops[i];
                if (op instanceof DeltaOp.Insert ins) {
                    t.insert.setLong(1, rowId);
                    bind(t.insert, 2, ins.after());
                    t.insert.executeUpdate();
                } else if (op instanceof DeltaOp.Update u) {
                    int next = bind(t.update, 1, u.after());
                    t.update.setLong(next, rowId);
                    t.update.executeUpdate();
                } else {
                    t.delete.setLong(1, rowId);
                    t.delete.executeUpdate();
                }
            }
            conn.commit();
        } catch (SQLException e) {
            throw new IllegalStateException(dialect + " peer: cannot record a transaction", e);
        }
        return ts;
    }

    private static int bind(PreparedStatement ps, int first, Tuple row) throws SQLException {
        int p = first;
        for (int c = 0; c < row.size(); c++) {
            ps.setObject(p++, PeerValues.toSql(row.get(c)));
        }
        return p;
    }

    @Override
    public long afterLast(String table, long range) {
        String sql = "SELECT ts FROM changelog WHERE tbl = ? ORDER BY ts DESC, row_id DESC LIMIT 1 OFFSET ?";
        try (PreparedStatement ps = conn.prepareStatement(sql)) {
            ps.setString(1, table);
            ps.setLong(2, range);
            try (ResultSet rs = ps.executeQuery()) {
                long after = rs.next() ? rs.getLong(1) : 0;
                conn.commit();
                return after;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(dialect + " peer: cannot find the position", e);
        }
    }

    @Override
    public long scan(String table, long after, Consumer<? super Delta> sink) {
        List<Class<?>> types = schemas.get(table);
        long n = 0;
        try {
            scan.setString(1, table);
            scan.setLong(2, after);
            try (ResultSet rs = scan.executeQuery()) {
                while (rs.next()) {
                    long ts = rs.getLong(1);
                    long rowId = rs.getLong(2);
                    String op = rs.getString(3);
                    Tuple before = PeerValues.tuple(rs.getString(4), types);
                    Tuple after2 = PeerValues.tuple(rs.getString(5), types);
                    sink.accept(new Delta(table, rowId, ts, op(op, before, after2)));
                    n++;
                }
            }
            conn.commit();
        } catch (SQLException e) {
            throw new IllegalStateException(dialect + " peer: cannot scan " + table, e);
        }
        return n;
    }

    static DeltaOp op(String op, Tuple before, Tuple after) {
        return switch (op) {
            case "I" -> new DeltaOp.Insert(after);
            case "U" -> new DeltaOp.Update(before, after);
            case "D" -> new DeltaOp.Delete(before);
            default -> throw new IllegalStateException("unknown change kind " + op);
        };
    }

    @Override
    public long count(String table, long after) {
        try {
            count.setString(1, table);
            count.setLong(2, after);
            try (ResultSet rs = count.executeQuery()) {
                rs.next();
                long n = rs.getLong(1);
                conn.commit();
                return n;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(dialect + " peer: cannot count " + table, e);
        }
    }

    @Override
    public void close() {
        try {
            conn.close();
        } catch (SQLException e) {
            throw new IllegalStateException(dialect + " peer: cannot close", e);
        }
    }
}
