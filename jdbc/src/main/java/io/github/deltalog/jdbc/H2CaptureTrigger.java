package io.github.deltalog.jdbc;

import io.github.deltalog.ColumnType;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.h2.api.Trigger;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.tx.Transaction;

/**
 * The H2 row trigger that captures a table's changes into the outbox, inside the writing transaction. Installed by
 * {@link Capture#install}, not meant to be used directly (H2 instantiates it by name, hence public). The trigger's
 * name carries the shape id, the column count and the row id column's position, so a table whose column count
 * changed (ALTER TABLE) makes the write fail with a message naming the table, rather than capture a row of
 * another shape; a column whose type changed is caught by the class of its values, checked against the shape's
 * log types (read from the catalog at the first write).
 *
 * <p>The transaction key is H2's {@code TRANSACTION_ID()} (unique among open transactions) joined with
 * {@code CURRENT_TIMESTAMP(9)} (fixed at the transaction's start in H2), so keys stay distinct across restarts. In an
 * embedded database the trigger builds the same string once per transaction, from the session's transaction
 * ({@code getSequenceNum()} is what {@code TRANSACTION_ID()} returns) and {@code currentTimestamp()}: formatting it
 * in SQL for every row was a quarter of the trigger's time.
 */
public final class H2CaptureTrigger implements Trigger {
    private static final H2Dialect H2_TYPES = new H2Dialect();
    private static final Pattern NAME = Pattern.compile(".*DELTALOG_S(\\d+)_N(\\d+)_K(\\d+)$");
    private static final String INSERT = "INSERT INTO " + Dialect.OUTBOX
            + "(TX, SHAPE, OP, OLD_RID, NEW_RID, OLD_IMG, NEW_IMG)"
            + " VALUES (TRANSACTION_ID() || '@' || CURRENT_TIMESTAMP(9), ?, ?, ?, ?, ?, ?)";
    /** {@link #INSERT} with the transaction key as the last parameter (the other six are numbered alike). */
    private static final String INSERT_KEYED = "INSERT INTO " + Dialect.OUTBOX
            + "(SHAPE, OP, OLD_RID, NEW_RID, OLD_IMG, NEW_IMG, TX) VALUES (?, ?, ?, ?, ?, ?, ?)";

    /**
     * The outbox INSERT prepared for the session that last fired a capture trigger on this thread. H2 hands each
     * fire a new connection object over the firing session, so a statement can only be kept per session; preparing
     * it per row showed in profiles. Holds at most one session per thread after that session closed.
     */
    private static final ThreadLocal<SessionInsert> INSERTS = new ThreadLocal<>();

    /** A session, the outbox INSERT prepared on it, its transaction at the last fire and that one's key. */
    private record SessionInsert(SessionLocal session, PreparedStatement insert, Transaction transaction, String key) {}

    private String table;
    private int shape;
    private int columns;
    private int rowId;
    /** The shape's column names and value classes, loaded at the first write (the catalog holds them). */
    private volatile String[] names;

    private volatile Class<?>[] classes;

    /** Creates the trigger; H2 calls it. */
    public H2CaptureTrigger() {}

    static String name(TableShape shape) {
        return "DELTALOG_S" + shape.id() + "_N" + shape.columns().size() + "_K" + shape.rowIdIndex();
    }

    /**
     * Reads the shape from the trigger's name.
     *
     * @throws SQLException if the name is not one {@link Capture#install} gives
     */
    @Override
    public void init(Connection conn, String schemaName, String triggerName, String tableName, boolean before, int type)
            throws SQLException {
        Matcher m = NAME.matcher(triggerName);
        if (!m.matches()) {
            throw new SQLException("not a deltalog capture trigger name: " + triggerName);
        }
        // After ALTER TABLE, H2 initialises the trigger on its working copy, named <table>_COPY_<n>_<m>.
        table = tableName.replaceFirst("_COPY_\\d+_\\d+$", "");
        shape = Integer.parseInt(m.group(1));
        columns = Integer.parseInt(m.group(2));
        rowId = Integer.parseInt(m.group(3));
    }

    /**
     * Writes one outbox row for the change.
     *
     * @throws SQLException if the table's shape changed since install, or a value has no log type (the
     *     application's statement fails, nothing is written)
     */
    @Override
    public void fire(Connection conn, Object[] oldRow, Object[] newRow) throws SQLException {
        Object[] row = newRow != null ? newRow : oldRow;
        if (row.length != columns) {
            throw new SQLException("deltalog capture: table " + table + " now has " + row.length
                    + " columns, capture was installed for " + columns
                    + "; run capture install for the table again (or uninstall it)");
        }
        if (classes == null) {
            loadShape(conn);
        }
        int op = oldRow == null ? 1 : newRow == null ? 3 : 2;
        if (!(conn instanceof JdbcConnection j) || !(j.getSession() instanceof SessionLocal session)) {
            try (PreparedStatement p = conn.prepareStatement(INSERT)) {
                insert(p, op, oldRow, newRow);
                p.executeUpdate();
            }
            return;
        }
        SessionInsert cached = INSERTS.get();
        Transaction transaction = session.getTransaction();
        if (cached == null || cached.session() != session || cached.insert().isClosed()) {
            cached = new SessionInsert(session, conn.prepareStatement(INSERT_KEYED), transaction, key(session));
            INSERTS.set(cached);
        } else if (cached.transaction() != transaction) {
            cached = new SessionInsert(session, cached.insert(), transaction, key(session));
            INSERTS.set(cached);
        }
        PreparedStatement p = cached.insert();
        insert(p, op, oldRow, newRow);
        p.setString(7, cached.key());
        p.executeUpdate();
    }

    /** The value {@code TRANSACTION_ID() || '@' || CURRENT_TIMESTAMP(9)} has in the session's transaction. */
    private static String key(SessionLocal session) {
        return session.getTransaction().getSequenceNum() + "@"
                + session.currentTimestamp().getString();
    }

    /** Sets parameters 1 to 6 (shape, operation, row ids, images) of either INSERT. */
    private void insert(PreparedStatement p, int op, Object[] oldRow, Object[] newRow) throws SQLException {
        p.setInt(1, shape);
        p.setInt(2, op);
        setRowId(p, 3, oldRow);
        setRowId(p, 4, newRow);
        setImage(p, 5, oldRow);
        setImage(p, 6, newRow);
    }

    private void loadShape(Connection conn) throws SQLException {
        String[] n = new String[columns];
        Class<?>[] c = new Class<?>[columns];
        int found = 0;
        try (PreparedStatement p = conn.prepareStatement(
                "SELECT POS, NAME, TYPE FROM " + CaptureCatalog.COLUMNS + " WHERE SHAPE = ? ORDER BY POS")) {
            p.setInt(1, shape);
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    int pos = rs.getInt(1);
                    ColumnType type = H2_TYPES.logType(new CapturedColumn(rs.getString(2), rs.getString(3)));
                    if (pos < 0 || pos >= columns || type == null) {
                        throw new SQLException("deltalog capture: the catalog's shape " + shape + " of table " + table
                                + " does not match its trigger; run capture install for the table again");
                    }
                    n[pos] = rs.getString(2);
                    c[pos] = type.javaType();
                    found++;
                }
            }
        }
        if (found != columns) {
            throw new SQLException("deltalog capture: the catalog holds " + found + " of the " + columns
                    + " columns of shape " + shape + " of table " + table + "; run capture install for it again");
        }
        names = n;
        classes = c;
    }

    private void setRowId(PreparedStatement p, int index, Object[] row) throws SQLException {
        if (row == null) {
            p.setNull(index, Types.BIGINT);
        } else {
            p.setLong(index, ((Number) row[rowId]).longValue());
        }
    }

    private void setImage(PreparedStatement p, int index, Object[] row) throws SQLException {
        if (row == null) {
            p.setNull(index, Types.VARBINARY);
            return;
        }
        Object[] values = new Object[row.length];
        Class<?>[] expected = classes;
        for (int i = 0; i < row.length; i++) {
            Object v = Values.toTupleValue(row[i], table, names[i]);
            if (v != null && v.getClass() != expected[i]) {
                throw new SQLException("deltalog capture: column " + names[i] + " of table " + table + " now holds "
                        + v.getClass().getSimpleName() + " values, capture was installed for "
                        + expected[i].getSimpleName() + "; run capture install for the table again (or uninstall it)");
            }
            values[i] = v;
        }
        p.setBytes(index, ValueCodec.encode(values));
    }

    @Override
    public void close() {}

    @Override
    public void remove() {}
}
