package io.github.deltalog.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the committed transactions waiting in the outbox for one relay pass: groups the visible rows by
 * transaction key, ordered by each transaction's last outbox id (see {@link Relay} for why that is commit order per
 * row), and reads their rows; for a dialect that {@link Dialect#needsWitness needs a witness}, keeps only the rows
 * a second, concurrent transaction sees and deletes the dead ones.
 */
final class OutboxReader {
    /** Outbox rows read per pass, unless one transaction alone is larger. */
    static final int MAX_ROWS = 20_000;
    /**
     * The limit in force: {@link #MAX_ROWS}; tests lower it to cut passes within a few rows (package-private, set
     * only by tests).
     */
    static volatile int rowsPerPass = MAX_ROWS;

    private OutboxReader() {}

    /** A database transaction's rows in the outbox. */
    record Group(Object key, long minId, long maxId, long rows) {}

    /**
     * Reads the next batch of committed transactions.
     *
     * @param c the relay's connection, in auto-commit mode
     * @param dialect its dialect
     * @param shapes the catalog's shapes
     * @param witness the second connection, used if the dialect needs one
     * @return the transactions and their rows, empty if the outbox holds nothing committed
     * @throws SQLException if the database fails
     */
    static Batch read(Connection c, Dialect dialect, CaptureCatalog.Shapes shapes, Witness witness)
            throws SQLException {
        return dialect.needsWitness() ? readWitnessed(c, dialect, shapes, witness) : readAll(c, dialect, shapes);
    }

    /**
     * The transactions a pass moves and their rows.
     *
     * @param more whether the read stopped at a limit ({@link #rowsPerPass} rows or, in the grouping query, transactions) with more committed
     *     transactions waiting
     */
    record Batch(List<Group> groups, Map<Object, List<OutboxRow>> rows, boolean more) {
        static final Batch EMPTY = new Batch(List.of(), Map.of(), false);
    }

    private static Batch readAll(Connection c, Dialect dialect, CaptureCatalog.Shapes shapes) throws SQLException {
        Batch streamed = readInOneQuery(c, dialect, shapes);
        if (streamed != null) {
            return streamed;
        }
        List<Group> groups = new ArrayList<>();
        boolean more = nextGroups(c, groups);
        return groups.isEmpty() ? Batch.EMPTY : new Batch(groups, readRows(c, dialect, groups, shapes), more);
    }

    /**
     * Reads a batch inside one transaction of {@code c}, then keeps only the rows that a statement of the witness
     * connection, run while that transaction is still open (so under another transaction id), sees too. A row
     * only {@code c}'s transaction sees is a dead change H2's recovery could not roll back (see
     * {@link Dialect#needsWitness}): it is deleted in that same transaction, which H2 lets delete it as its own,
     * and that completes the rollback the crash interrupted. Where the dialect can name those rows from its storage
     * ({@link Dialect#ownUncommittedOutboxRows}: the rows {@code c}'s transaction holds as its own), the witness
     * connection is not used.
     */
    private static Batch readWitnessed(Connection c, Dialect dialect, CaptureCatalog.Shapes shapes, Witness witness)
            throws SQLException {
        c.setAutoCommit(false);
        try {
            Batch batch = readAll(c, dialect, shapes);
            if (batch.groups().isEmpty()) {
                c.commit();
                return batch;
            }
            long[] span = idSpan(batch.groups());
            long[] own = dialect.ownUncommittedOutboxRows(c, span[0], span[1]);
            if (own != null && own.length == 0) {
                c.commit();
                return batch;
            }
            long[] seen = own == null ? witness.ids(span[0], span[1]) : null;
            List<Long> dead = new ArrayList<>();
            List<Group> groups = new ArrayList<>();
            Map<Object, List<OutboxRow>> rows = new HashMap<>();
            for (Group g : batch.groups()) {
                List<OutboxRow> all = batch.rows().get(g.key());
                List<OutboxRow> kept = all;
                for (int i = 0; i < all.size(); i++) {
                    OutboxRow row = all.get(i);
                    if (own != null
                            ? Arrays.binarySearch(own, row.id()) >= 0
                            : Arrays.binarySearch(seen, row.id()) < 0) {
                        if (kept == all) {
                            kept = new ArrayList<>(all.subList(0, i));
                        }
                        dead.add(row.id());
                    } else if (kept != all) {
                        kept.add(row);
                    }
                }
                if (kept == all) {
                    groups.add(g);
                    rows.put(g.key(), all);
                } else if (!kept.isEmpty()) {
                    groups.add(new Group(
                            g.key(), kept.get(0).id(), kept.get(kept.size() - 1).id(), kept.size()));
                    rows.put(g.key(), kept);
                }
            }
            if (!dead.isEmpty()) {
                try (PreparedStatement p = c.prepareStatement("DELETE FROM " + Dialect.OUTBOX + " WHERE ID = ?")) {
                    for (long id : dead) {
                        p.setLong(1, id);
                        p.addBatch();
                    }
                    p.executeBatch();
                }
                groups.sort(Comparator.comparingLong(Group::maxId));
            }
            c.commit();
            return new Batch(groups, rows, batch.more());
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }

    /** The lowest and highest outbox id of some groups. */
    private static long[] idSpan(List<Group> groups) {
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (Group g : groups) {
            min = Math.min(min, g.minId());
            max = Math.max(max, g.maxId());
        }
        return new long[] {min, max};
    }

    /**
     * Keeps of a batch what the database holds as committed ({@link Dialect#uncommittedOutboxRows}, asked after the
     * relay's flush): drops the rows of transactions that ended without committing them, and the whole transaction
     * of any row whose transaction is still open (it waits for a later pass, moved whole).
     *
     * @return the batch itself if nothing is to be dropped, else a new one
     * @throws SQLException if the database fails
     */
    static Batch keepCommitted(Connection c, Dialect dialect, Batch batch) throws SQLException {
        if (batch.groups().isEmpty()) {
            return batch;
        }
        long[] span = idSpan(batch.groups());
        Dialect.UncommittedRows uncommitted = dialect.uncommittedOutboxRows(c, span[0], span[1]);
        if (uncommitted.isEmpty()) {
            return batch;
        }
        List<Group> groups = new ArrayList<>();
        Map<Object, List<OutboxRow>> rows = new HashMap<>();
        for (Group g : batch.groups()) {
            List<OutboxRow> kept = new ArrayList<>();
            boolean open = false;
            for (OutboxRow row : batch.rows().get(g.key())) {
                if (uncommitted.open().contains(row.id())) {
                    open = true;
                } else if (!uncommitted.dead().contains(row.id())) {
                    kept.add(row);
                }
            }
            if (!open && !kept.isEmpty()) {
                groups.add(new Group(
                        g.key(), kept.get(0).id(), kept.get(kept.size() - 1).id(), kept.size()));
                rows.put(g.key(), kept);
            }
        }
        return new Batch(groups, rows, batch.more());
    }

    /** A second connection to the captured database, opened on first use and closed after a relay call. */
    static final class Witness implements AutoCloseable {
        private final ConnectionSource source;
        private Connection connection;

        Witness(ConnectionSource source) {
            this.source = source;
        }

        /**
         * The outbox ids between min and max (inclusive) that a statement of this connection sees, ascending (for a
         * binary search: no boxed id per row).
         */
        long[] ids(long min, long max) throws SQLException {
            if (connection == null) {
                connection = source.get();
                connection.setAutoCommit(true);
            }
            long[] ids = new long[64];
            int n = 0;
            try (PreparedStatement p = connection.prepareStatement(
                    "SELECT ID FROM " + Dialect.OUTBOX + " WHERE ID >= ? AND ID <= ? ORDER BY ID")) {
                p.setLong(1, min);
                p.setLong(2, max);
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) {
                        if (n == ids.length) {
                            ids = Arrays.copyOf(ids, n * 2);
                        }
                        ids[n++] = rs.getLong(1);
                    }
                }
            }
            return Arrays.copyOf(ids, n);
        }

        @Override
        public void close() throws SQLException {
            if (connection != null) {
                connection.close();
                connection = null;
            }
        }
    }

    /**
     * Reads the visible outbox rows in id order, up to {@link #rowsPerPass}, in one query and groups them here: one scan
     * instead of a grouping query and a second read (profiled: the grouping query was a fifth of a pass). A statement
     * sees committed transactions whole, so every group is complete when the read reaches the end of the outbox.
     * When it stops at the limit (a backlog), the transactions that go on past the last row read are left for the
     * next pass ({@link #continuing}), so a pass costs O(rows moved), not O(outbox): grouping the whole outbox on
     * every pass made a relay that fell behind slower the further it fell behind.
     *
     * @return the batch, or null if no transaction lies wholly within the first {@link #rowsPerPass} rows (one
     *     transaction alone is larger, or all of them go on past the limit); then the grouping query picks the
     *     transactions
     */
    private static Batch readInOneQuery(Connection c, Dialect dialect, CaptureCatalog.Shapes shapes)
            throws SQLException {
        int limit = rowsPerPass;
        Map<Object, List<OutboxRow>> byKey = new HashMap<>();
        int n = 0;
        long lastId = 0;
        Object nextKey = null;
        try (Scan rows = openScan(c, dialect, limit + 1)) {
            while (rows.next()) {
                if (++n > limit) {
                    nextKey = rows.key();
                    break;
                }
                OutboxRow row = rows.row(shapes);
                lastId = row.id();
                byKey.computeIfAbsent(rows.key(), k -> new ArrayList<>()).add(row);
            }
        }
        if (byKey.isEmpty()) {
            return Batch.EMPTY;
        }
        boolean cut = n > limit;
        if (cut) {
            for (Object key : continuing(c, dialect, byKey.keySet(), lastId, nextKey)) {
                byKey.remove(key);
            }
            if (byKey.isEmpty()) {
                return null;
            }
        }
        List<Group> groups = new ArrayList<>(byKey.size());
        for (Map.Entry<Object, List<OutboxRow>> e : byKey.entrySet()) {
            List<OutboxRow> rows = e.getValue();
            groups.add(new Group(
                    e.getKey(), rows.get(0).id(), rows.get(rows.size() - 1).id(), rows.size()));
        }
        groups.sort(Comparator.comparingLong(Group::maxId));
        return new Batch(groups, byKey, cut);
    }

    /**
     * Returns the keys, among those read, of transactions with rows after {@code lastId}: they are incomplete in
     * this read. Where the dialect's {@link Dialect#transactionsContiguous transactions are contiguous}, only the
     * transaction of the next row can be one (O(1)); else one query over the rows after {@code lastId} with the keys
     * as a constant set (H2 looks each row's key up in a sorted set; no grouping, and the result holds only the
     * continuing rows). Transactions left out this way cannot precede one that is moved in any row's order: a
     * transaction that committed before another wrote the same row has all its ids below that row's id.
     */
    private static Set<Object> continuing(Connection c, Dialect dialect, Set<Object> keys, long lastId, Object nextKey)
            throws SQLException {
        if (dialect.transactionsContiguous()) {
            return nextKey == null ? Set.of() : Set.of(nextKey);
        }
        StringBuilder sql = new StringBuilder("SELECT DISTINCT TX FROM ")
                .append(Dialect.OUTBOX)
                .append(" WHERE ID > ")
                .append(lastId)
                .append(" AND TX IN (");
        boolean firstKey = true;
        for (Object key : keys) {
            if (!firstKey) {
                sql.append(',');
            }
            firstKey = false;
            if (key instanceof Number number) {
                sql.append(number.longValue());
            } else {
                sql.append('\'').append(key.toString().replace("'", "''")).append('\'');
            }
        }
        sql.append(')');
        Set<Object> continuing = new HashSet<>();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql.toString())) {
            boolean integer = isIntegerColumn(rs, 1);
            while (rs.next()) {
                continuing.add(readKey(rs, 1, integer));
            }
        }
        return continuing;
    }

    /** Opens the dialect's {@link StorageScan} if it has one and it can read this outbox, else a query. */
    private static Scan openScan(Connection c, Dialect dialect, int limit) throws SQLException {
        Scan direct = dialect instanceof StorageScan storage ? storage.scanOutbox(c) : null;
        return direct != null ? direct : new SqlScan(c, dialect, limit);
    }

    /** Outbox rows in id order, one at a time. */
    interface Scan extends AutoCloseable {
        /**
         * Moves to the next row.
         *
         * @return false after the last row
         * @throws SQLException if the database fails
         */
        boolean next() throws SQLException;

        /**
         * Returns the current row's transaction key.
         *
         * @return the key, equal for the rows of one transaction
         * @throws SQLException if the database fails
         */
        Object key() throws SQLException;

        /**
         * Reads the current row.
         *
         * @param shapes the catalog's shapes
         * @return the row
         * @throws CaptureException if the row refers to a shape the catalog does not hold, or its images are
         *     inconsistent
         * @throws SQLException if the database fails
         */
        OutboxRow row(CaptureCatalog.Shapes shapes) throws SQLException;

        @Override
        void close() throws SQLException;
    }

    /** A dialect that reads the outbox straight from the database's storage, without a SQL query and its result. */
    interface StorageScan {
        /**
         * Opens a scan over the outbox rows the connection's current transaction sees, as a query in it would.
         *
         * @param c a connection
         * @return the scan, or null if this connection or outbox cannot be read so (then a query reads it)
         * @throws SQLException if the database fails
         */
        Scan scanOutbox(Connection c) throws SQLException;
    }

    /**
     * The outbox through {@code SELECT *} in id order, columns by position (see {@link Dialect}): a lookup by name
     * costs more than the read.
     */
    private static final class SqlScan implements Scan {
        private final Statement statement;
        private final ResultSet rs;
        private final Dialect dialect;
        private final int first;
        /** Whether the key column is an integer (read without the column type lookup of {@code getObject}). */
        private final boolean longKey;

        SqlScan(Connection c, Dialect dialect, int limit) throws SQLException {
            this.dialect = dialect;
            statement = c.createStatement();
            try {
                rs = statement.executeQuery("SELECT * FROM " + Dialect.OUTBOX + " ORDER BY ID LIMIT " + limit);
                first = firstImageColumn(rs);
                longKey = isIntegerColumn(rs, 2);
            } catch (SQLException | RuntimeException e) {
                statement.close();
                throw e;
            }
        }

        @Override
        public boolean next() throws SQLException {
            return rs.next();
        }

        @Override
        public Object key() throws SQLException {
            return readKey(rs, 2, longKey);
        }

        @Override
        public OutboxRow row(CaptureCatalog.Shapes shapes) throws SQLException {
            return OutboxReader.row(rs, first, dialect, shapes);
        }

        @Override
        public void close() throws SQLException {
            statement.close();
        }
    }

    /** Whether a result column holds integers: its transaction keys are then read as Longs ({@link #readKey}). */
    private static boolean isIntegerColumn(ResultSet rs, int column) throws SQLException {
        int type = rs.getMetaData().getColumnType(column);
        return type == Types.BIGINT || type == Types.INTEGER;
    }

    /**
     * Reads a transaction key the same way wherever the grouped read compares keys: a Long from an integer column
     * (without {@code getObject}'s column type lookup, and never an Integer for a small key), else as the driver
     * returns it.
     */
    private static Object readKey(ResultSet rs, int column, boolean integer) throws SQLException {
        return integer ? (Object) rs.getLong(column) : rs.getObject(column);
    }

    /**
     * Returns the position of the first image column of a {@code SELECT *} over the outbox: 7 if it has the
     * operation and row id columns, else 4 (see {@link Dialect}).
     */
    private static int firstImageColumn(ResultSet rs) throws SQLException {
        ResultSetMetaData md = rs.getMetaData();
        return md.getColumnCount() >= 6 && md.getColumnName(4).equalsIgnoreCase("OP") ? 7 : 4;
    }

    /**
     * Reads the outbox row the result set is on (columns by position, see {@link Dialect}).
     *
     * @param first the position of the first image column ({@link #firstImageColumn})
     */
    private static OutboxRow row(ResultSet rs, int first, Dialect dialect, CaptureCatalog.Shapes shapes)
            throws SQLException {
        long id = rs.getLong(1);
        TableShape shape = shape(shapes, id, rs.getInt(3));
        Object[][] images = dialect.readImages(rs, first, shape);
        Object[] before = images[0];
        Object[] after = images[1];
        if (first == 7) {
            // The images imply the operation; a row id column is read only where the operation has one.
            int op = before == null ? 1 : after == null ? 3 : 2;
            return new OutboxRow(
                    id,
                    shape,
                    op,
                    before == null ? 0 : rs.getLong(5),
                    after == null ? 0 : rs.getLong(6),
                    before,
                    after);
        }
        return impliedRow(id, shape, before, after);
    }

    /**
     * Returns the shape an outbox row refers to.
     *
     * @throws CaptureException if the catalog does not hold it
     */
    static TableShape shape(CaptureCatalog.Shapes shapes, long id, int shapeId) {
        TableShape shape = shapes.all().get(shapeId);
        if (shape == null) {
            throw new CaptureException("outbox row " + id + " refers to shape " + shapeId + ", which "
                    + CaptureCatalog.SHAPES + " does not hold");
        }
        return shape;
    }

    /**
     * Returns the outbox row of an outbox without operation and row id columns: the operation follows from which
     * images are present, the row ids from the images' row id column.
     *
     * @throws CaptureException if the shape has no row id column or the row has no image
     */
    static OutboxRow impliedRow(long id, TableShape shape, Object[] before, Object[] after) {
        int op = before == null ? 1 : after == null ? 3 : 2;
        int rid = shape.rowIdIndex();
        if (rid < 0 || (before == null && after == null)) {
            throw new CaptureException("outbox row " + id + " of table " + shape.table()
                    + (rid < 0 ? " has no row id column in its images" : " has neither a before nor an after image"));
        }
        return new OutboxRow(id, shape, op, rowId(before, rid), rowId(after, rid), before, after);
    }

    private static long rowId(Object[] image, int column) {
        return image == null ? 0 : ((Number) image[column]).longValue();
    }

    /**
     * Fills {@code groups} with the next transactions by a grouping query over the whole outbox, O(outbox): the
     * fall-back for a transaction larger than the row limit, up to as many transactions as the row limit (so it
     * moves a backlog in big steps). Returns whether committed transactions were left out by the limits.
     */
    private static boolean nextGroups(Connection c, List<Group> groups) throws SQLException {
        int limit = rowsPerPass;
        long rows = 0;
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT TX, MIN(ID), MAX(ID), COUNT(*) FROM " + Dialect.OUTBOX
                        + " GROUP BY TX ORDER BY MAX(ID) LIMIT " + limit)) {
            while (rs.next()) {
                Group g = new Group(rs.getObject(1), rs.getLong(2), rs.getLong(3), rs.getLong(4));
                if (!groups.isEmpty() && rows + g.rows() > limit) {
                    return true;
                }
                groups.add(g);
                rows += g.rows();
            }
        }
        return groups.size() == limit;
    }

    private static Map<Object, List<OutboxRow>> readRows(
            Connection c, Dialect dialect, List<Group> groups, CaptureCatalog.Shapes shapes) throws SQLException {
        Map<Object, List<OutboxRow>> byKey = new HashMap<>();
        for (Group g : groups) {
            byKey.put(g.key(), new ArrayList<>());
        }
        long[] span = idSpan(groups);
        try (PreparedStatement p =
                c.prepareStatement("SELECT * FROM " + Dialect.OUTBOX + " WHERE ID >= ? AND ID <= ? ORDER BY ID")) {
            p.setLong(1, span[0]);
            p.setLong(2, span[1]);
            try (ResultSet rs = p.executeQuery()) {
                int first = firstImageColumn(rs);
                // By position (the outbox's column order, see Dialect): a lookup by name costs more than the read.
                while (rs.next()) {
                    // Rows of transactions that committed after the grouping query are left for the next pass.
                    List<OutboxRow> list = byKey.get(rs.getObject(2));
                    if (list == null) {
                        continue;
                    }
                    list.add(row(rs, first, dialect, shapes));
                }
            }
        }
        for (Group g : groups) {
            if (byKey.get(g.key()).size() != g.rows()) {
                throw new CaptureException("outbox transaction " + g.key() + " changed while the relay read it ("
                        + g.rows() + " rows counted, " + byKey.get(g.key()).size()
                        + " read): is another relay running on this database?");
            }
        }
        return byKey;
    }
}
