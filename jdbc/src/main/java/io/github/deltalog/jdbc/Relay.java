package io.github.deltalog.jdbc;

import io.github.deltalog.Consumer;
import io.github.deltalog.Delta;
import io.github.deltalog.DeltaCursor;
import io.github.deltalog.DeltaLog;
import io.github.deltalog.DeltaOp;
import io.github.deltalog.DeltaTransaction;
import io.github.deltalog.Tuple;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Moves committed outbox rows into the log, one log transaction per database transaction, exactly once.
 *
 * <p>Hand-over: each log transaction also inserts, into the reserved position table, a delta whose row id is the
 * database transaction's last outbox id and whose tuple holds its first id and its key; log commits are atomic, so
 * the log itself says which outbox rows it holds. Outbox rows are deleted only after their log commit, and the
 * capture's log consumer is advanced past a position delta only after that delete committed and was flushed
 * ({@link Dialect#flushCommitted}, done once per pass, before the rows just read go to the log). Every call
 * first deletes the rows named by position deltas after the consumer, so a crash at any point neither loses nor
 * repeats a change.
 *
 * <p>Order: a transaction's position is its last outbox id. Two transactions that change one row are ordered by
 * the database's row lock (the second writes after the first committed), so the second's last id is above every
 * id of the first, and it is visible to the relay only after the first: sorting the visible transactions by last
 * id keeps each row's changes in commit order, in H2 (concurrent writers) as in SQLite (one writer at a time).
 */
final class Relay {
    /** Transactions read per pass, at most. */
    private static final int MAX_GROUPS = 1000;
    /** Outbox rows read per pass, unless one transaction alone is larger. */
    private static final int MAX_ROWS = 20_000;

    private final DeltaLog log;
    /** Where the witness connection comes from (see {@link Dialect#needsWitness}). */
    private final ConnectionSource source;

    private final String name;
    private final String positionTable;
    private final String columnsTable;
    /** The log timestamp up to which this relay deleted moved outbox rows (not necessarily flushed yet). */
    private long deletedUpTo = Long.MIN_VALUE;
    /** The dialect's schema token at the last successful shape check, or null. */
    private Object checkedSchema;
    /** The columns tuple the log holds per shape id, loaded from the log on first use. */
    private Map<Integer, Tuple> loggedShapes;

    Relay(DeltaLog log, String name, ConnectionSource source) {
        this.log = log;
        this.source = source;
        this.name = name;
        this.positionTable = Capture.positionTable(name);
        this.columnsTable = Capture.columnsTable(name);
    }

    /** A database transaction's rows in the outbox. */
    private record Group(Object key, long minId, long maxId, long rows) {}

    /**
     * Moves everything committed in the outbox.
     *
     * @param c a connection to the captured database
     * @param dialect its dialect
     * @param moved called after each log commit with the number of deltas of that transaction
     * @return the number of database transactions moved
     * @throws SQLException if the database fails
     */
    int relay(Connection c, Dialect dialect, java.util.function.IntConsumer moved) throws SQLException {
        if (!CaptureCatalog.exists(c, dialect)) {
            throw new CaptureException("capture is not installed in this " + dialect.name() + " database");
        }
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(true);
        Witness witness = new Witness(source);
        try {
            ensureTracked();
            checkConsumer(c);
            deleteMoved(c);
            int total = 0;
            while (true) {
                CaptureCatalog.Shapes shapes = CaptureCatalog.load(c);
                Batch batch = dialect.needsWitness()
                        ? readWitnessed(c, dialect, shapes, witness)
                        : readBatch(c, dialect, shapes);
                checkShapes(c, dialect, shapes);
                List<Group> groups = batch.groups();
                Map<Object, List<OutboxRow>> rows = batch.rows();
                if (groups.isEmpty()) {
                    return total;
                }
                // Makes the rows just read durable (the log must not hold what the database could lose) and the
                // deletes done so far (the consumer may now pass them).
                dialect.flushCommitted(c);
                Consumer consumer = consumer();
                if (deletedUpTo > consumer.position()) {
                    consumer.advanceTo(deletedUpTo);
                }
                for (Group g : groups) {
                    moved.accept(write(g, rows.getOrDefault(g.key(), List.of()), shapes));
                    total++;
                }
                deleteMoved(c);
            }
        } finally {
            c.setAutoCommit(autoCommit);
            witness.close();
        }
    }

    /** The transactions a pass moves and their rows. */
    private record Batch(List<Group> groups, Map<Object, List<OutboxRow>> rows) {
        static final Batch EMPTY = new Batch(List.of(), Map.of());
    }

    private static Batch readBatch(Connection c, Dialect dialect, CaptureCatalog.Shapes shapes) throws SQLException {
        List<Group> groups = nextGroups(c);
        return groups.isEmpty() ? Batch.EMPTY : new Batch(groups, read(c, dialect, groups, shapes));
    }

    /**
     * Reads a batch inside one transaction of {@code c}, then keeps only the rows that a statement of the witness
     * connection, run while that transaction is still open (so under another transaction id), sees too. A row
     * only {@code c}'s transaction sees is a dead change H2's recovery could not roll back (see
     * {@link Dialect#needsWitness}): it is deleted in that same transaction, which H2 lets delete it as its own,
     * and that completes the rollback the crash interrupted.
     */
    private static Batch readWitnessed(Connection c, Dialect dialect, CaptureCatalog.Shapes shapes, Witness witness)
            throws SQLException {
        c.setAutoCommit(false);
        try {
            Batch batch = readBatch(c, dialect, shapes);
            if (batch.groups().isEmpty()) {
                c.commit();
                return batch;
            }
            long min = Long.MAX_VALUE;
            long max = Long.MIN_VALUE;
            for (Group g : batch.groups()) {
                min = Math.min(min, g.minId());
                max = Math.max(max, g.maxId());
            }
            Set<Long> seen = witness.ids(min, max);
            List<Long> dead = new ArrayList<>();
            List<Group> groups = new ArrayList<>();
            Map<Object, List<OutboxRow>> rows = new HashMap<>();
            for (Group g : batch.groups()) {
                List<OutboxRow> kept = new ArrayList<>();
                for (OutboxRow row : batch.rows().get(g.key())) {
                    if (seen.contains(row.id())) {
                        kept.add(row);
                    } else {
                        dead.add(row.id());
                    }
                }
                if (!kept.isEmpty()) {
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
            return new Batch(groups, rows);
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }

    /** A second connection to the captured database, opened on first use and closed after a relay call. */
    private static final class Witness implements AutoCloseable {
        private final ConnectionSource source;
        private Connection connection;

        Witness(ConnectionSource source) {
            this.source = source;
        }

        /** The outbox ids between min and max (inclusive) that a statement of this connection sees. */
        Set<Long> ids(long min, long max) throws SQLException {
            if (connection == null) {
                connection = source.get();
                connection.setAutoCommit(true);
            }
            Set<Long> ids = new HashSet<>();
            try (PreparedStatement p =
                    connection.prepareStatement("SELECT ID FROM " + Dialect.OUTBOX + " WHERE ID >= ? AND ID <= ?")) {
                p.setLong(1, min);
                p.setLong(2, max);
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getLong(1));
                    }
                }
            }
            return ids;
        }

        @Override
        public void close() throws SQLException {
            if (connection != null) {
                connection.close();
                connection = null;
            }
        }
    }

    private void ensureTracked() {
        if (!log.isTracked(positionTable)) {
            log.track(positionTable);
        }
        if (!log.isTracked(columnsTable)) {
            log.track(columnsTable);
        }
    }

    private Consumer consumer() {
        return log.consumer(Capture.consumerName(name));
    }

    /** A stale consumer (a hard retention cap purged unconfirmed positions) is fatal unless the outbox is empty. */
    private void checkConsumer(Connection c) throws SQLException {
        Consumer consumer = consumer();
        if (consumer.isStale()) {
            long pending = outboxSize(c);
            if (pending > 0) {
                throw new CaptureException("the log purged capture positions it had not confirmed (consumer "
                        + consumer.name() + " is stale): cannot tell which of the " + pending
                        + " outbox rows were already moved; empty " + Dialect.OUTBOX + " after checking the log");
            }
            consumer.reset();
            deletedUpTo = Long.MIN_VALUE;
        }
    }

    /**
     * Deletes the outbox rows that position deltas after the consumer (and after what this relay deleted already)
     * name: the log holds them. The consumer is not moved here: only after the next flush.
     */
    private void deleteMoved(Connection c) throws SQLException {
        List<Group> done = new ArrayList<>();
        long last = Long.MIN_VALUE;
        try (DeltaCursor cursor =
                log.changesAfter(positionTable, Math.max(consumer().position(), deletedUpTo))) {
            for (Delta d : cursor) {
                Tuple t = ((DeltaOp.Insert) d.op()).after();
                done.add(new Group(t.get(1), (Long) t.get(0), d.rowId(), 0));
                last = d.commitTimestamp();
            }
        }
        if (done.isEmpty()) {
            return;
        }
        c.setAutoCommit(false);
        try (PreparedStatement p =
                c.prepareStatement("DELETE FROM " + Dialect.OUTBOX + " WHERE ID >= ? AND ID <= ? AND TX = ?")) {
            for (Group g : done) {
                p.setLong(1, g.minId());
                p.setLong(2, g.maxId());
                p.setObject(3, g.key());
                p.addBatch();
            }
            p.executeBatch();
            c.commit();
        } catch (SQLException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
        deletedUpTo = last;
    }

    private static long outboxSize(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + Dialect.OUTBOX)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static List<Group> nextGroups(Connection c) throws SQLException {
        List<Group> groups = new ArrayList<>();
        long rows = 0;
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT TX, MIN(ID), MAX(ID), COUNT(*) FROM " + Dialect.OUTBOX
                        + " GROUP BY TX ORDER BY MAX(ID) LIMIT " + MAX_GROUPS)) {
            while (rs.next()) {
                Group g = new Group(rs.getObject(1), rs.getLong(2), rs.getLong(3), rs.getLong(4));
                if (!groups.isEmpty() && rows + g.rows() > MAX_ROWS) {
                    break;
                }
                groups.add(g);
                rows += g.rows();
            }
        }
        return groups;
    }

    private static Map<Object, List<OutboxRow>> read(
            Connection c, Dialect dialect, List<Group> groups, CaptureCatalog.Shapes shapes) throws SQLException {
        Map<Object, List<OutboxRow>> byKey = new HashMap<>();
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (Group g : groups) {
            byKey.put(g.key(), new ArrayList<>());
            min = Math.min(min, g.minId());
            max = Math.max(max, g.maxId());
        }
        try (PreparedStatement p =
                c.prepareStatement("SELECT * FROM " + Dialect.OUTBOX + " WHERE ID >= ? AND ID <= ? ORDER BY ID")) {
            p.setLong(1, min);
            p.setLong(2, max);
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    // Rows of transactions that committed after the grouping query are left for the next pass.
                    List<OutboxRow> list = byKey.get(rs.getObject("TX"));
                    if (list == null) {
                        continue;
                    }
                    int shapeId = rs.getInt("SHAPE");
                    TableShape shape = shapes.all().get(shapeId);
                    if (shape == null) {
                        throw new CaptureException("outbox row " + rs.getLong("ID") + " refers to shape " + shapeId
                                + ", which " + CaptureCatalog.SHAPES + " does not hold");
                    }
                    Object[][] images = dialect.readImages(rs, shape);
                    list.add(new OutboxRow(
                            rs.getLong("ID"),
                            shape,
                            rs.getInt("OP"),
                            rs.getLong("OLD_RID"),
                            rs.getLong("NEW_RID"),
                            images[0],
                            images[1]));
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

    /** Stops before moving anything if an active shape no longer matches its table (DDL since install). */
    private void checkShapes(Connection c, Dialect dialect, CaptureCatalog.Shapes shapes) throws SQLException {
        Object schema = dialect.schemaToken(c);
        if (schema != null && schema.equals(checkedSchema)) {
            return;
        }
        for (int id : shapes.active()) {
            TableShape shape = shapes.all().get(id);
            List<CapturedColumn> now = dialect.columns(c, shape.table());
            if (now.isEmpty()) {
                throw new CapturedTableChangedException("captured table " + shape.table()
                        + " no longer exists; uninstall it from capture (pending changes stay in the outbox)");
            }
            if (!now.equals(shape.columns())) {
                throw new CapturedTableChangedException("captured table " + shape.table()
                        + " changed since capture was installed: columns " + describe(shape.columns()) + " are now "
                        + describe(now) + "; run capture install for it again to capture the new shape");
            }
            if (!dialect.triggersPresent(c, shape)) {
                throw new CapturedTableChangedException("captured table " + shape.table()
                        + " lost its capture triggers (dropped and re-created?); run capture install for it again");
            }
        }
        checkedSchema = schema;
    }

    private static String describe(List<CapturedColumn> columns) {
        StringBuilder b = new StringBuilder("(");
        for (CapturedColumn col : columns) {
            if (b.length() > 1) {
                b.append(", ");
            }
            b.append(col.name()).append(' ').append(col.type());
        }
        return b.append(')').toString();
    }

    private int write(Group g, List<OutboxRow> rows, CaptureCatalog.Shapes shapes) {
        Map<Integer, Tuple> logged = loggedShapes();
        Map<Integer, Tuple> newShapes = new LinkedHashMap<>();
        int deltas = 0;
        try (DeltaTransaction tx = log.begin()) {
            for (OutboxRow row : rows) {
                TableShape shape = row.shape();
                Tuple columns = Capture.columnsTuple(shape);
                if (!columns.equals(logged.get(shape.id())) && !newShapes.containsKey(shape.id())) {
                    Tuple old = logged.get(shape.id());
                    if (old == null) {
                        tx.insert(columnsTable, shape.id(), columns);
                    } else {
                        tx.update(columnsTable, shape.id(), old, columns);
                    }
                    newShapes.put(shape.id(), columns);
                }
                deltas += record(tx, row);
            }
            tx.insert(positionTable, g.maxId(), Tuple.of(g.minId(), g.key(), g.rows()));
            tx.commit();
        }
        logged.putAll(newShapes);
        return deltas;
    }

    private static int record(DeltaTransaction tx, OutboxRow row) {
        String table = row.shape().table();
        switch (row.op()) {
            case 1 -> tx.insert(table, row.newRowId(), Tuple.of(row.after()));
            case 3 -> tx.delete(table, row.oldRowId(), Tuple.of(row.before()));
            case 2 -> {
                if (row.oldRowId() == row.newRowId()) {
                    if (Arrays.deepEquals(row.before(), row.after())) {
                        return 0; // an UPDATE that changed nothing
                    }
                    tx.update(table, row.newRowId(), Tuple.of(row.before()), Tuple.of(row.after()));
                } else {
                    tx.delete(table, row.oldRowId(), Tuple.of(row.before()));
                    tx.insert(table, row.newRowId(), Tuple.of(row.after()));
                    return 2;
                }
            }
            default -> throw new CaptureException(
                    "outbox row " + row.id() + " of table " + table + " has unknown operation " + row.op());
        }
        return 1;
    }

    private Map<Integer, Tuple> loggedShapes() {
        if (loggedShapes == null) {
            Map<Integer, Tuple> m = new HashMap<>();
            try (DeltaCursor cursor = log.changesAfter(columnsTable, Math.max(0L, log.oldestRetained()))) {
                for (Delta d : cursor) {
                    if (d.op() instanceof DeltaOp.Insert i) {
                        m.put((int) d.rowId(), i.after());
                    } else if (d.op() instanceof DeltaOp.Update u) {
                        m.put((int) d.rowId(), u.after());
                    } else {
                        m.remove((int) d.rowId());
                    }
                }
            }
            loggedShapes = m;
        }
        return loggedShapes;
    }

    @Override
    public String toString() {
        return "Relay[" + Objects.requireNonNull(name) + "]";
    }
}
