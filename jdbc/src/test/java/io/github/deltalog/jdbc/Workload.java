package io.github.deltalog.jdbc;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A seeded random workload of multi-statement transactions on table {@code items}, committed or rolled back, from
 * several threads. Every transaction writes a tag unique to it into each row it inserts or updates, and a committed
 * one also inserts its tag into the uncaptured table {@code committed}, in the same transaction: the database itself
 * then says which transactions committed, also after a SIGKILL.
 */
final class Workload {
    static final String ROLLED_BACK = "rb-";

    private Workload() {}

    static String table(Db db) {
        return db == Db.H2 ? "ITEMS" : "items";
    }

    static void createSchema(Connection c, Db db) throws SQLException {
        Db.exec(
                c,
                "CREATE TABLE IF NOT EXISTS items(id " + db.integerKey()
                        + ", tag VARCHAR(40) NOT NULL, n INTEGER NOT NULL, payload VARCHAR(4000))");
        Db.exec(c, "CREATE TABLE IF NOT EXISTS committed(tag VARCHAR(40) PRIMARY KEY)");
    }

    /**
     * Runs the workload.
     *
     * @param transactions per thread, or -1 to run until {@code stop}
     * @return the number of committed transactions
     */
    static long run(
            Db db, Path dir, Capture capture, long seed, int threads, int transactions, AtomicBoolean stop, int run)
            throws InterruptedException {
        AtomicLong committed = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread[] workers = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            int thread = t;
            workers[t] = new Thread(() -> {
                try (Connection c = db.connect(dir)) {
                    capture.enlist(c);
                    c.setAutoCommit(false);
                    Random random = new Random(seed * 31 + thread);
                    long runBase = run * 10_000_000L;
                    for (int i = 0; (transactions < 0 || i < transactions) && !stop.get(); i++) {
                        long firstId = runBase + thread * 1_000_000L + i * 10L;
                        long someId = runBase
                                + random.nextInt(threads) * 1_000_000L
                                + Math.max(0, i - random.nextInt(50)) * 10L
                                + random.nextInt(3);
                        if (someId >= firstId && someId < firstId + 10) {
                            // Never its own rows: every committed transaction then leaves a row with its tag.
                            someId -= 10;
                        }
                        if (transaction(c, random, "r" + run + "-" + thread + "-" + i, firstId, someId)) {
                            committed.incrementAndGet();
                        }
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            });
            workers[t].start();
        }
        for (Thread w : workers) {
            w.join();
        }
        if (failure.get() != null) {
            throw new AssertionError("workload failed, seed " + seed, failure.get());
        }
        return committed.get();
    }

    /** One transaction; returns true if it committed. */
    private static boolean transaction(Connection c, Random random, String name, long firstId, long someId)
            throws SQLException {
        boolean commit = random.nextInt(4) != 0;
        String tag = (commit ? "" : ROLLED_BACK) + name;
        try {
            int statements = 1 + random.nextInt(6);
            insert(c, firstId, tag, random);
            for (int s = 1; s < statements; s++) {
                int kind = random.nextInt(10);
                if (kind < 3) {
                    insert(c, firstId + s, tag, random);
                } else if (kind < 8) {
                    try (PreparedStatement p =
                            c.prepareStatement("UPDATE items SET tag = ?, n = n + 1, payload = ? WHERE id = ?")) {
                        p.setString(1, tag);
                        p.setString(2, random.nextInt(5) == 0 ? null : "p" + random.nextInt(1000));
                        p.setLong(3, random.nextBoolean() ? firstId : someId);
                        p.executeUpdate();
                    }
                } else {
                    try (PreparedStatement p = c.prepareStatement("DELETE FROM items WHERE id = ?")) {
                        p.setLong(1, someId);
                        p.executeUpdate();
                    }
                }
            }
            if (commit) {
                try (PreparedStatement p = c.prepareStatement("INSERT INTO committed VALUES (?)")) {
                    p.setString(1, tag);
                    p.executeUpdate();
                }
                c.commit();
                return true;
            }
            c.rollback();
            return false;
        } catch (SQLException e) {
            // A lock timeout or deadlock victim: the transaction is rolled back, as the application would.
            c.rollback();
            return false;
        }
    }

    private static void insert(Connection c, long id, String tag, Random random) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("INSERT INTO items VALUES (?, ?, ?, ?)")) {
            p.setLong(1, id);
            p.setString(2, tag);
            p.setInt(3, random.nextInt(100));
            p.setString(4, random.nextInt(5) == 0 ? null : "x".repeat(random.nextInt(50)));
            p.executeUpdate();
        }
    }
}
