package io.github.deltalog.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.github.deltalog.Tuple;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Real SQLite for the interop tests: Debian's {@code sqlite3} shell (3.40) records changesets with its
 * {@code .session} commands, Debian's {@code libsqlite3.so.0} applies them through {@code sqlite3changeset_apply}
 * (called from Python's ctypes, {@code apply_changeset.py}), and sqlite-jdbc reads the resulting rows. CI installs
 * the shell and Python (.ci/run); a machine without them fails these tests with a message saying what to install.
 */
final class RealSqlite {
    private RealSqlite() {}

    /** Runs an SQL script (shell dot-commands allowed) against a database file with the sqlite3 shell. */
    static void shell(Path db, String script) {
        String out = run(List.of("sqlite3", "-bail", db.toString()), script, "sqlite3 (apt-get install sqlite3)");
        if (!out.isBlank()) {
            fail("sqlite3 printed: " + out + "\nfor the script:\n" + script);
        }
    }

    /**
     * Applies a changeset or patchset to a database with libsqlite3's sqlite3changeset_apply.
     *
     * @return SQLite's return code followed by the conflict types it reported, space-separated
     */
    static String apply(Path db, byte[] blob, String mode) {
        try {
            Path dir = db.getParent();
            Path script = dir.resolve("apply_changeset.py");
            if (!Files.exists(script)) {
                try (InputStream in = RealSqlite.class.getResourceAsStream("apply_changeset.py")) {
                    Files.copy(in, script);
                }
            }
            Path blobFile = Files.createTempFile(dir, "changes", ".bin");
            Files.write(blobFile, blob);
            return run(
                            List.of("python3", script.toString(), db.toString(), blobFile.toString(), mode),
                            "",
                            "python3 (apt-get install python3) and libsqlite3-0")
                    .trim();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** Reads a table's rows through sqlite-jdbc: INTEGER as Long, REAL as Double, TEXT, BLOB, NULL. */
    static Map<Long, Tuple> rows(Path db, String table, int columns) {
        Map<Long, Tuple> rows = new TreeMap<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT * FROM \"" + table + "\"")) {
            while (rs.next()) {
                Object[] values = new Object[columns];
                for (int i = 0; i < columns; i++) {
                    Object v = rs.getObject(i + 1);
                    values[i] = v instanceof Integer n ? Long.valueOf(n) : v;
                }
                rows.put((Long) values[0], Tuple.of(values));
            }
        } catch (SQLException e) {
            throw new AssertionError("reading " + table + " from " + db, e);
        }
        return rows;
    }

    /** An SQL literal of a tuple value that SQLite stores with the same storage class and value. */
    static String literal(Object v) {
        if (v == null) {
            return "NULL";
        } else if (v instanceof String s) {
            return "'" + s.replace("'", "''") + "'";
        } else if (v instanceof byte[] b) {
            StringBuilder sb = new StringBuilder("X'");
            for (byte x : b) {
                sb.append(String.format("%02x", x));
            }
            return sb.append('\'').toString();
        } else if (v instanceof Double d) {
            return Double.toString(d);
        }
        return v.toString();
    }

    private static String run(List<String> command, String stdin, String needs) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail(command + " did not finish in 60 s");
            }
            assertEquals(0, p.exitValue(), command + " failed: " + out);
            return out;
        } catch (IOException e) {
            throw new AssertionError("cannot run " + command.get(0) + ": install " + needs, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
