package io.github.deltalog.jdbc;

import io.github.deltalog.Consumer;
import io.github.deltalog.Delta;
import io.github.deltalog.DeltaCursor;
import io.github.deltalog.DeltaLog;
import io.github.deltalog.DeltaOp;
import io.github.deltalog.DeltaTransaction;
import io.github.deltalog.TableSchema;
import io.github.deltalog.Tuple;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
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
    private final DeltaLog log;
    private final String name;
    private final String positionTable;
    private final String columnsTable;
    /** The log timestamp up to which this relay deleted moved outbox rows (not necessarily flushed yet). */
    private long deletedUpTo = Long.MIN_VALUE;
    /** The commit timestamp of the last transaction this relay wrote to the log. */
    private long lastWritten = Long.MIN_VALUE;
    /** The dialect's schema token at the last successful shape check, or null. */
    private Object checkedSchema;
    /** The columns tuple the log holds per shape id, loaded from the log on first use. */
    private Map<Integer, Tuple> loggedShapes;
    /** The catalog's shapes and what this relay derived from them, kept while the schema does not change. */
    private final ShapeCache shapeCache = new ShapeCache();
    /**
     * The witness connection (see {@link Dialect#needsWitness}), kept open across calls: opening an H2 session
     * costs more than a small pass.
     */
    private final OutboxReader.Witness witness;
    /**
     * Whether this relay made sure the outbox's ids go on above the ids it holds ({@link
     * Dialect#ensureOutboxIdsAbove}); cleared by a failed pass, which may be a database that was reopened.
     */
    private boolean idsChecked;

    Relay(DeltaLog log, String name, ConnectionSource source) {
        this.log = log;
        this.name = name;
        this.positionTable = Capture.positionTable(name);
        this.columnsTable = Capture.columnsTable(name);
        this.witness = new OutboxReader.Witness(source);
    }

    /**
     * Closes the witness connection, if open.
     *
     * @throws SQLException if closing it fails
     */
    void close() throws SQLException {
        witness.close();
    }

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
        // A schema unchanged since the last shape check still holds the catalog (dropping it is DDL): the metadata
        // lookup is skipped, it cost more than a small pass.
        Object schema = dialect.schemaToken(c);
        if ((schema == null || !schema.equals(checkedSchema)) && !CaptureCatalog.exists(c, dialect)) {
            throw new CaptureException("capture is not installed in this " + dialect.name() + " database");
        }
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(true);
        boolean failed = true;
        try {
            if (!idsChecked) {
                dialect.ensureOutboxIdsAbove(c);
                idsChecked = true;
            }
            ensureTracked();
            checkConsumer(c);
            deleteMoved(c, dialect, null);
            int total = 0;
            while (true) {
                CaptureCatalog.Shapes shapes = shapeCache.shapes(c, dialect.schemaToken(c));
                OutboxReader.Batch batch = OutboxReader.read(c, dialect, shapes, witness);
                checkShapes(c, dialect, shapes);
                List<OutboxReader.Group> groups = batch.groups();
                Map<Object, List<OutboxRow>> rows = batch.rows();
                if (groups.isEmpty()) {
                    failed = false;
                    return total;
                }
                // Makes the rows just read durable (the log must not hold what the database could lose) and the
                // deletes done so far (the consumer may now pass them).
                dialect.flushCommitted(c);
                // After the flush, whose wait ended the commits in progress at the read: what a statement showed
                // but the database does not hold as committed (a dead row of a killed transaction) never moves.
                batch = OutboxReader.keepCommitted(c, dialect, batch);
                groups = batch.groups();
                rows = batch.rows();
                if (groups.isEmpty()) {
                    failed = false; // the rows left wait for a pass after their transactions ended
                    return total;
                }
                Consumer consumer = consumer();
                if (deletedUpTo > consumer.position()) {
                    consumer.advanceTo(deletedUpTo);
                }
                for (OutboxReader.Group g : groups) {
                    List<OutboxRow> groupRows = rows.getOrDefault(g.key(), List.of());
                    ensureSchemas(groupRows, dialect);
                    moved.accept(write(g, groupRows));
                    total++;
                }
                deleteMoved(c, dialect, batch);
                if (!batch.more()) {
                    // Everything committed before this pass's read is in the log; later commits wait for the next
                    // call (a writer that never pauses would otherwise keep this call looping).
                    failed = false;
                    return total;
                }
            }
        } finally {
            c.setAutoCommit(autoCommit);
            if (failed) {
                idsChecked = false;
                shapeCache.clear();
                witness.close(); // a broken connection is reopened by the next call
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
     * name: the log holds them. The consumer is not moved here: only after the next flush. After a pass those
     * deltas are exactly the ones the pass wrote (this call, at the start of {@link #relay} and after each pass,
     * deleted everything the log named before, and only this relay writes positions; a failed pass ends the call,
     * and the next one starts from the log): the pass's rows then go without reading the positions back, the outbox
     * emptied in one step if it holds nothing else ({@link Dialect#clearIfOnly}), else by runs of ids ({@link
     * #deleteIds}). At the start of a call (after a restart) each logged transaction's rows go by its id range and
     * key.
     *
     * @param batch the batch this pass just recorded, or null at the start of a call
     */
    private void deleteMoved(Connection c, Dialect dialect, OutboxReader.Batch batch) throws SQLException {
        if (batch != null) {
            long[] ids = ids(batch);
            Arrays.sort(ids);
            if (!dialect.clearIfOnly(c, ids.length, ids[0], ids[ids.length - 1])) {
                deleteIds(c, ids);
            }
            deletedUpTo = lastWritten;
            return;
        }
        List<OutboxReader.Group> done = new ArrayList<>();
        long last = Long.MIN_VALUE;
        try (DeltaCursor cursor =
                log.changesAfter(positionTable, Math.max(consumer().position(), deletedUpTo))) {
            for (Delta d : cursor) {
                Tuple t = ((DeltaOp.Insert) d.op()).after();
                done.add(new OutboxReader.Group(t.get(1), (Long) t.get(0), d.rowId(), 0));
                last = d.commitTimestamp();
            }
        }
        if (done.isEmpty()) {
            return;
        }
        c.setAutoCommit(false);
        try (PreparedStatement p =
                c.prepareStatement("DELETE FROM " + Dialect.OUTBOX + " WHERE ID >= ? AND ID <= ? AND TX = ?")) {
            for (OutboxReader.Group g : done) {
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

    /**
     * Deletes exactly the given outbox rows (ids ascending), one id range per run of consecutive ids, in one transaction. A pass
     * moves rows of transactions that committed one after the other, so runs are long (one, under one writer); an
     * {@code ID = ANY(?)} in H2 compares each row with the whole array.
     */
    private static void deleteIds(Connection c, long[] ids) throws SQLException {
        c.setAutoCommit(false);
        try (PreparedStatement p = c.prepareStatement("DELETE FROM " + Dialect.OUTBOX + " WHERE ID >= ? AND ID <= ?")) {
            int from = 0;
            for (int i = 1; i <= ids.length; i++) {
                if (i == ids.length || ids[i] != ids[i - 1] + 1) {
                    p.setLong(1, ids[from]);
                    p.setLong(2, ids[i - 1]);
                    p.addBatch();
                    from = i;
                }
            }
            p.executeBatch();
            c.commit();
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }

    private static long[] ids(OutboxReader.Batch batch) {
        int n = 0;
        for (List<OutboxRow> rows : batch.rows().values()) {
            n += rows.size();
        }
        long[] ids = new long[n];
        int i = 0;
        for (List<OutboxRow> rows : batch.rows().values()) {
            for (OutboxRow row : rows) {
                ids[i++] = row.id();
            }
        }
        return ids;
    }

    private static long outboxSize(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + Dialect.OUTBOX)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Stops before moving anything if an active shape no longer matches its table (DDL since install). */
    private void checkShapes(Connection c, Dialect dialect, CaptureCatalog.Shapes shapes) throws SQLException {
        Object schema = dialect.schemaToken(c);
        if (schema != null && schema.equals(checkedSchema)) {
            return;
        }
        boolean reinstalled = false;
        for (int id : shapes.active()) {
            TableShape shape = shapes.all().get(id);
            List<CapturedColumn> now = dialect.columns(c, shape.table());
            if (now.isEmpty()) {
                throw new CapturedTableChangedException("captured table " + shape.table()
                        + " no longer exists; uninstall it from capture (pending changes stay in the outbox)");
            }
            if (!now.equals(shape.columns())) {
                reinstall(c, dialect, shape, now);
                reinstalled = true;
                continue;
            }
            if (!dialect.triggersPresent(c, shape)) {
                throw new CapturedTableChangedException("captured table " + shape.table()
                        + " lost its capture triggers (dropped and re-created?); run capture install for it again");
            }
        }
        // After a re-install the schema changed again: the next pass checks the new shapes.
        checkedSchema = reinstalled ? null : schema;
    }

    /**
     * Re-installs capture of a table whose columns changed, when the log's schema can follow (columns appended or
     * dropped, types widened): new triggers under a new shape, whose rows the log records under a new schema
     * version. Rows already captured keep their shape.
     *
     * @throws CapturedTableChangedException if the change cannot be followed, naming the table and why
     */
    private void reinstall(Connection c, Dialect dialect, TableShape shape, List<CapturedColumn> now)
            throws SQLException {
        TableShape wanted;
        try {
            wanted = Installer.describe(c, dialect, shape.table());
            LogSchema.changes(shape.table(), LogSchema.of(shape, dialect), LogSchema.of(wanted, dialect));
        } catch (CapturedTableChangedException e) {
            throw e;
        } catch (CaptureException e) {
            throw new CapturedTableChangedException("captured table " + shape.table() + " changed since capture"
                    + " was installed: columns " + describe(shape.columns()) + " are now " + describe(now)
                    + ", and capture cannot follow: " + e.getMessage());
        }
        Installer.install(c, (active, next) -> {}, shape.table());
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

    /**
     * Makes the log's schema of each table in a transaction's rows the one of the shape they were captured under
     * (registered, or altered from the version before), before they are recorded: the log's history then says
     * when the shape changed, and every row is checked against the columns it was captured with.
     */
    private void ensureSchemas(List<OutboxRow> rows, Dialect dialect) {
        Map<TableShape, TableSchema> schemas = shapeCache.logSchemas();
        Map<TableShape, TableSchema> confirmed = shapeCache.confirmedSchemas();
        TableShape last = null;
        for (OutboxRow row : rows) {
            TableShape shape = row.shape();
            if (shape == last) {
                continue;
            }
            last = shape;
            TableSchema wanted = schemas.computeIfAbsent(shape, s -> LogSchema.of(s, dialect));
            TableSchema current = log.schema(shape.table()).orElse(null);
            if (current != null && current == confirmed.get(shape)) {
                continue; // the log's version this relay already found to have the shape's columns
            }
            if (current == null || !current.sameColumns(wanted)) {
                LogSchema.ensure(log, shape.table(), wanted);
                current = log.schema(shape.table()).orElse(null);
            }
            confirmed.put(shape, current);
        }
    }

    /**
     * Records one database transaction as one log transaction, with its position and, for a shape the log's
     * columns table does not hold yet, the shape's entry.
     */
    private int write(OutboxReader.Group g, List<OutboxRow> rows) {
        Set<TableShape> confirmed = shapeCache.logged();
        Map<Integer, Tuple> newShapes = null;
        List<TableShape> checked = null;
        int deltas = 0;
        try (DeltaTransaction tx = log.begin()) {
            TableShape last = null;
            for (OutboxRow row : rows) {
                TableShape shape = row.shape();
                if (shape != last && !confirmed.contains(shape)) {
                    Map<Integer, Tuple> logged = loggedShapes();
                    Tuple columns = Capture.columnsTuple(shape);
                    Tuple old = logged.get(shape.id());
                    if (!columns.equals(old) && (newShapes == null || !newShapes.containsKey(shape.id()))) {
                        if (old == null) {
                            tx.insert(columnsTable, shape.id(), columns);
                        } else {
                            tx.update(columnsTable, shape.id(), old, columns);
                        }
                        if (newShapes == null) {
                            newShapes = new LinkedHashMap<>();
                        }
                        newShapes.put(shape.id(), columns);
                    }
                    if (checked == null) {
                        checked = new ArrayList<>();
                    }
                    checked.add(shape);
                }
                last = shape;
                deltas += record(tx, row);
            }
            tx.insert(positionTable, g.maxId(), Tuple.of(g.minId(), g.key(), g.rows()));
            lastWritten = tx.commit();
        }
        if (newShapes != null) {
            loggedShapes().putAll(newShapes);
        }
        if (checked != null) {
            confirmed.addAll(checked);
        }
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
