package io.github.deltalog.jdbc;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/** The two databases the tests capture from, as file databases in a directory. */
enum Db {
    H2 {
        @Override
        String url(Path dir) {
            return "jdbc:h2:" + dir.resolve("app").toAbsolutePath() + ";LOCK_TIMEOUT=10000";
        }

        @Override
        String integerKey() {
            return "BIGINT PRIMARY KEY";
        }
    },
    SQLITE {
        @Override
        String url(Path dir) {
            return "jdbc:sqlite:" + dir.resolve("app.sqlite").toAbsolutePath();
        }

        @Override
        String integerKey() {
            return "INTEGER PRIMARY KEY";
        }
    };

    abstract String url(Path dir);

    /** The type of an integer primary key column that gives the row id. */
    abstract String integerKey();

    Connection connect(Path dir) throws SQLException {
        Properties p = new Properties();
        if (this == SQLITE) {
            p.setProperty("busy_timeout", "20000");
            p.setProperty("journal_mode", "WAL");
        }
        return DriverManager.getConnection(url(dir), p);
    }

    static void exec(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
