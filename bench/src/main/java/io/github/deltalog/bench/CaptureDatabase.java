package io.github.deltalog.bench;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.SplittableRandom;

/**
 * The application database of the capture benchmarks: table {@code orders} (id, customer, amount, note) with
 * {@link #ROWS} rows, in H2 or SQLite (WAL, {@code synchronous=NORMAL}, as the peers), and the transaction the
 * application runs: {@code n} updates of random rows.
 */
enum CaptureDatabase {
    H2,
    SQLITE;

    static final int ROWS = 10_000;

    String url(Path folder) {
        return this == H2
                ? "jdbc:h2:" + folder.resolve("app").toAbsolutePath()
                : "jdbc:sqlite:" + folder.resolve("app.db").toAbsolutePath();
    }

    Connection connect(Path folder) throws SQLException {
        Properties p = new Properties();
        if (this == SQLITE) {
            p.setProperty("journal_mode", "WAL");
            p.setProperty("synchronous", "NORMAL");
            p.setProperty("busy_timeout", "30000");
        }
        return DriverManager.getConnection(url(folder), p);
    }

    /** Creates and fills the table. */
    void create(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE orders(id " + (this == H2 ? "BIGINT" : "INTEGER")
                    + " PRIMARY KEY, customer INTEGER, amount DECIMAL(10,2), note VARCHAR(50))");
        }
        c.setAutoCommit(false);
        try (PreparedStatement p = c.prepareStatement("INSERT INTO orders VALUES (?, ?, ?, ?)")) {
            for (int i = 0; i < ROWS; i++) {
                p.setLong(1, i);
                p.setInt(2, i % 100);
                p.setBigDecimal(3, java.math.BigDecimal.valueOf(i % 1000, 2));
                p.setString(4, "order " + i);
                p.addBatch();
            }
            p.executeBatch();
        }
        c.commit();
    }

    /** One application transaction: {@code n} updates of random rows, committed. */
    static void transaction(Connection c, PreparedStatement update, SplittableRandom random, int n)
            throws SQLException {
        for (int i = 0; i < n; i++) {
            update.setBigDecimal(1, java.math.BigDecimal.valueOf(random.nextInt(100_000), 2));
            update.setLong(2, random.nextInt(ROWS));
            update.executeUpdate();
        }
        c.commit();
    }

    static final String UPDATE = "UPDATE orders SET amount = ? WHERE id = ?";
}
