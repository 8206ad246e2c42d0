package io.github.deltalog.jdbc;

import io.github.deltalog.ColumnType;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
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
 * <p>The transaction key identifies the writing transaction: H2's {@code TRANSACTION_ID()} (unique among open
 * transactions) with {@code CURRENT_TIMESTAMP(9)} (fixed at the transaction's start in H2), so keys stay distinct
 * across restarts. The trigger builds it once per transaction, from the session's transaction ({@code
 * getSequenceNum()} is what {@code TRANSACTION_ID()} returns) and {@code currentTimestamp()}: formatting it in SQL
 * for every row was a quarter of the trigger's time. An outbox created by this version stores it as a 64-bit hash
 * ({@link #transactionKey}) and no operation or row id columns (the images imply them): a narrower row is a cheaper
 * insert here and a cheaper read and delete in the relay. An outbox created before keeps its columns and gets the
 * string key {@code TRANSACTION_ID() || '@' || CURRENT_TIMESTAMP(9)}, operation and row ids as before.
 */
public final class H2CaptureTrigger implements Trigger {
    private static final H2Dialect H2_TYPES = new H2Dialect();
    private static final Pattern NAME = Pattern.compile(".*DELTALOG_S(\\d+)_N(\\d+)_K(\\d+)$");
    /** The outbox INSERT of an outbox created before the narrow layout, with the string key last. */
    private static final String INSERT_WIDE = "INSERT INTO " + Dialect.OUTBOX
            + "(SHAPE, OLD_IMG, NEW_IMG, OP, OLD_RID, NEW_RID, TX) VALUES (?, ?, ?, ?, ?, ?, ?)";
    /** The outbox INSERT of the narrow layout ({@link H2Dialect#createOutbox}). */
    private static final String INSERT_NARROW =
            "INSERT INTO " + Dialect.OUTBOX + "(SHAPE, OLD_IMG, NEW_IMG, TX) VALUES (?, ?, ?, ?)";

    /**
     * The outbox INSERT prepared for the session that last fired a capture trigger on this thread. H2 hands each
     * fire a new connection object over the firing session, so a statement can only be kept per session; preparing
     * it per row showed in profiles. Holds at most one session per thread after that session closed.
     */
    private static final ThreadLocal<SessionInsert> INSERTS = new ThreadLocal<>();

    /**
     * A session, the outbox INSERT prepared on it, whether that is the wide layout's, the session's transaction at
     * the last fire, that one's key (a Long for the narrow layout, a String for the wide one) and the thread's image
     * writer.
     */
    private record SessionInsert(
            SessionLocal session,
            PreparedStatement insert,
            boolean wide,
            Transaction transaction,
            Object key,
            ValueCodec.Writer writer) {}

    private String table;
    private int shape;
    private int columns;
    private int rowId;
    /** The shape's column names and value classes, loaded at the first write (the catalog holds them). */
    private volatile String[] names;

    private volatile Class<?>[] classes;
    /**
     * Whether the outbox has the layout from before the narrow one, read with the shape (the layout changes only
     * when every capture trigger is dropped with it).
     */
    private volatile boolean wideOutbox;

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
     *     application's statement fails, nothing is written), or the connection is not an embedded H2 session
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
        // H2 always fires triggers on an embedded session, also for a client of its TCP server.
        if (!(conn instanceof JdbcConnection j) || !(j.getSession() instanceof SessionLocal session)) {
            throw new SQLException("deltalog capture: table " + table + "'s trigger fired on a connection that is not"
                    + " an embedded H2 session: " + conn.getClass().getName());
        }
        SessionInsert cached = INSERTS.get();
        Transaction transaction = session.getTransaction();
        boolean wide = wideOutbox;
        if (cached == null
                || cached.session() != session
                || cached.wide() != wide
                || cached.insert().isClosed()) {
            cached = new SessionInsert(
                    session,
                    conn.prepareStatement(wide ? INSERT_WIDE : INSERT_NARROW),
                    wide,
                    transaction,
                    key(session, wide),
                    cached == null ? new ValueCodec.Writer() : cached.writer());
            INSERTS.set(cached);
        } else if (cached.transaction() != transaction) {
            cached = new SessionInsert(
                    session, cached.insert(), cached.wide(), transaction, key(session, cached.wide()), cached.writer());
            INSERTS.set(cached);
        }
        PreparedStatement p = cached.insert();
        p.setInt(1, shape);
        ValueCodec.Writer writer = cached.writer();
        setImage(p, 2, oldRow == null ? null : image(writer, oldRow, null));
        // The narrow layout's after image of an update names the columns it left alone "unchanged".
        setImage(p, 3, newRow == null ? null : image(writer, newRow, cached.wide() ? null : oldRow));
        if (cached.wide()) {
            p.setInt(4, oldRow == null ? 1 : newRow == null ? 3 : 2);
            setRowId(p, 5, oldRow);
            setRowId(p, 6, newRow);
            p.setString(7, (String) cached.key());
        } else {
            p.setLong(4, (Long) cached.key());
        }
        p.executeUpdate();
    }

    /** Tells whether the outbox has the layout from before the narrow one (an OP column). */
    private static boolean isWide(Connection conn) throws SQLException {
        try (PreparedStatement p = conn.prepareStatement("SELECT * FROM " + Dialect.OUTBOX + " WHERE FALSE");
                ResultSet rs = p.executeQuery()) {
            ResultSetMetaData md = rs.getMetaData();
            for (int i = 1; i <= md.getColumnCount(); i++) {
                if (md.getColumnName(i).equals("OP")) {
                    return true;
                }
            }
            return false;
        }
    }

    /** The session's transaction key: {@link #transactionKey} for the narrow layout, the string for the wide one. */
    private static Object key(SessionLocal session, boolean wide) {
        long id = session.getTransaction().getSequenceNum();
        String timestamp = session.currentTimestamp().getString();
        return wide ? id + "@" + timestamp : transactionKey(id, timestamp);
    }

    /**
     * The narrow outbox's key of a transaction: a 64-bit hash of {@code TRANSACTION_ID() || '@' ||
     * CURRENT_TIMESTAMP(9)}. Two transactions open at once differ in the id, two that follow each other in the
     * timestamp; a hash collision of two transactions waiting in the outbox at once has a chance of about 2^-64 per
     * pair, as for SQLite's random keys.
     *
     * @param transactionId the value of {@code TRANSACTION_ID()}
     * @param timestamp the string form of {@code CURRENT_TIMESTAMP(9)}
     * @return the key
     */
    static long transactionKey(long transactionId, String timestamp) {
        long h = mix(transactionId + 0x9E3779B97F4A7C15L);
        for (int i = 0; i < timestamp.length(); i++) {
            h = mix(h ^ timestamp.charAt(i));
        }
        return h;
    }

    /** The finaliser of SplitMix64: spreads every input bit over the whole result. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
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
        wideOutbox = isWide(conn);
        classes = c;
    }

    private void setRowId(PreparedStatement p, int index, Object[] row) throws SQLException {
        if (row == null) {
            p.setNull(index, Types.BIGINT);
        } else {
            p.setLong(index, ((Number) row[rowId]).longValue());
        }
    }

    private static void setImage(PreparedStatement p, int index, byte[] image) throws SQLException {
        if (image == null) {
            p.setNull(index, Types.VARBINARY);
        } else {
            p.setBytes(index, image);
        }
    }

    /**
     * Encodes a row as the database handed it over, converting each value to its tuple value and checking it against
     * the class the shape's column has in the log, in one pass. With {@code before} (an update's after image), a
     * value equal to the before image's is written as "unchanged" (not converted: it was, in the before image).
     */
    private byte[] image(ValueCodec.Writer writer, Object[] row, Object[] before) throws SQLException {
        Class<?>[] expected = classes;
        writer.start(row.length);
        for (int i = 0; i < row.length; i++) {
            Object raw = row[i];
            if (before != null && raw != null && ValueCodec.unchanged(before[i], raw)) {
                writer.unchanged();
                continue;
            }
            Object v = Values.toTupleValue(raw, table, names[i]);
            if (v != null && v.getClass() != expected[i]) {
                throw new SQLException("deltalog capture: column " + names[i] + " of table " + table + " now holds "
                        + v.getClass().getSimpleName() + " values, capture was installed for "
                        + expected[i].getSimpleName() + "; run capture install for the table again (or uninstall it)");
            }
            writer.value(v);
        }
        return writer.bytes();
    }

    @Override
    public void close() {}

    @Override
    public void remove() {}
}
