package io.github.deltalog.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.deltalog.Delta;
import io.github.deltalog.DeltaCursor;
import io.github.deltalog.DeltaLog;
import io.github.deltalog.DeltaOp;
import io.github.deltalog.Tuple;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Relay passes cut at the row limit (lowered to {@link #LIMIT} rows here): a pass reads the outbox in id order up to
 * the limit and leaves the transactions that go on past it for the next pass, without grouping the whole outbox.
 * Seeded random transactions (H2: two connections whose open transactions interleave in the outbox; SQLite: one
 * writer) of 1 to 8 row changes, some larger than the limit, with rollbacks and relay calls in between: the log
 * holds each committed transaction once, as one log transaction, and each row's changes in commit order. Seed:
 * {@code -Ddeltalog.jdbc.backlog.seed=N}.
 */
class OutboxBacklogTest {
    private static final int LIMIT = 5;

    @TempDir
    Path dir;

    @BeforeEach
    void lowerTheLimit() {
        OutboxReader.rowsPerPass = LIMIT;
    }

    @AfterEach
    void restoreTheLimit() {
        OutboxReader.rowsPerPass = OutboxReader.MAX_ROWS;
    }

    /** One writing connection and what its open transaction changed (row id to its last value). */
    private static final class Writer {
        final Connection connection;
        final int parity;
        final Set<Long> committedRows = new HashSet<>();
        final Map<Long, Long> open = new LinkedHashMap<>();

        Writer(Connection connection, int parity) {
            this.connection = connection;
            this.parity = parity;
        }
    }

    @ParameterizedTest
    @EnumSource(Db.class)
    void passesCutAtTheRowLimitMoveEachTransactionOnceAndInRowOrder(Db kind) throws Exception {
        long seed = Long.getLong("deltalog.jdbc.backlog.seed", new SplittableRandom().nextLong());
        try {
            run(kind, seed);
        } catch (AssertionError | Exception e) {
            throw new AssertionError(kind + " failed with -Ddeltalog.jdbc.backlog.seed=" + seed + ": " + e, e);
        }
    }

    private void run(Db kind, long seed) throws Exception {
        SplittableRandom random = new SplittableRandom(seed);
        Path db = Files.createDirectories(dir.resolve("db-" + kind));
        String table = kind == Db.H2 ? "T" : "t";
        List<Map<Long, Long>> committed = new ArrayList<>();
        Map<Long, List<Long>> rowHistory = new TreeMap<>();
        try (DeltaLog log = DeltaLog.open(dir.resolve("log-" + kind + ".deltas"));
                Capture capture = Capture.of(log, () -> kind.connect(db));
                Connection relay = kind.connect(db)) {
            List<Writer> writers = new ArrayList<>();
            int count = kind == Db.H2 ? 2 : 1; // SQLite: one writer at a time
            for (int i = 0; i < count; i++) {
                writers.add(new Writer(kind.connect(db), i));
            }
            try {
                Db.exec(writers.get(0).connection, "CREATE TABLE t(id " + kind.integerKey() + ", v BIGINT)");
                capture.install(writers.get(0).connection, "t");
                for (Writer w : writers) {
                    capture.enlist(w.connection);
                    w.connection.setAutoCommit(false);
                }
                long nextValue = 1;
                long[] nextId = {2, 3};
                for (int step = 0; step < 400; step++) {
                    Writer w = writers.get(random.nextInt(count));
                    int choice = random.nextInt(10);
                    if (choice < 7 || w.open.isEmpty()) {
                        long value = nextValue++;
                        List<Long> existing = new ArrayList<>(w.committedRows);
                        existing.addAll(w.open.keySet());
                        if (existing.isEmpty() || random.nextBoolean()) {
                            long id = nextId[w.parity];
                            nextId[w.parity] += 2;
                            Db.exec(w.connection, "INSERT INTO t VALUES (" + id + ", " + value + ")");
                            w.open.put(id, value);
                        } else {
                            long id = existing.get(random.nextInt(existing.size()));
                            Db.exec(w.connection, "UPDATE t SET v = " + value + " WHERE id = " + id);
                            w.open.put(id, value);
                        }
                    } else if (choice < 9 && w.open.size() < 9) {
                        w.connection.commit();
                        committed.add(new TreeMap<>(w.open));
                        for (Map.Entry<Long, Long> e : w.open.entrySet()) {
                            w.committedRows.add(e.getKey());
                            rowHistory
                                    .computeIfAbsent(e.getKey(), k -> new ArrayList<>())
                                    .add(e.getValue());
                        }
                        w.open.clear();
                    } else {
                        w.connection.rollback();
                        w.open.clear();
                    }
                    // SQLite: the relay's clean-up would wait for the open transaction of this very thread.
                    if (random.nextInt(25) == 0 && (kind == Db.H2 || w.open.isEmpty())) {
                        capture.relayAvailable(relay);
                    }
                }
                for (Writer w : writers) {
                    w.connection.rollback();
                }
                capture.relayAvailable(relay);
                assertEquals(0, capture.relayAvailable(relay));
                assertEquals(0, outboxRows(relay), "outbox left non-empty");
            } finally {
                for (Writer w : writers) {
                    w.connection.close();
                }
            }
            List<Map<Long, Long>> logged = new ArrayList<>();
            Map<Long, List<Long>> loggedHistory = new TreeMap<>();
            Map<Long, Map<Long, Long>> byCommit = new LinkedHashMap<>();
            try (DeltaCursor cursor = log.changesAfter(table, 0L)) {
                for (Delta d : cursor) {
                    Tuple after = d.op() instanceof DeltaOp.Insert i ? i.after() : ((DeltaOp.Update) d.op()).after();
                    long value = ((Number) after.get(1)).longValue();
                    byCommit.computeIfAbsent(d.commitTimestamp(), k -> new TreeMap<>())
                            .put(d.rowId(), value);
                    loggedHistory
                            .computeIfAbsent(d.rowId(), k -> new ArrayList<>())
                            .add(value);
                }
            }
            logged.addAll(byCommit.values());
            assertEquals(rowHistory, loggedHistory, "each row's changes, in commit order");
            assertEquals(sorted(committed), sorted(logged), "the transactions, each one log transaction");
        }
    }

    private static List<String> sorted(List<Map<Long, Long>> transactions) {
        List<String> s = new ArrayList<>();
        for (Map<Long, Long> t : transactions) {
            s.add(t.toString());
        }
        s.sort(null);
        return s;
    }

    private static long outboxRows(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + Dialect.OUTBOX)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
