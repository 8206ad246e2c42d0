package io.github.deltalog.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.deltalog.ChangeSet;
import io.github.deltalog.Delta;
import io.github.deltalog.DeltaOp;
import io.github.deltalog.Tuple;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The JDBC target in real H2 (in memory) and SQLite (a file) databases: random change sets with conflicts of every
 * type (CONSTRAINT from a CHECK constraint) under every policy give the same rows and counts as the map target with
 * the same check; ABORT leaves the table untouched; a UNIQUE violation is a CONSTRAINT conflict, a foreign key's a
 * FOREIGN_KEY one. Rerun one case
 * with {@code -Ddeltalog.seed=N}.
 */
class JdbcTargetTest {
    private static final int CASES = Integer.getInteger("deltalog.sync.jdbc.cases", 40);
    private static final MapTarget.RowCheck CHECK =
            (table, rowId, row) -> (Long) row.get(0) < 0 ? "CHECK qty >= 0" : null;
    private static final JdbcTable ORDERS = new JdbcTable(
            "orders", "orders", "id", List.of("qty", "name", "data"), List.of(Long.class, String.class, byte[].class));

    @TempDir
    Path dir;

    private Connection open(String db) throws Exception {
        Connection c;
        if (db.equals("h2")) {
            c = DriverManager.getConnection("jdbc:h2:mem:" + dir.getFileName() + System.nanoTime());
        } else {
            c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("t" + System.nanoTime() + ".db"));
        }
        try (Statement s = c.createStatement()) {
            s.execute(
                    db.equals("h2")
                            ? "CREATE TABLE \"orders\"(\"id\" BIGINT PRIMARY KEY, \"qty\" BIGINT CHECK (\"qty\" >= 0),"
                                    + " \"name\" VARCHAR(40) UNIQUE, \"data\" VARBINARY(8))"
                            : "CREATE TABLE \"orders\"(\"id\" INTEGER PRIMARY KEY, \"qty\" INTEGER CHECK (\"qty\" >= 0),"
                                    + " \"name\" TEXT UNIQUE, \"data\" BLOB)");
        }
        return c;
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "sqlite"})
    void jdbcTargetAppliesLikeTheMapTarget(String db) throws Exception {
        Long fixed = Long.getLong("deltalog.seed");
        long base = fixed != null ? fixed : new Random().nextLong();
        int cases = fixed != null ? 1 : CASES;
        try (Connection c = open(db)) {
            for (int i = 0; i < cases; i++) {
                long seed = base + i;
                try {
                    checkCase(new Random(seed), c);
                } catch (AssertionError | RuntimeException e) {
                    throw new AssertionError(db + " failed; reproduce with -Ddeltalog.seed=" + seed, e);
                }
            }
        }
    }

    private static void checkCase(Random rnd, Connection c) throws Exception {
        MapTarget reference = new MapTarget(CHECK);
        rows(c).forEach((id, t) -> reference.put("orders", id, t));
        ChangeSet changes = randomChanges(rnd, reference.rows("orders"));
        ConflictHandler[] policies = {
            ConflictHandler.abort(),
            ConflictHandler.omit(),
            ConflictHandler.replace(),
            ConflictHandler.laterCommitWins()
        };
        ConflictHandler policy = policies[rnd.nextInt(policies.length)];
        Map<Long, Tuple> before = rows(c);
        ApplyResult want;
        ApplyResult got;
        try {
            want = new ChangeApplier(reference, policy).apply(changes);
        } catch (ApplyConflictException e) {
            want = null;
        }
        try {
            got = new ChangeApplier(new JdbcTarget(c, List.of(ORDERS)), policy).apply(changes);
        } catch (ApplyConflictException e) {
            got = null;
        }
        assertEquals(want, got, "counts");
        assertEquals(want == null ? before : reference.rows("orders"), rows(c), "rows");
        assertTrue(c.getAutoCommit(), "auto-commit restored");
    }

    /** Distinct names (the UNIQUE column stays out of the way); qty sometimes negative (the CHECK). */
    private static ChangeSet randomChanges(Random rnd, Map<Long, Tuple> rows) {
        List<Delta> deltas = new ArrayList<>();
        Set<Long> used = new HashSet<>();
        long ts = 100;
        for (int n = rnd.nextInt(12); n > 0; n--) {
            long id = rnd.nextInt(15);
            if (!used.add(id)) {
                continue;
            }
            Tuple current = rows.get(id);
            Tuple after = Tuple.of(
                    (long) rnd.nextInt(6) - 1,
                    rnd.nextInt(4) == 0 ? null : "n" + rnd.nextLong(),
                    rnd.nextBoolean() ? null : new byte[] {(byte) rnd.nextInt(4)});
            Tuple stale = Tuple.of(9L, "stale" + rnd.nextLong(), null);
            Tuple before = current != null && rnd.nextInt(4) != 0 ? current : stale;
            DeltaOp op =
                    switch (rnd.nextInt(3)) {
                        case 0 -> new DeltaOp.Insert(after);
                        case 1 -> new DeltaOp.Update(before, after);
                        default -> new DeltaOp.Delete(before);
                    };
            deltas.add(new Delta("orders", id, ts++, op));
        }
        return new ChangeSet(deltas, ts);
    }

    private static Map<Long, Tuple> rows(Connection c) throws Exception {
        Map<Long, Tuple> rows = new TreeMap<>();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT \"id\", \"qty\", \"name\", \"data\" FROM \"orders\"")) {
            while (rs.next()) {
                rows.put(rs.getLong(1), Tuple.of(rs.getLong(2), rs.getString(3), rs.getBytes(4)));
            }
        }
        return rows;
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "sqlite"})
    void uniqueViolationIsAConstraintConflict(String db) throws Exception {
        try (Connection c = open(db)) {
            JdbcTarget target = new JdbcTarget(c, List.of(ORDERS));
            new ChangeApplier(target).apply(insert(1, "alice"));
            ApplyConflictException e = assertThrows(
                    ApplyConflictException.class, () -> new ChangeApplier(target).apply(insert(2, "alice")));
            assertEquals(ConflictType.CONSTRAINT, e.conflict().type());
            assertTrue(e.getMessage().contains("table 'orders' row 2 refused"), e.getMessage());
            ApplyResult r = new ChangeApplier(target, ConflictHandler.omit()).apply(insert(2, "alice"));
            assertEquals(new ApplyResult(0, 1, 0), r);
            assertEquals(Map.of(1L, Tuple.of(1L, "alice", null)), rows(c));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "sqlite"})
    void foreignKeyViolationIsAForeignKeyConflict(String db) throws Exception {
        try (Connection c = open(db)) {
            try (Statement s = c.createStatement()) {
                if (db.equals("sqlite")) {
                    s.execute("PRAGMA foreign_keys = ON"); // off by default in SQLite
                }
                s.execute("CREATE TABLE \"lines\"(\"id\" BIGINT PRIMARY KEY, \"order_id\" BIGINT NOT NULL"
                        + " REFERENCES \"orders\"(\"id\"))");
            }
            JdbcTable lines = new JdbcTable("lines", "lines", "id", List.of("order_id"), List.of(Long.class));
            JdbcTarget target = new JdbcTarget(c, List.of(ORDERS, lines));
            new ChangeApplier(target).apply(insert(1, "alice"));
            Delta orphan = new Delta("lines", 10, 5, new DeltaOp.Insert(Tuple.of(99L)));
            Delta child = new Delta("lines", 11, 6, new DeltaOp.Insert(Tuple.of(1L)));
            ChangeSet changes = new ChangeSet(List.of(orphan, child), 6);

            ApplyConflictException e =
                    assertThrows(ApplyConflictException.class, () -> new ChangeApplier(target).apply(changes));
            assertEquals(ConflictType.FOREIGN_KEY, e.conflict().type());
            assertEquals(10, e.conflict().rowId());
            assertTrue(e.getMessage().contains("table 'lines' row 10 refused"), e.getMessage());
            assertEquals(Map.of(), lineRows(c), "an aborted apply leaves the target untouched");

            assertThrows(
                    ApplyConflictException.class,
                    () -> new ChangeApplier(target, ConflictHandler.replace()).apply(changes),
                    "REPLACE cannot answer a refused write");
            assertEquals(new ApplyResult(1, 1, 0), new ChangeApplier(target, ConflictHandler.omit()).apply(changes));
            assertEquals(Map.of(11L, 1L), lineRows(c));

            // A delete of a parent that rows still reference is refused the same way.
            Delta parentGone = new Delta("orders", 1, 7, new DeltaOp.Delete(Tuple.of(1L, "alice", null)));
            ApplyConflictException refused = assertThrows(ApplyConflictException.class, () -> new ChangeApplier(target)
                    .apply(new ChangeSet(List.of(parentGone), 7)));
            assertEquals(ConflictType.FOREIGN_KEY, refused.conflict().type());
            assertEquals(Map.of(1L, Tuple.of(1L, "alice", null)), rows(c));
        }
    }

    private static Map<Long, Long> lineRows(Connection c) throws Exception {
        Map<Long, Long> rows = new TreeMap<>();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT \"id\", \"order_id\" FROM \"lines\"")) {
            while (rs.next()) {
                rows.put(rs.getLong(1), rs.getLong(2));
            }
        }
        return rows;
    }

    private static ChangeSet insert(long id, String name) {
        return new ChangeSet(List.of(new Delta("orders", id, id, new DeltaOp.Insert(Tuple.of(1L, name, null)))), id);
    }
}
