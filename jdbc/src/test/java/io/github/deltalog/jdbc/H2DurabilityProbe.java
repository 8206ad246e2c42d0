package io.github.deltalog.jdbc;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * H2 alone (deltalog only for {@link Mode#DIALECT}): what does a transaction a second connection saw committed,
 * followed by a durability statement, survive a SIGKILL as? A child JVM runs writers (each transaction inserts 1 to
 * {@code -Dprobe.rows} (6) rows tagged with it into
 * {@code items}, one row into {@code outbox} and its tag into {@code committed}) and a "relay" thread that does what
 * the capture relay does: reads new {@code committed} tags in one transaction, keeps those a second connection sees
 * too, runs the durability statement of the mode, prints {@code durable TAG} and then deletes the transactions'
 * {@code outbox} rows. The parent SIGKILLs the child 0.3-1.5 s after it is ready, reopens the database and reports
 * every printed tag the database lost (the log would hold it: "ahead") and every committed tag whose rows are not all
 * there (a torn commit). Run it with {@code java -cp jdbc/target/test-classes:jdbc/target/classes:core/target/classes:<h2
 * jar> io.github.deltalog.jdbc.H2DurabilityProbe DIR MODE ROUNDS SEED WRITERS}; the modes are in {@link Mode}. It is a
 * tool, not a test: H2's failures are rare and depend on timing, and docs/TESTING.md ("H2 under a kill") gives what it
 * showed.
 */
public final class H2DurabilityProbe {
    private H2DurabilityProbe() {}

    /** How the database is opened and what the relay thread runs before it declares a tag durable. */
    enum Mode {
        /** The capture tests' URL (H2's default WRITE_DELAY 500 ms, background writer) and {@code CHECKPOINT}. */
        CHECKPOINT("", "CHECKPOINT"),
        /** As {@link #CHECKPOINT} but {@code CHECKPOINT SYNC}. */
        CHECKPOINT_SYNC("", "CHECKPOINT SYNC"),
        /**
         * As {@link #CHECKPOINT}, but first waits until every transaction that was committing when the witness read
         * ended has finished its commit ({@link #awaitCommitting}).
         */
        AWAIT_CHECKPOINT("", "CHECKPOINT"),
        /** {@code WRITE_DELAY=0} in the URL (no background writer: every commit stores) and {@code CHECKPOINT}. */
        WRITE_DELAY_0("WRITE_DELAY=0;", "CHECKPOINT"),
        /** {@code WRITE_DELAY=0}, {@link #awaitCommitting}, {@code CHECKPOINT}. */
        WRITE_DELAY_0_AWAIT("WRITE_DELAY=0;", "CHECKPOINT"),
        /**
         * As {@link #CHECKPOINT}, but the child halts ({@code Runtime.halt}) right after it declared a batch durable
         * whose {@code CHECKPOINT} began while a transaction was still committing (H2 shows a committing transaction's
         * changes to others before its commit has rewritten them and cleared its undo log).
         */
        HALT_IF_COMMITTING("", "CHECKPOINT"),
        /**
         * As {@link #CHECKPOINT}, but the child halts right after it declared a batch durable whose {@code CHECKPOINT}
         * stored nothing (the store's version did not move): the changes were in a store already begun, maybe still
         * being written by H2's serialization and save threads.
         */
        HALT_IF_NOOP("", "CHECKPOINT"),
        /** The capture's own flush: {@link H2Dialect#flushCommitted}. */
        DIALECT("", null),
        /** {@code WRITE_DELAY=0}, no durability statement: the relay relies on the writers' own commits. */
        WRITE_DELAY_0_NOTHING("WRITE_DELAY=0;", null);

        final String url;
        final String statement;

        Mode(String url, String statement) {
            this.url = url;
            this.statement = statement;
        }
    }

    static String url(Path dir, Mode mode) {
        return "jdbc:h2:" + dir.resolve("probe").toAbsolutePath() + ";" + mode.url + "LOCK_TIMEOUT=10000";
    }

    /**
     * Parent: {@code DIR MODE ROUNDS SEED WRITERS}; child: {@code child DIR MODE ROUND WRITERS}.
     *
     * @param args see above
     * @throws Exception on failure
     */
    public static void main(String[] args) throws Exception {
        if (args[0].equals("child")) {
            child(Path.of(args[1]), Mode.valueOf(args[2]), Integer.parseInt(args[3]), Integer.parseInt(args[4]));
            return;
        }
        Path dir = Path.of(args[0]);
        Mode mode = Mode.valueOf(args[1]);
        int rounds = Integer.parseInt(args[2]);
        long seed = Long.parseLong(args[3]);
        int writers = Integer.parseInt(args[4]);
        Random rnd = new Random(seed);
        int ahead = 0;
        int torn = 0;
        int halts = 0;
        long durableTotal = 0;
        for (int round = 0; round < rounds; round++) {
            Process child = new ProcessBuilder(
                            Path.of(System.getProperty("java.home"), "bin", "java")
                                    .toString(),
                            "-Xmx128m",
                            "-XX:+UseSerialGC",
                            "-Dprobe.rows=" + Integer.getInteger("probe.rows", 6),
                            "-cp",
                            System.getProperty("java.class.path"),
                            H2DurabilityProbe.class.getName(),
                            "child",
                            dir.toString(),
                            mode.name(),
                            Integer.toString(round),
                            Integer.toString(writers))
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            BufferedReader r =
                    new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            if (!"ready".equals(r.readLine())) {
                throw new AssertionError("child not ready");
            }
            List<String> durable = java.util.Collections.synchronizedList(new ArrayList<>());
            Thread reader = new Thread(() -> {
                try {
                    for (String line; (line = r.readLine()) != null; ) {
                        if (line.startsWith("durable ") && line.endsWith(";")) {
                            durable.add(line.substring(8, line.length() - 1));
                        }
                    }
                } catch (java.io.IOException e) {
                    // the stream ends with the child
                }
            });
            reader.start();
            boolean halted = child.waitFor(
                    mode.name().startsWith("HALT") ? 5_000 : 300 + rnd.nextInt(1200), TimeUnit.MILLISECONDS);
            if (halted) {
                halts++;
            }
            System.out.println("round " + round + (halted ? ": halted itself" : ": killed"));
            child.destroyForcibly();
            child.waitFor(30, TimeUnit.SECONDS);
            reader.join();
            try (Connection c = DriverManager.getConnection(url(dir, mode))) {
                Set<String> committed = new HashSet<>(column(c, "SELECT tag FROM committed"));
                Map<String, Integer> rows = new HashMap<>();
                for (String tag : column(c, "SELECT tag FROM items")) {
                    rows.merge(tag, 1, Integer::sum);
                }
                String thisRound = "r" + round + "-";
                durable.removeIf(tag -> !tag.startsWith(thisRound)); // the relay declares earlier rounds' tags again
                durableTotal += durable.size();
                for (String tag : durable) {
                    if (!committed.contains(tag) || rows.getOrDefault(tag, 0) != rowsOf(tag)) {
                        ahead++;
                        System.out.println("round " + round + ": declared durable, lost after the kill: " + tag
                                + " (tag " + (committed.contains(tag) ? "kept" : "lost") + ", " + rows.get(tag) + " of "
                                + rowsOf(tag) + " rows)");
                    }
                }
                for (String tag : committed) {
                    if (tag.startsWith(thisRound) && rows.getOrDefault(tag, 0) != rowsOf(tag)) {
                        torn++;
                        System.out.println("round " + round + ": torn commit " + tag + ": " + rows.get(tag) + " of "
                                + rowsOf(tag) + " rows" + (durable.contains(tag) ? " (declared durable)" : ""));
                    }
                }
                Map<String, Integer> other = new TreeMap<>();
                for (String tag : rows.keySet()) {
                    if (tag.startsWith(thisRound) && !committed.contains(tag)) {
                        other.merge(tag, rows.get(tag), Integer::sum);
                    }
                }
                if (!other.isEmpty()) {
                    torn++;
                    System.out.println("round " + round + ": rows of transactions without a committed tag: " + other);
                }
            }
        }
        System.out.println(
                "mode " + mode + " writers " + writers + " seed " + seed + ": " + rounds + " rounds, " + durableTotal
                        + " tags declared durable, " + halts + " halts, " + ahead + " of them lost, " + torn + " torn");
    }

    private static int rowsOf(String tag) {
        return Integer.parseInt(tag.substring(tag.lastIndexOf('-') + 1));
    }

    private static List<String> column(Connection c, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    private static void child(Path dir, Mode mode, int round, int writers) throws Exception {
        String url = url(dir, mode);
        try (Connection c = DriverManager.getConnection(url);
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS items(id BIGINT PRIMARY KEY, tag VARCHAR(40) NOT NULL)");
            s.execute("CREATE TABLE IF NOT EXISTS committed(seq BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
                    + " tag VARCHAR(40) NOT NULL)");
            s.execute("CREATE TABLE IF NOT EXISTS outbox(id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
                    + " tag VARCHAR(40) NOT NULL, payload VARCHAR(200))");
        }
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), false, "UTF-8");
        for (int w = 0; w < writers; w++) {
            int writer = w;
            Thread t = new Thread(() -> write(url, round, writer));
            t.setDaemon(true);
            t.start();
        }
        out.println("ready");
        out.flush();
        relay(url, mode, out);
    }

    private static void write(String url, int round, int writer) {
        Random random = new Random(round * 31L + writer);
        try (Connection c = DriverManager.getConnection(url)) {
            c.setAutoCommit(false);
            for (long i = 0; ; i++) {
                int rows = 1 + random.nextInt(Integer.getInteger("probe.rows", 6));
                String tag = "r" + round + "-" + writer + "-" + i + "-" + rows;
                long base = round * 100_000_000L + writer * 10_000_000L + i * 1000;
                try {
                    try (PreparedStatement p = c.prepareStatement("INSERT INTO items VALUES (?, ?)")) {
                        for (int k = 0; k < rows; k++) {
                            p.setLong(1, base + k);
                            p.setString(2, tag);
                            p.executeUpdate();
                        }
                    }
                    try (PreparedStatement p = c.prepareStatement("INSERT INTO outbox(tag, payload) VALUES (?, ?)")) {
                        p.setString(1, tag);
                        p.setString(2, "x".repeat(random.nextInt(200)));
                        p.executeUpdate();
                    }
                    try (PreparedStatement p = c.prepareStatement("INSERT INTO committed(tag) VALUES (?)")) {
                        p.setString(1, tag);
                        p.executeUpdate();
                    }
                    c.commit();
                } catch (SQLException e) {
                    System.err.println("round " + round + " transaction " + tag + " failed: " + e.getMessage());
                    c.rollback();
                }
            }
        } catch (SQLException e) {
            System.err.println("writer " + writer + " stopped: " + e.getMessage());
        }
    }

    private static void relay(String url, Mode mode, PrintStream out) throws SQLException {
        try (Connection c = DriverManager.getConnection(url);
                Connection witness = DriverManager.getConnection(url)) {
            long after = 0;
            while (true) {
                c.setAutoCommit(false);
                TreeMap<Long, String> read = new TreeMap<>();
                try (PreparedStatement p = c.prepareStatement("SELECT seq, tag FROM committed WHERE seq > ?")) {
                    p.setLong(1, after);
                    try (ResultSet rs = p.executeQuery()) {
                        while (rs.next()) {
                            read.put(rs.getLong(1), rs.getString(2));
                        }
                    }
                }
                Set<Long> seen = new HashSet<>();
                try (PreparedStatement p = witness.prepareStatement("SELECT seq FROM committed WHERE seq > ?")) {
                    p.setLong(1, after);
                    try (ResultSet rs = p.executeQuery()) {
                        while (rs.next()) {
                            seen.add(rs.getLong(1));
                        }
                    }
                }
                c.commit();
                c.setAutoCommit(true);
                read.keySet().retainAll(seen);
                if (read.isEmpty()) {
                    continue;
                }
                if (mode.name().contains("AWAIT")) {
                    awaitCommitting(c);
                }
                if (mode == Mode.DIALECT) {
                    new H2Dialect().flushCommitted(c);
                }
                boolean halt = mode == Mode.HALT_IF_COMMITTING && !committing(c).isEmpty();
                long version = mvStore(c).getCurrentVersion();
                if (mode.statement != null) {
                    try (Statement s = c.createStatement()) {
                        s.execute(mode.statement);
                    }
                }
                halt |= mode == Mode.HALT_IF_NOOP && mvStore(c).getCurrentVersion() == version;
                for (String tag : read.values()) {
                    out.println("durable " + tag + ";");
                }
                out.flush();
                if (halt) {
                    out.println("halt");
                    out.flush();
                    Runtime.getRuntime().halt(0);
                }
                try (PreparedStatement p = c.prepareStatement("DELETE FROM outbox WHERE tag = ?")) {
                    for (String tag : read.values()) {
                        p.setString(1, tag);
                        p.addBatch();
                    }
                    p.executeBatch();
                }
                after = read.lastKey();
            }
        }
    }

    /**
     * Waits until no transaction that is committing now (status COMMITTED, still open: H2 shows its changes to
     * others from the start of its commit, while it still rewrites them and clears its undo log) is still open.
     */
    static void awaitCommitting(Connection c) throws SQLException {
        org.h2.mvstore.tx.TransactionStore store = store(c).getTransactionStore();
        List<org.h2.mvstore.tx.Transaction> committing = committing(c);
        while (!committing.isEmpty()) {
            Thread.yield();
            List<org.h2.mvstore.tx.Transaction> open = store.getOpenTransactions();
            committing.removeIf(t -> open.stream().noneMatch(o -> o == t));
        }
    }

    private static org.h2.mvstore.db.Store store(Connection c) throws SQLException {
        return ((org.h2.engine.SessionLocal) ((org.h2.jdbc.JdbcConnection) c).getSession())
                .getDatabase()
                .getStore();
    }

    private static org.h2.mvstore.MVStore mvStore(Connection c) throws SQLException {
        return store(c).getMvStore();
    }

    private static List<org.h2.mvstore.tx.Transaction> committing(Connection c) throws SQLException {
        List<org.h2.mvstore.tx.Transaction> committing = new ArrayList<>();
        for (org.h2.mvstore.tx.Transaction t : store(c).getTransactionStore().getOpenTransactions()) {
            if (t.getStatus() == org.h2.mvstore.tx.Transaction.STATUS_COMMITTED) {
                committing.add(t);
            }
        }
        return committing;
    }
}
