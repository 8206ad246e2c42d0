package io.github.deltalog.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.deltalog.Delta;
import io.github.deltalog.DeltaCursor;
import io.github.deltalog.DeltaLog;
import io.github.deltalog.DeltaOp;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** DDL on a captured table while capturing: detected, named, never a row of the wrong shape in the log. */
class DdlTest {
    @TempDir
    Path dir;

    private static List<Integer> arities(DeltaLog log, String table) {
        List<Integer> out = new ArrayList<>();
        try (DeltaCursor c = log.changesAfter(table, 0L)) {
            for (Delta d : c) {
                out.add(((DeltaOp.Insert) d.op()).after().size());
            }
        }
        return out;
    }

    @ParameterizedTest
    @EnumSource(Db.class)
    void addColumnStopsTheRelayUntilReinstalledThenBothShapesAreNamed(Db db) throws SQLException {
        String table = db == Db.H2 ? "T" : "t";
        try (DeltaLog log = DeltaLog.open(dir.resolve("log.deltas"));
                Capture capture = Capture.of(log, () -> db.connect(dir));
                Connection c = db.connect(dir)) {
            Db.exec(c, "CREATE TABLE t(id " + db.integerKey() + ", a VARCHAR(10))");
            capture.install(c, "t");
            capture.enlist(c);
            Db.exec(c, "INSERT INTO t VALUES (1, 'before')");
            Db.exec(c, "ALTER TABLE t ADD COLUMN b INTEGER");
            if (db == Db.H2) {
                // The H2 trigger refuses a row of another shape: the application's write fails, naming the table.
                SQLException e = assertThrows(SQLException.class, () -> Db.exec(c, "INSERT INTO t VALUES (2, 'x', 2)"));
                assertTrue(
                        e.getMessage().contains("table T now has 3 columns, capture was installed for 2"),
                        e.getMessage());
            } else {
                // SQLite's triggers keep capturing the installed columns: the row is of the installed shape.
                Db.exec(c, "INSERT INTO t VALUES (2, 'x', 2)");
            }
            CapturedTableChangedException stop =
                    assertThrows(CapturedTableChangedException.class, capture::relayAvailable);
            assertTrue(stop.getMessage().contains("captured table " + table + " changed"), stop.getMessage());
            assertTrue(stop.getMessage().toUpperCase(Locale.ROOT).contains("B INTEGER"), stop.getMessage());
            assertEquals(0, log.count(table, 0L), "nothing moved while the shape is unknown");

            capture.install(c, "t");
            Db.exec(c, "INSERT INTO t VALUES (3, 'after', 3)");
            capture.relayAvailable();
            assertEquals(db == Db.H2 ? List.of(2, 3) : List.of(2, 2, 3), arities(log, table));
            assertEquals(
                    List.of("ID", "A", "B"),
                    capture.columns(table).stream()
                            .map(col -> col.name().toUpperCase(Locale.ROOT))
                            .toList());
        }
    }

    @ParameterizedTest
    @EnumSource(Db.class)
    void droppedAndRecreatedTableIsReported(Db db) throws SQLException {
        try (DeltaLog log = DeltaLog.open(dir.resolve("log.deltas"));
                Capture capture = Capture.of(log, () -> db.connect(dir));
                Connection c = db.connect(dir)) {
            Db.exec(c, "CREATE TABLE t(id " + db.integerKey() + ", a VARCHAR(10))");
            capture.install(c, "t");
            capture.enlist(c);
            Db.exec(c, "INSERT INTO t VALUES (1, 'a')");
            assertEquals(1, capture.relayAvailable());
            Db.exec(c, "DROP TABLE t");
            CapturedTableChangedException gone =
                    assertThrows(CapturedTableChangedException.class, capture::relayAvailable);
            assertTrue(gone.getMessage().contains("no longer exists"), gone.getMessage());
            Db.exec(c, "CREATE TABLE t(id " + db.integerKey() + ", a VARCHAR(10))");
            CapturedTableChangedException lost =
                    assertThrows(CapturedTableChangedException.class, capture::relayAvailable);
            assertTrue(lost.getMessage().contains("lost its capture triggers"), lost.getMessage());
        }
    }
}
