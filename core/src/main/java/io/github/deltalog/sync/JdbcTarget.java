package io.github.deltalog.sync;

import io.github.deltalog.DeltaLogException;
import io.github.deltalog.Tuple;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A target in SQL tables over JDBC (tested with H2 and SQLite), using the connection's own transaction: an apply
 * is one database transaction that commits all of its writes or rolls back. A write the database refuses with an
 * integrity-constraint error (SQLState class 23, or SQLite's {@code SQLITE_CONSTRAINT}) is a {@link
 * ConflictType#CONSTRAINT} conflict, or a {@link ConflictType#FOREIGN_KEY} one when a foreign key refused it; the
 * databases tested keep the transaction usable after such a statement.
 * Uses {@code java.sql} only: the driver is the application's. One statement per read and write (prepared once
 * per transaction and table). Not thread-safe: the connection belongs to the target while an apply runs.
 */
public final class JdbcTarget implements ApplyTarget {
    private static final int SQLITE_CONSTRAINT = 19;
    private static final int SQLITE_CONSTRAINT_FOREIGNKEY = 787;

    private final Connection connection;
    private final Map<String, JdbcTable> tables = new HashMap<>();

    /**
     * Creates the target.
     *
     * @param connection an open connection; its auto-commit is switched off during an apply and restored after
     * @param tables the mapping of every table changes may touch
     */
    public JdbcTarget(Connection connection, List<JdbcTable> tables) {
        this.connection = Objects.requireNonNull(connection, "connection");
        for (JdbcTable t : tables) {
            this.tables.put(t.table(), t);
        }
    }

    @Override
    public Transaction begin() {
        try {
            return new JdbcTransaction();
        } catch (SQLException e) {
            throw new DeltaLogException("cannot start a JDBC transaction: " + e.getMessage(), e);
        }
    }

    private JdbcTable table(String name) {
        JdbcTable t = tables.get(name);
        if (t == null) {
            throw new IllegalArgumentException("the JDBC target has no mapping for table '" + name + "'");
        }
        return t;
    }

    private final class JdbcTransaction implements Transaction {
        private final boolean autoCommit;
        private final Map<String, PreparedStatement> statements = new HashMap<>();
        private boolean done;

        JdbcTransaction() throws SQLException {
            autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(false);
        }

        @Override
        public Tuple read(String tableName, long rowId) {
            JdbcTable t = table(tableName);
            try {
                PreparedStatement s = statement("select", t);
                s.setLong(1, rowId);
                try (ResultSet rs = s.executeQuery()) {
                    if (!rs.next()) {
                        return null;
                    }
                    Object[] values = new Object[t.columns().size()];
                    JdbcTable.ValueMapping mapping = t.mapping();
                    for (int i = 0; i < values.length; i++) {
                        values[i] = mapping == null ? value(rs, i + 1, t.types().get(i)) : mapping.read(rs, i + 1, i);
                    }
                    return Tuple.of(values);
                }
            } catch (SQLException e) {
                throw failure("read", t, rowId, e);
            }
        }

        @Override
        public void insert(String tableName, long rowId, Tuple row) {
            write("insert", table(tableName), rowId, row);
        }

        @Override
        public void update(String tableName, long rowId, Tuple row) {
            write("update", table(tableName), rowId, row);
        }

        @Override
        public void delete(String tableName, long rowId) {
            write("delete", table(tableName), rowId, null);
        }

        private void write(String kind, JdbcTable t, long rowId, Tuple row) {
            try {
                PreparedStatement s = statement(kind, t);
                int p = 1;
                if (row != null) {
                    checkWidth(t, rowId, row);
                    if (kind.equals("insert") && !t.idInColumns()) {
                        s.setLong(p++, rowId);
                    }
                    JdbcTable.ValueMapping mapping = t.mapping();
                    for (int i = 0; i < row.size(); i++) {
                        Object v = row.get(i);
                        bind(s, p++, mapping == null || v == null ? v : mapping.toDatabase(i, v));
                    }
                }
                if (!kind.equals("insert")) {
                    s.setLong(p, rowId);
                }
                s.executeUpdate();
            } catch (SQLException e) {
                if (isConstraint(e)) {
                    throw new TargetConstraintException(
                            "table '" + t.sqlTable() + "' row " + rowId + " refused: " + e.getMessage(),
                            isForeignKey(e),
                            e);
                }
                throw failure(kind, t, rowId, e);
            }
        }

        private PreparedStatement statement(String kind, JdbcTable t) throws SQLException {
            String key = kind + '\0' + t.table();
            PreparedStatement s = statements.get(key);
            if (s == null) {
                s = connection.prepareStatement(sql(kind, t));
                statements.put(key, s);
            }
            return s;
        }

        @Override
        public void commit() {
            try {
                done = true;
                connection.commit();
            } catch (SQLException e) {
                throw new DeltaLogException("JDBC commit failed, nothing was applied: " + e.getMessage(), e);
            }
        }

        @Override
        public void close() {
            try {
                for (PreparedStatement s : statements.values()) {
                    s.close();
                }
                statements.clear();
                if (!done) {
                    done = true;
                    connection.rollback();
                }
                connection.setAutoCommit(autoCommit);
            } catch (SQLException e) {
                throw new DeltaLogException("JDBC rollback failed: " + e.getMessage(), e);
            }
        }
    }

    private static String sql(String kind, JdbcTable t) {
        String table = JdbcTable.quote(t.sqlTable());
        String id = JdbcTable.quote(t.idColumn());
        StringBuilder cols = new StringBuilder();
        StringBuilder marks = new StringBuilder();
        StringBuilder sets = new StringBuilder();
        for (String c : t.columns()) {
            String sep = cols.length() == 0 ? "" : ", ";
            cols.append(sep).append(JdbcTable.quote(c));
            marks.append(sep).append('?');
            sets.append(sep).append(JdbcTable.quote(c)).append(" = ?");
        }
        switch (kind) {
            case "select":
                return "SELECT " + cols + " FROM " + table + " WHERE " + id + " = ?";
            case "insert":
                return t.idInColumns()
                        ? "INSERT INTO " + table + " (" + cols + ") VALUES (" + marks + ")"
                        : "INSERT INTO " + table + " (" + id + ", " + cols + ") VALUES (?, " + marks + ")";
            case "update":
                return "UPDATE " + table + " SET " + sets + " WHERE " + id + " = ?";
            default:
                return "DELETE FROM " + table + " WHERE " + id + " = ?";
        }
    }

    private static void checkWidth(JdbcTable t, long rowId, Tuple row) {
        if (row.size() != t.columns().size()) {
            throw new IllegalArgumentException("table '" + t.table() + "' row " + rowId + ": the image has "
                    + row.size() + " values, the mapping has " + t.columns().size() + " columns");
        }
    }

    private static void bind(PreparedStatement s, int index, Object v) throws SQLException {
        if (v instanceof byte[] b) {
            s.setBytes(index, b);
        } else {
            s.setObject(index, v);
        }
    }

    private static Object value(ResultSet rs, int index, Class<?> type) throws SQLException {
        Object v;
        if (type == Long.class) {
            v = rs.getLong(index);
        } else if (type == Integer.class) {
            v = rs.getInt(index);
        } else if (type == Short.class) {
            v = rs.getShort(index);
        } else if (type == Byte.class) {
            v = rs.getByte(index);
        } else if (type == Double.class) {
            v = rs.getDouble(index);
        } else if (type == Float.class) {
            v = rs.getFloat(index);
        } else if (type == String.class) {
            v = rs.getString(index);
        } else if (type == byte[].class) {
            v = rs.getBytes(index);
        } else if (type == Boolean.class) {
            v = rs.getBoolean(index);
        } else if (type == BigDecimal.class) {
            v = rs.getBigDecimal(index);
        } else {
            // Not getObject(int, Class): Android's java.sql lacks it.
            v = rs.getObject(index);
            if (v != null && !type.isInstance(v)) {
                throw new IllegalArgumentException("column " + index + " reads as a "
                        + v.getClass().getName() + ", not the mapped " + type.getName());
            }
        }
        return rs.wasNull() ? null : v;
    }

    private static boolean isConstraint(SQLException e) {
        String state = e.getSQLState();
        return e instanceof SQLIntegrityConstraintViolationException
                || (state != null && state.startsWith("23"))
                || (e.getErrorCode() & 0xff) == SQLITE_CONSTRAINT;
    }

    /**
     * SQLState 23503 (H2, PostgreSQL: parent missing) or 23506 (H2: child rows exist), or SQLite's extended code
     * {@code SQLITE_CONSTRAINT_FOREIGNKEY}; SQLite drivers that report only the primary code say it in the message.
     */
    private static boolean isForeignKey(SQLException e) {
        String state = e.getSQLState();
        String message = e.getMessage();
        return "23503".equals(state)
                || "23506".equals(state)
                || e.getErrorCode() == SQLITE_CONSTRAINT_FOREIGNKEY
                || (message != null && message.contains("FOREIGN KEY constraint failed"));
    }

    private static DeltaLogException failure(String what, JdbcTable t, long rowId, SQLException e) {
        return new DeltaLogException(
                "JDBC " + what + " of table '" + t.sqlTable() + "' row " + rowId + " failed: " + e.getMessage(), e);
    }
}
