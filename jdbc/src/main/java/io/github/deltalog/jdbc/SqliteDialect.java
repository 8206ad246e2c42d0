package io.github.deltalog.jdbc;

import io.github.deltalog.ColumnType;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.sqlite.Function;
import org.sqlite.SQLiteCommitListener;
import org.sqlite.SQLiteConnection;

/**
 * SQLite (sqlite-jdbc): three SQL triggers per table copy {@code OLD} and {@code NEW} column by column into
 * untyped outbox columns {@code C0, C1...} (before image first, then after image), so every value keeps the
 * storage class SQLite returned. SQLite runs one writer at a time, so outbox ids follow commit order.
 *
 * <p>SQL alone cannot tell one transaction from the next, so the triggers call {@code deltalog_tx()}: a function
 * each writing connection registers with {@link Capture#enlist} that returns a random 63-bit key, kept until that
 * connection's next commit or rollback. A connection that was not enlisted cannot write to a captured table
 * ("no such function: deltalog_tx"): a loud failure rather than changes without their transaction.
 */
final class SqliteDialect implements Dialect {
    private static final int FIXED_COLUMNS = 6;

    /** Per shape, how its values are conformed: the shapes of one relay pass are the same instances. */
    private final Map<TableShape, Conformance> conformanceByShape = new IdentityHashMap<>();

    @Override
    public String name() {
        return "SQLite";
    }

    @Override
    public void createOutbox(Connection c) throws SQLException {
        // No AUTOINCREMENT: it writes sqlite_sequence on every insert, one more page per captured transaction. A new
        // id is one above the largest present, so ids still follow write order among the rows the outbox holds;
        // an id can come back once the relay deleted its row, but the relay finds moved rows by id range and
        // transaction key, and keys are random 63-bit values. (Outboxes created with AUTOINCREMENT keep it.)
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS " + OUTBOX + "(ID INTEGER PRIMARY KEY,"
                    + " TX INTEGER NOT NULL, SHAPE INTEGER NOT NULL, OP INTEGER NOT NULL, OLD_RID INTEGER,"
                    + " NEW_RID INTEGER)");
        }
    }

    @Override
    public void dropOutbox(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS " + OUTBOX);
        }
    }

    /**
     * One writer at a time holds the database from its first write to its commit, and a new outbox id is above
     * every id present, so a committed transaction's rows are consecutive.
     */
    @Override
    public boolean transactionsContiguous() {
        return true;
    }

    /**
     * Empties the outbox with a {@code DELETE} without {@code WHERE} (SQLite then drops the table's pages at once
     * instead of visiting each row, as long as the outbox has no triggers) when it holds exactly the rows just moved.
     * The check and the delete run in one {@code BEGIN IMMEDIATE} transaction: it holds SQLite's single write lock,
     * so no writer adds a row between them, and a count, smallest and largest id equal to the moved rows' (all still
     * present: only the relay deletes) mean nothing else is there. The lock is only tried ({@code busy_timeout} 0
     * for the attempt, then restored): while an application transaction writes, this returns false at once rather
     * than wait, and the caller deletes by id.
     */
    @Override
    public boolean clearIfOnly(Connection c, int rows, long minId, long maxId) throws SQLException {
        SQLiteConnection sqlite = c.unwrap(SQLiteConnection.class);
        try (Statement s = c.createStatement()) {
            int timeout = sqlite.getBusyTimeout();
            sqlite.setBusyTimeout(0);
            try {
                s.execute("BEGIN IMMEDIATE");
            } catch (SQLException e) {
                // SQLITE_BUSY (5) or SQLITE_LOCKED (6): a writer holds the database; anything else is a real failure.
                int code = e.getErrorCode() & 0xff;
                if (code != 5 && code != 6) {
                    throw e;
                }
                return false;
            } finally {
                sqlite.setBusyTimeout(timeout);
            }
            try {
                boolean only;
                try (ResultSet rs = s.executeQuery("SELECT COUNT(*), MIN(ID), MAX(ID) FROM " + OUTBOX)) {
                    rs.next();
                    only = rs.getLong(1) == rows && rs.getLong(2) == minId && rs.getLong(3) == maxId;
                }
                if (only) {
                    s.executeUpdate("DELETE FROM " + OUTBOX);
                }
                s.execute("COMMIT");
                return only;
            } catch (SQLException | RuntimeException e) {
                s.execute("ROLLBACK");
                throw e;
            }
        }
    }

    @Override
    public Object schemaToken(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("PRAGMA schema_version")) {
            return rs.next() ? rs.getLong(1) : null;
        }
    }

    /**
     * Reads the columns with their declared types in full ({@code DECIMAL(10,2)}, where the driver's metadata says
     * {@code DECIMAL}): the affinity rules and a decimal's scale need them.
     */
    @Override
    public List<CapturedColumn> columns(Connection c, String table) throws SQLException {
        List<CapturedColumn> columns = new ArrayList<>();
        try (PreparedStatement p = c.prepareStatement("SELECT name, type FROM pragma_table_info(?) ORDER BY cid")) {
            p.setString(1, table);
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    String type = rs.getString(2);
                    columns.add(new CapturedColumn(
                            rs.getString(1), type == null ? "" : type.trim().toUpperCase(Locale.ROOT)));
                }
            }
        }
        return columns;
    }

    /**
     * Maps a declared type by SQLite's affinity rules (section 3.1 of its datatype documentation): BOOLEAN or
     * BOOL to BOOLEAN (0 and 1); INT in the name to LONG; CHAR, CLOB or TEXT to STRING; BLOB or no type to BYTES;
     * REAL, FLOA or DOUB to DOUBLE; DECIMAL or NUMERIC to DECIMAL; any other name (DATE, DATETIME, TIMESTAMP, UUID,
     * ...) to STRING, since SQLite keeps such values as text. Every declared type has a log type.
     */
    @Override
    public ColumnType logType(CapturedColumn column) {
        return affinity(column.type());
    }

    static ColumnType affinity(String declared) {
        String t = declared.toUpperCase(Locale.ROOT);
        if (t.equals("BOOLEAN") || t.equals("BOOL")) {
            return ColumnType.BOOLEAN;
        }
        if (t.contains("INT")) {
            return ColumnType.LONG;
        }
        if (t.contains("CHAR") || t.contains("CLOB") || t.contains("TEXT")) {
            return ColumnType.STRING;
        }
        if (t.contains("BLOB") || t.isEmpty()) {
            return ColumnType.BYTES;
        }
        if (t.contains("REAL") || t.contains("FLOA") || t.contains("DOUB")) {
            return ColumnType.DOUBLE;
        }
        if (t.startsWith("DECIMAL") || t.startsWith("NUMERIC")) {
            return ColumnType.DECIMAL;
        }
        return ColumnType.STRING;
    }

    @Override
    public String rowIdColumn(Connection c, String table, List<CapturedColumn> columns) throws SQLException {
        List<String> key = primaryKey(c, table);
        String integerKey = null;
        if (key.size() == 1) {
            for (CapturedColumn col : columns) {
                if (col.name().equals(key.get(0)) && col.type().equals("INTEGER")) {
                    integerKey = col.name();
                }
            }
        }
        boolean withoutRowId;
        try (PreparedStatement p =
                c.prepareStatement("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?")) {
            p.setString(1, table);
            try (ResultSet rs = p.executeQuery()) {
                withoutRowId = rs.next()
                        && rs.getString(1)
                                .toUpperCase(Locale.ROOT)
                                .replaceAll("\\s+", " ")
                                .contains("WITHOUT ROWID");
            }
        }
        if (integerKey != null) {
            return integerKey;
        }
        boolean shadowed = columns.stream().anyMatch(col -> col.name().equalsIgnoreCase("rowid"));
        if (withoutRowId || shadowed) {
            throw new CaptureException("table " + table + " has no usable row id: it is "
                    + (withoutRowId ? "a WITHOUT ROWID table" : "a table whose column 'rowid' hides the row id")
                    + " and has no single INTEGER primary key (its key is " + key + ")");
        }
        return null;
    }

    @Override
    public void createTriggers(Connection c, TableShape shape) throws SQLException {
        int n = shape.columns().size();
        widenOutbox(c, 2 * n);
        String rid = shape.rowIdColumn() == null ? "rowid" : H2Dialect.quote(shape.rowIdColumn());
        StringBuilder before = new StringBuilder();
        StringBuilder after = new StringBuilder();
        StringBuilder oldValues = new StringBuilder();
        StringBuilder newValues = new StringBuilder();
        for (int i = 0; i < n; i++) {
            String col = H2Dialect.quote(shape.columns().get(i).name());
            before.append(", C").append(i);
            after.append(", C").append(n + i);
            oldValues.append(", OLD.").append(col);
            newValues.append(", NEW.").append(col);
        }
        String table = H2Dialect.quote(shape.table());
        String insert = "INSERT INTO " + OUTBOX + "(TX, SHAPE, OP, OLD_RID, NEW_RID";
        String head = " VALUES (deltalog_tx(), " + shape.id() + ", ";
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TRIGGER " + triggerName(shape, 'i') + " AFTER INSERT ON " + table + " BEGIN " + insert
                    + after + ")" + head + "1, NULL, NEW." + rid + newValues + "); END");
            s.execute("CREATE TRIGGER " + triggerName(shape, 'u') + " AFTER UPDATE ON " + table + " BEGIN " + insert
                    + before + after + ")" + head + "2, OLD." + rid + ", NEW." + rid + oldValues + newValues
                    + "); END");
            s.execute("CREATE TRIGGER " + triggerName(shape, 'd') + " AFTER DELETE ON " + table + " BEGIN " + insert
                    + before + ")" + head + "3, OLD." + rid + ", NULL" + oldValues + "); END");
        }
    }

    private static String triggerName(TableShape shape, char op) {
        return "deltalog_s" + shape.id() + "_" + op;
    }

    private static void widenOutbox(Connection c, int imageColumns) throws SQLException {
        int have;
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM pragma_table_info('" + OUTBOX + "')")) {
            rs.next();
            have = rs.getInt(1) - FIXED_COLUMNS;
        }
        try (Statement s = c.createStatement()) {
            for (int i = have; i < imageColumns; i++) {
                s.execute("ALTER TABLE " + OUTBOX + " ADD COLUMN C" + i);
            }
        }
    }

    @Override
    public void dropTriggers(Connection c, String table) throws SQLException {
        List<String> names = new ArrayList<>();
        try (PreparedStatement p = c.prepareStatement(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ? AND name LIKE 'deltalog\\_s%' ESCAPE '\\'")) {
            p.setString(1, table);
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
        }
        try (Statement s = c.createStatement()) {
            for (String n : names) {
                s.execute("DROP TRIGGER IF EXISTS " + H2Dialect.quote(n));
            }
        }
    }

    @Override
    public boolean triggersPresent(Connection c, TableShape shape) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(
                "SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ? AND name IN (?, ?, ?)")) {
            p.setString(1, shape.table());
            p.setString(2, triggerName(shape, 'i'));
            p.setString(3, triggerName(shape, 'u'));
            p.setString(4, triggerName(shape, 'd'));
            try (ResultSet rs = p.executeQuery()) {
                return rs.next() && rs.getInt(1) == 3;
            }
        }
    }

    @Override
    public Object[][] readImages(ResultSet rs, int first, TableShape shape) throws SQLException {
        int op = rs.getInt(4);
        Conformance conformance = conformanceByShape.get(shape);
        if (conformance == null) {
            conformance = new Conformance(shape, this);
            conformanceByShape.put(shape, conformance);
        }
        int n = conformance.types.length;
        Object[] before = op == 1 ? null : read(rs, shape, conformance, first);
        Object[] after = op == 3 ? null : read(rs, shape, conformance, first + n);
        return new Object[][] {before, after};
    }

    /** The log type and declared decimal scale of each column of a shape. */
    private static final class Conformance {
        final ColumnType[] types;
        final int[] scales;

        Conformance(TableShape shape, Dialect dialect) {
            int n = shape.columns().size();
            types = new ColumnType[n];
            scales = new int[n];
            for (int i = 0; i < n; i++) {
                types[i] = dialect.logType(shape.columns().get(i));
                scales[i] =
                        ValueConversions.declaredScale(shape.columns().get(i).type());
            }
        }
    }

    private static Object[] read(ResultSet rs, TableShape shape, Conformance conformance, int first)
            throws SQLException {
        ColumnType[] types = conformance.types;
        int n = types.length;
        Object[] values = new Object[n];
        for (int i = 0; i < n; i++) {
            Object v = rs.getObject(first + i);
            if (v != null) {
                Object conformed = ValueConversions.conform(v, types[i], conformance.scales[i]);
                if (conformed == null) {
                    throw new CaptureException("outbox row " + rs.getLong(1) + " of table " + shape.table()
                            + ": column " + shape.columns().get(i).name() + " (declared "
                            + shape.columns().get(i).type() + ", captured as " + types[i] + ") holds "
                            + ValueConversions.describe(v) + ", which has no lossless " + types[i]
                            + " form; fix the value in the table and delete that outbox row, or declare the"
                            + " column's type for what it holds");
                }
                v = conformed;
            }
            values[i] = v;
        }
        return values;
    }

    @Override
    public void enlist(Connection c, Runnable onCommit) throws SQLException {
        TransactionKey key = new TransactionKey();
        Function.create(c, "deltalog_tx", key);
        c.unwrap(SQLiteConnection.class).addCommitListener(new SQLiteCommitListener() {
            @Override
            public void onCommit() {
                key.current = 0;
                onCommit.run();
            }

            @Override
            public void onRollback() {
                key.current = 0;
            }
        });
    }

    /** {@code deltalog_tx()}: one random key per transaction of the connection it is registered on. */
    private static final class TransactionKey extends Function {
        private long current;

        @Override
        protected void xFunc() throws SQLException {
            if (current == 0) {
                current = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
            }
            result(current);
        }
    }
}
