package io.github.deltalog.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.deltalog.ChangeSet;
import io.github.deltalog.ColumnType;
import io.github.deltalog.DeltaLog;
import io.github.deltalog.TableSchema;
import io.github.deltalog.Tuple;
import io.github.deltalog.sync.ApplyResult;
import io.github.deltalog.sync.ApplyTarget;
import io.github.deltalog.sync.ChangeApplier;
import io.github.deltalog.sync.JdbcTable;
import io.github.deltalog.sync.JdbcTarget;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A change set captured from one real database applies to the other through a {@link JdbcTarget} whose table is
 * built from the target's metadata ({@link JdbcTables}): H2 to SQLite and SQLite to H2, every common column type,
 * NULLs, seeded random inserts, updates and deletes in several rounds, each applied with the abort policy (a
 * before image that does not match the target's row would abort the test). After each round both tables read
 * the same in the log schema's types. Rerun with {@code -Ddeltalog.seed=N}.
 */
class CrossDatabaseApplyTest {
    private static final int ROUNDS = 6;
    private static final String H2_TABLE = "CREATE TABLE items(id BIGINT PRIMARY KEY, i INTEGER, s SMALLINT,"
            + " big BIGINT, price DECIMAL(12,2), ratio DOUBLE PRECISION, name VARCHAR(200), data VARBINARY(100),"
            + " flag BOOLEAN, born DATE, clock TIME(9), stamp TIMESTAMP(9), uid UUID)";
    private static final String SQLITE_TABLE = "CREATE TABLE items(id INTEGER PRIMARY KEY, i INTEGER, s SMALLINT,"
            + " big BIGINT, price DECIMAL(12,2), ratio DOUBLE, name TEXT, data BLOB, flag BOOLEAN, born DATE, clock TIME,"
            + " stamp TIMESTAMP, uid UUID)";

    @TempDir
    Path dir;

    @Test
    void h2ChangesApplyToSqlite() throws Exception {
        roundTrip(Db.H2, Db.SQLITE);
    }

    @Test
    void sqliteChangesApplyToH2() throws Exception {
        roundTrip(Db.SQLITE, Db.H2);
    }

    private void roundTrip(Db source, Db target) throws Exception {
        long seed = Long.getLong("deltalog.seed", System.nanoTime());
        Path src = dir.resolve("source");
        Path dst = dir.resolve("target");
        java.nio.file.Files.createDirectories(src);
        java.nio.file.Files.createDirectories(dst);
        try (DeltaLog log = DeltaLog.open(dir.resolve("log.deltas"));
                Capture capture = Capture.of(log, () -> source.connect(src));
                Connection from = source.connect(src);
                Connection to = target.connect(dst)) {
            Db.exec(from, source == Db.H2 ? H2_TABLE : SQLITE_TABLE);
            Db.exec(to, target == Db.H2 ? H2_TABLE : SQLITE_TABLE);
            String table = capture.install(from, "items").get(0);
            capture.enlist(from);
            TableSchema schema = log.schema(table).orElseThrow();
            assertEquals(
                    source == Db.H2 ? ColumnType.INT : ColumnType.LONG,
                    schema.columns().get(1).type());
            JdbcTable sourceTable = JdbcTables.of(from, "items");
            JdbcTable targetTable = JdbcTables.of(to, "items", schema);
            assertEquals(table, targetTable.table());
            ChangeApplier applier = new ChangeApplier(new JdbcTarget(to, List.of(targetTable)));
            Random random = new Random(seed);
            List<Long> live = new ArrayList<>();
            long nextId = 1;
            long after = 0;
            try {
                for (int round = 0; round < ROUNDS; round++) {
                    from.setAutoCommit(false);
                    for (int op = 0; op < 25; op++) {
                        int kind = live.isEmpty() ? 0 : random.nextInt(3);
                        if (kind == 0) {
                            long id = nextId++;
                            insert(from, source, id, random);
                            live.add(id);
                        } else if (kind == 1) {
                            update(from, source, live.get(random.nextInt(live.size())), random);
                        } else {
                            long id = live.remove(random.nextInt(live.size()));
                            Db.exec(from, "DELETE FROM items WHERE id = " + id);
                        }
                    }
                    from.commit();
                    from.setAutoCommit(true);
                    capture.relayAvailable();
                    ChangeSet changes = log.changesAfter(List.of(table), after);
                    after = changes.watermark();
                    ApplyResult result = applier.apply(changes);
                    assertEquals(changes.size(), result.applied(), "round " + round + ": " + result);
                    assertEquals(rows(from, sourceTable), rows(to, targetTable), "round " + round);
                }
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError(source + " to " + target + " failed with -Ddeltalog.seed=" + seed, e);
            }
        }
    }

    private static final String COLUMNS = "i, s, big, price, ratio, name, data, flag, born, clock, stamp, uid";

    private static void insert(Connection c, Db db, long id, Random r) throws SQLException {
        write(c, db, "INSERT INTO items(" + COLUMNS + ", id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", id, r);
    }

    /** Sets every column, NULLs included. */
    private static void update(Connection c, Db db, long id, Random r) throws SQLException {
        write(c, db, "UPDATE items SET " + COLUMNS.replace(",", " = ?,") + " = ? WHERE id = ?", id, r);
    }

    /** Binds random values, each column NULL one time in four, then the id. */
    private static void write(Connection c, Db db, String sql, long id, Random r) throws SQLException {
        LocalDateTime stamp = LocalDateTime.of(
                1990 + r.nextInt(60),
                1 + r.nextInt(12),
                1 + r.nextInt(28),
                r.nextInt(24),
                r.nextInt(60),
                r.nextInt(60),
                r.nextInt(4) == 0 ? 0 : r.nextInt(1_000_000_000));
        byte[] data = new byte[r.nextInt(40)];
        r.nextBytes(data);
        Object[] values = {
            r.nextInt(),
            (short) r.nextInt(Short.MIN_VALUE, Short.MAX_VALUE + 1),
            r.nextLong(),
            BigDecimal.valueOf(r.nextLong(-99_999_999_999L, 99_999_999_999L), 2),
            r.nextDouble() * 1e6 - 5e5,
            "name-" + r.nextInt(1000) + (r.nextBoolean() ? " é✓" : ""),
            data,
            r.nextBoolean(),
            stamp.toLocalDate(),
            stamp.toLocalTime(),
            stamp,
            new UUID(r.nextLong(), r.nextLong())
        };
        try (PreparedStatement p = c.prepareStatement(sql)) {
            for (int i = 0; i < values.length; i++) {
                Object v = r.nextInt(4) == 0 ? null : values[i];
                if (db == Db.SQLITE && v != null) {
                    v = ValueConversions.toSqlite(v); // as an SQLite application stores dates, times and UUIDs
                }
                if (v instanceof byte[] b) {
                    p.setBytes(i + 1, b);
                } else {
                    p.setObject(i + 1, v);
                }
            }
            p.setLong(values.length + 1, id);
            p.executeUpdate();
        }
    }

    /** Every row of a table as a JDBC target reads it. */
    private static TreeMap<Long, Tuple> rows(Connection c, JdbcTable table) throws SQLException {
        List<Long> ids = new ArrayList<>();
        boolean autoCommit = c.getAutoCommit();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT " + table.idColumn() + " FROM " + table.sqlTable())) {
            while (rs.next()) {
                ids.add(rs.getLong(1));
            }
        }
        TreeMap<Long, Tuple> rows = new TreeMap<>();
        try (ApplyTarget.Transaction tx = new JdbcTarget(c, List.of(table)).begin()) {
            for (long id : ids) {
                rows.put(id, tx.read(table.table(), id));
            }
        }
        c.setAutoCommit(autoCommit);
        return rows;
    }

    @Test
    void aTableWithoutAColumnOfTheSchemaIsRefusedNamingIt() throws Exception {
        try (DeltaLog log = DeltaLog.open(dir.resolve("log.deltas"));
                Connection h2 = Db.H2.connect(dir);
                Connection sqlite = Db.SQLITE.connect(dir)) {
            Db.exec(h2, H2_TABLE);
            Db.exec(sqlite, "CREATE TABLE items(id INTEGER PRIMARY KEY, i INTEGER)");
            Capture.of(log, () -> Db.H2.connect(dir)).install(h2, "items");
            CaptureException e = assertThrows(
                    CaptureException.class,
                    () -> JdbcTables.of(sqlite, "items", log.schema("ITEMS").orElseThrow()));
            assertTrue(e.getMessage().contains("has no column S"), e.getMessage());
        }
    }
}
