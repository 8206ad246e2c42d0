package io.github.deltalog.jdbc;

import io.github.deltalog.ColumnType;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What differs between databases for capture: the outbox table, the triggers that fill it inside the
 * application's transaction, the row id and how the relay reads images back. Everything else (catalog, relay,
 * exactly-once hand-over) is shared. A dialect for another database implements this interface; {@link #of} picks
 * the built-in ones by the driver's product name.
 *
 * <p>Every outbox has the columns {@code id} (ascending in the order rows were written), {@code tx} (the same
 * for all rows of one database transaction, different for any two transactions) and {@code shape}, in this order
 * (the relay reads them by position, 1 to 3); then, where the images do not imply them (SQLite's implicit row id),
 * {@code op} (1 insert, 2 update, 3 delete), {@code old_rid} and {@code new_rid} (positions 4 to 6); then the images
 * in the dialect's own form. Without those three columns, the operation follows from which images are present
 * and the row ids from the images' row id column.
 */
public interface Dialect {
    /** The outbox table's name. */
    String OUTBOX = "DELTALOG_OUTBOX";

    /**
     * Names the database.
     *
     * @return a short name, as in messages
     */
    String name();

    /**
     * Creates the outbox table if missing. Runs inside the caller's transaction.
     *
     * @param c a connection
     * @throws SQLException if the database refuses
     */
    void createOutbox(Connection c) throws SQLException;

    /**
     * Makes the outbox's id generator hand out only ids above every id the outbox holds and every id it handed out
     * before. H2 needs it after a crash: its identity state and the table are stored at different moments, so a
     * reopened database can restart the identity below ids the outbox still holds (duplicate keys for the
     * application, and new transactions ordered before older unmoved ones). Commits the connection's transaction
     * where it changes anything (H2: DDL). A no-op where ids are {@code max(id) + 1} by construction (SQLite's
     * rowid without AUTOINCREMENT) or the outbox does not exist.
     *
     * @param c a connection with no transaction of the application open
     * @return true if the generator had to be moved
     * @throws SQLException if the database refuses
     */
    default boolean ensureOutboxIdsAbove(Connection c) throws SQLException {
        return false;
    }

    /**
     * Drops the outbox table.
     *
     * @param c a connection
     * @throws SQLException if the database refuses
     */
    void dropOutbox(Connection c) throws SQLException;

    /**
     * Returns the log's type of a column: the class every value of the column has once the relay read it (the
     * value normalisation of {@link #readImages}), what the log's {@link io.github.deltalog.TableSchema} of the
     * table declares.
     *
     * @param column a column as the metadata describes it
     * @return the type, or null if the log cannot record the column
     */
    ColumnType logType(CapturedColumn column);

    /**
     * Fails if a column type cannot be captured.
     *
     * @param table the table
     * @param columns its columns
     * @throws CaptureException naming the table, column and type
     */
    default void checkTypes(String table, List<CapturedColumn> columns) {
        for (CapturedColumn col : columns) {
            if (logType(col) == null) {
                throw new CaptureException("column " + col.name() + " of table " + table + " has type " + col.type()
                        + ", which the log cannot record (see the README's type mapping)");
            }
        }
    }

    /**
     * Returns the column that gives each row's id.
     *
     * @param c a connection
     * @param table the table as the database stores it
     * @param columns its columns
     * @return an integer primary key column, or null for the database's implicit row id
     * @throws CaptureException if the table has no usable row id
     * @throws SQLException if the metadata cannot be read
     */
    String rowIdColumn(Connection c, String table, List<CapturedColumn> columns) throws SQLException;

    /**
     * Creates the triggers that capture a table's inserts, updates and deletes into the outbox, tagged with the
     * shape's id. Runs inside the caller's transaction.
     *
     * @param c a connection
     * @param shape the installed shape
     * @throws SQLException if the database refuses
     */
    void createTriggers(Connection c, TableShape shape) throws SQLException;

    /**
     * Drops every capture trigger of a table.
     *
     * @param c a connection
     * @param table the table as the database stores it
     * @throws SQLException if the database refuses
     */
    void dropTriggers(Connection c, String table) throws SQLException;

    /**
     * Tells whether a shape's triggers are all in place (a dropped and re-created table has lost them).
     *
     * @param c a connection
     * @param shape the shape
     * @return true if they are
     * @throws SQLException if the catalog cannot be read
     */
    boolean triggersPresent(Connection c, TableShape shape) throws SQLException;

    /**
     * Reads the before and after images of the current outbox row.
     *
     * @param rs positioned on a row of {@code SELECT * FROM DELTALOG_OUTBOX}
     * @param first the position of the first column after the fixed ones (7, or 4 in an outbox without
     *     {@code op}, {@code old_rid} and {@code new_rid})
     * @param shape the row's shape
     * @return {before, after}, each null when the operation has none, else tuple-typed values
     * @throws SQLException if the row cannot be read
     */
    Object[][] readImages(ResultSet rs, int first, TableShape shape) throws SQLException;

    /**
     * Empties the outbox in one step if it holds exactly the rows a relay pass just moved into the log, and nothing
     * else: no other committed row and no row of a transaction still open. The relay calls it, after its log
     * commits, in place of deleting those rows one by one (which costs a lock and an undo entry per row where the
     * database deletes row by row). The emptying need not be atomic with anything nor durable at once: until the
     * next {@link #flushCommitted}, a crash may bring the rows back, and the relay deletes them again from the
     * positions in the log.
     *
     * @param c the relay's connection, in auto-commit mode (left so)
     * @param rows how many rows the pass moved (distinct ids)
     * @param minId the smallest of their ids
     * @param maxId the largest of their ids
     * @return true if the outbox was emptied; false if it holds anything else, if another transaction holds the
     *     outbox now, or if the dialect cannot empty it safely (then the caller deletes the rows by id)
     * @throws SQLException if the database fails
     */
    default boolean clearIfOnly(Connection c, int rows, long minId, long maxId) throws SQLException {
        return false;
    }

    /**
     * Makes every transaction committed so far survive a crash of the process. The relay calls it after reading
     * outbox rows (so the log never holds a transaction the database could still lose) and after deleting them
     * (so a lost delete never makes it move a transaction twice). A no-op where a commit is written to the file
     * before it returns (SQLite); H2 writes commits in the background (WRITE_DELAY) and needs a CHECKPOINT.
     *
     * @param c a connection
     * @throws SQLException if the database refuses
     */
    default void flushCommitted(Connection c) throws SQLException {}

    /**
     * Tells whether a row one transaction reads may exist for that transaction only, so that the relay must move
     * only the outbox rows a second, concurrent transaction (on another connection) sees too. H2 2.x needs it: a
     * kill can persist a transaction's change without its undo-log entry, recovery then cannot roll that change
     * back, and the dead row stays visible to any later transaction that happens to get the same transaction id.
     * Two concurrent transactions never share an id, but H2 also shows a dead row to every reader while a
     * transaction with its id commits: the witness alone is not enough, {@link #uncommittedOutboxRows} is the
     * exact check.
     *
     * @return true if the relay needs a witness connection
     */
    default boolean needsWitness() {
        return false;
    }

    /**
     * Returns the outbox rows between {@code minId} and {@code maxId} that the open transaction of {@code c} holds as
     * its own uncommitted inserts. Before that transaction wrote anything, these can only be dead rows whose
     * (recycled) transaction id it got (see {@link #needsWitness}): exactly the rows of its read that the witness
     * would not see, found without the witness's second query.
     *
     * @param c a connection with a transaction open that has written nothing
     * @param minId the smallest outbox id read
     * @param maxId the largest outbox id read
     * @return the ids, ascending; null if the dialect cannot tell (then the witness decides)
     * @throws SQLException if the database fails
     */
    default long[] ownUncommittedOutboxRows(Connection c, long minId, long maxId) throws SQLException {
        return null;
    }

    /**
     * Tells whether each committed transaction's outbox rows are consecutive among the committed rows in id order
     * (no other transaction's row between its first and last), as where one writer at a time holds the database
     * from its first write to its commit (SQLite). The relay then cuts a pass that stops at its row limit without a
     * query: only the transaction of the first row left out can go on past the cut.
     *
     * @return true if committed transactions never interleave in the outbox
     */
    default boolean transactionsContiguous() {
        return false;
    }

    /**
     * Tells which outbox rows between {@code minId} and {@code maxId} the database does not hold as committed now,
     * though a statement may have shown them: H2 2.x shows the dead row of a transaction a kill cut short (see
     * {@link #needsWitness}) to every reader while a later transaction that got the same, recycled id commits, so
     * neither the relay's read nor its witness can tell it from a committed row. The relay calls this after
     * {@link #flushCommitted}, which waited for the commits in progress at its read to end, and moves no row named
     * here. Cost: one scan of the id range in the outbox's own storage.
     *
     * @param c a connection, in auto-commit mode
     * @param minId the smallest outbox id read
     * @param maxId the largest outbox id read
     * @return the rows, empty where the database never shows an uncommitted row to another transaction (SQLite)
     * @throws SQLException if the database fails
     */
    default UncommittedRows uncommittedOutboxRows(Connection c, long minId, long maxId) throws SQLException {
        return UncommittedRows.NONE;
    }

    /**
     * Outbox rows the database does not hold as committed.
     *
     * @param dead rows of a transaction that has ended without committing them (a kill cut it short): never moved
     * @param open rows of a transaction that is still open (committing, or a dead row whose recycled id a live
     *     transaction has now): their transactions wait for a later pass
     */
    record UncommittedRows(java.util.Set<Long> dead, java.util.Set<Long> open) {
        /** No such rows. */
        public static final UncommittedRows NONE = new UncommittedRows(java.util.Set.of(), java.util.Set.of());

        /**
         * Tells whether there are none.
         *
         * @return true if both sets are empty
         */
        public boolean isEmpty() {
            return dead.isEmpty() && open.isEmpty();
        }
    }

    /**
     * Returns a value that changes whenever the database's schema changes, so the relay can skip re-reading the
     * captured tables' metadata on every pass; null if the database has none (then it reads it every pass).
     *
     * @param c a connection
     * @return the token or null
     * @throws SQLException if the database refuses
     */
    default Object schemaToken(Connection c) throws SQLException {
        return null;
    }

    /**
     * Prepares a connection that writes to captured tables. SQLite needs it (the triggers call a function the
     * connection must provide, and its commits wake the relay); H2 does not.
     *
     * @param c the application's connection
     * @param onCommit called after each commit of that connection
     * @throws SQLException if the driver refuses
     */
    default void enlist(Connection c, Runnable onCommit) throws SQLException {}

    /**
     * Finds a table by the name a user typed: as is, then upper case, then lower case.
     *
     * @param c a connection
     * @param table the name
     * @return the name as the database stores it, or null if there is no such table
     * @throws SQLException if the metadata cannot be read
     */
    default String findTable(Connection c, String table) throws SQLException {
        DatabaseMetaData md = c.getMetaData();
        for (String candidate : new String[] {table, table.toUpperCase(Locale.ROOT), table.toLowerCase(Locale.ROOT)}) {
            try (ResultSet rs = md.getTables(null, null, candidate, new String[] {"TABLE", "BASE TABLE"})) {
                while (rs.next()) {
                    String name = rs.getString("TABLE_NAME");
                    if (name.equals(candidate) && isUserSchema(rs.getString("TABLE_SCHEM"))) {
                        return name;
                    }
                }
            }
        }
        return null;
    }

    /**
     * Tells whether tables of a schema are the application's (not the database's own catalog).
     *
     * @param schema a schema name from the metadata, may be null
     * @return true unless it is a system schema
     */
    default boolean isUserSchema(String schema) {
        return schema == null || !schema.equalsIgnoreCase("INFORMATION_SCHEMA");
    }

    /**
     * Reads a table's columns in order from the JDBC metadata.
     *
     * @param c a connection
     * @param table the table as the database stores it
     * @return its columns, empty if the table does not exist
     * @throws SQLException if the metadata cannot be read
     */
    default List<CapturedColumn> columns(Connection c, String table) throws SQLException {
        List<CapturedColumn> columns = new ArrayList<>();
        try (ResultSet rs = c.getMetaData().getColumns(null, null, table, null)) {
            while (rs.next()) {
                if (rs.getString("TABLE_NAME").equals(table) && isUserSchema(rs.getString("TABLE_SCHEM"))) {
                    String type = rs.getString("TYPE_NAME");
                    columns.add(new CapturedColumn(
                            rs.getString("COLUMN_NAME"), type == null ? "" : type.toUpperCase(Locale.ROOT)));
                }
            }
        }
        return columns;
    }

    /**
     * Reads a table's primary key columns from the JDBC metadata.
     *
     * @param c a connection
     * @param table the table as the database stores it
     * @return the key's column names in key order, empty if none
     * @throws SQLException if the metadata cannot be read
     */
    default List<String> primaryKey(Connection c, String table) throws SQLException {
        List<String> key = new ArrayList<>();
        List<Integer> seq = new ArrayList<>();
        try (ResultSet rs = c.getMetaData().getPrimaryKeys(null, null, table)) {
            while (rs.next()) {
                if (rs.getString("TABLE_NAME").equals(table) && isUserSchema(rs.getString("TABLE_SCHEM"))) {
                    int s = rs.getInt("KEY_SEQ");
                    int at = 0;
                    while (at < seq.size() && seq.get(at) < s) {
                        at++;
                    }
                    seq.add(at, s);
                    key.add(at, rs.getString("COLUMN_NAME"));
                }
            }
        }
        return key;
    }

    /**
     * Picks the built-in dialect for a connection's database.
     *
     * @param c a connection
     * @return the dialect
     * @throws CaptureException if the database is neither H2 nor SQLite
     * @throws SQLException if the metadata cannot be read
     */
    static Dialect of(Connection c) throws SQLException {
        String product = c.getMetaData().getDatabaseProductName();
        if (product.equalsIgnoreCase("H2")) {
            return new H2Dialect();
        }
        if (product.equalsIgnoreCase("SQLite")) {
            return new SqliteDialect();
        }
        throw new CaptureException("deltalog capture supports H2 and SQLite, not " + product);
    }
}
