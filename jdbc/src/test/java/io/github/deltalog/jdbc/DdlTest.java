package io.github.deltalog.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.deltalog.ColumnType;
import io.github.deltalog.Delta;
import io.github.deltalog.DeltaCursor;
import io.github.deltalog.DeltaLog;
import io.github.deltalog.DeltaOp;
import io.github.deltalog.ReadAs;
import io.github.deltalog.TableSchema;
import io.github.deltalog.Tuple;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * DDL on a captured table while capturing: a change the log's schema can follow (appended or dropped columns,
 * widened types) is followed with a new schema version recorded before the first row of the new shape; any other
 * is detected and named; never a row of the wrong shape in the log.
 */
class DdlTest {
    @TempDir
    Path dir;

    private static List<Delta> deltas(DeltaLog log, String table, ReadAs readAs) {
        List<Delta> out = new ArrayList<>();
        try (DeltaCursor c = log.changesAfter(table, 0L, Long.MAX_VALUE, readAs)) {
            for (Delta d : c) {
                out.add(d);
            }
        }
        return out;
    }

    private static Tuple after(Delta d) {
        return ((DeltaOp.Insert) d.op()).after();
    }

    /** Every delta was recorded under the version in effect at its commit, with that version's arity. */
    private static void assertEachRowFitsItsVersion(DeltaLog log, String table) {
        for (Delta d : deltas(log, table, ReadAs.WRITTEN)) {
            TableSchema v = log.schemaAt(table, d.commitTimestamp());
            assertEquals(v.columns().size(), after(d).size(), "row " + d.rowId() + " under " + v);
        }
    }

    @ParameterizedTest
    @EnumSource(Db.class)
    void addedColumnIsFollowedWithANewSchemaVersion(Db db) throws SQLException {
        String table = db == Db.H2 ? "T" : "t";
        String b = db == Db.H2 ? "B" : "b";
        try (DeltaLog log = DeltaLog.open(dir.resolve("log.deltas"));
                Capture capture = Capture.of(log, () -> db.connect(dir));
                Connection c = db.connect(dir)) {
            Db.exec(c, "CREATE TABLE t(id " + db.integerKey() + ", a VARCHAR(10))");
            capture.install(c, "t");
            capture.enlist(c);
            assertEquals(1, log.schema(table).orElseThrow().version(), "registered at install");
            Db.exec(c, "INSERT INTO t VALUES (1, 'before')");
            Db.exec(c, "ALTER TABLE t ADD COLUMN b INTEGER");
            if (db == Db.H2) {
                // The H2 trigger refuses a row of another shape: the application's write fails, naming the table.
                SQLException e = assertThrows(SQLException.class, () -> Db.exec(c, "INSERT INTO t VALUES (2, 'x', 2)"));
                assertTrue(
                        e.getMessage().contains("table T now has 3 columns, capture was installed for 2"),
                        e.getMessage());
            } else {
                // SQLite's triggers name their columns: until the relay re-installs, rows keep the installed shape.
                Db.exec(c, "INSERT INTO t VALUES (2, 'x', 2)");
            }
            capture.relayAvailable(); // moves what was captured, and re-installs for the new shape
            Db.exec(c, "INSERT INTO t VALUES (3, 'after', 3)");
            capture.relayAvailable();

            List<TableSchema> history = log.schemaHistory(table);
            assertEquals(2, history.size(), history.toString());
            assertEquals(
                    List.of(db == Db.H2 ? "ID" : "id", db == Db.H2 ? "A" : "a"),
                    history.get(0).names());
            assertEquals(
                    List.of(db == Db.H2 ? "ID" : "id", db == Db.H2 ? "A" : "a", b),
                    history.get(1).names());
            assertEquals(
                    db == Db.H2 ? ColumnType.INT : ColumnType.LONG,
                    history.get(1).columns().get(2).type());
            List<Delta> written = deltas(log, table, ReadAs.WRITTEN);
            assertEquals(db == Db.H2 ? 2 : 3, written.size());
            Delta last = written.get(written.size() - 1);
            assertTrue(history.get(1).since() < last.commitTimestamp(), "the version precedes its first row");
            assertTrue(
                    history.get(1).since() > written.get(written.size() - 2).commitTimestamp(),
                    "and follows the last row of the shape before");
            assertEquals(db == Db.H2 ? (Object) 3 : (Object) 3L, after(last).get(b));
            assertEachRowFitsItsVersion(log, table);
            // Upcast, the rows of the first shape read null in the added column.
            for (Delta d : deltas(log, table, ReadAs.CURRENT)) {
                if (d.rowId() != 3) {
                    assertNull(after(d).get(b), "row " + d.rowId());
                }
            }
            assertEquals(
                    List.of("ID", "A", "B"),
                    capture.columns(table).stream()
                            .map(col -> col.name().toUpperCase(Locale.ROOT))
                            .toList());
        }
    }

    @Test
    void h2WidenedAndDroppedColumnsAreFollowed() throws SQLException {
        Db db = Db.H2;
        try (DeltaLog log = DeltaLog.open(dir.resolve("log.deltas"));
                Capture capture = Capture.of(log, () -> db.connect(dir));
                Connection c = db.connect(dir)) {
            Db.exec(c, "CREATE TABLE t(id BIGINT PRIMARY KEY, n INTEGER, gone VARCHAR(10))");
            capture.install(c, "t");
            Db.exec(c, "INSERT INTO t VALUES (1, 7, 'x')");
            Db.exec(c, "ALTER TABLE t ALTER COLUMN n SET DATA TYPE BIGINT");
            // Same column count, other value class: the trigger refuses rather than capture a BIGINT as INTEGER.
            SQLException e =
                    assertThrows(SQLException.class, () -> Db.exec(c, "INSERT INTO t VALUES (2, 8000000000, 'y')"));
            assertTrue(e.getMessage().contains("column N of table T now holds Long values"), e.getMessage());
            capture.relayAvailable();
            Db.exec(c, "INSERT INTO t VALUES (2, 8000000000, 'y')");
            Db.exec(c, "ALTER TABLE t DROP COLUMN gone");
            capture.relayAvailable();
            Db.exec(c, "INSERT INTO t VALUES (3, 9)");
            capture.relayAvailable();

            List<TableSchema> history = log.schemaHistory("T");
            assertEquals(List.of("ID", "N", "GONE"), history.get(0).names());
            assertEquals(ColumnType.INT, history.get(0).columns().get(1).type());
            TableSchema current = log.schema("T").orElseThrow();
            assertEquals(List.of("ID", "N"), current.names());
            assertEquals(ColumnType.LONG, current.columns().get(1).type());
            assertEquals(List.of("ID"), current.key());
            List<Delta> written = deltas(log, "T", ReadAs.WRITTEN);
            assertEquals(List.of(1L, 2L, 3L), written.stream().map(Delta::rowId).toList());
            assertEquals(7, after(written.get(0)).get("N"));
            assertEquals(8_000_000_000L, after(written.get(1)).get("N"));
            assertEquals(9L, after(written.get(2)).get("N"));
            assertEachRowFitsItsVersion(log, "T");
            List<Delta> upcast = deltas(log, "T", ReadAs.CURRENT);
            assertEquals(List.of(1L, 7L), after(upcast.get(0)).values());
        }
    }

    @Test
    void h2RetypedColumnStopsTheRelayNamingTableAndColumn() throws SQLException {
        Db db = Db.H2;
        try (DeltaLog log = DeltaLog.open(dir.resolve("log.deltas"));
                Capture capture = Capture.of(log, () -> db.connect(dir));
                Connection c = db.connect(dir)) {
            Db.exec(c, "CREATE TABLE t(id BIGINT PRIMARY KEY, a VARCHAR(10))");
            capture.install(c, "t");
            Db.exec(c, "INSERT INTO t VALUES (1, '5')");
            Db.exec(c, "ALTER TABLE t ALTER COLUMN a SET DATA TYPE INTEGER");
            CapturedTableChangedException stop =
                    assertThrows(CapturedTableChangedException.class, capture::relayAvailable);
            assertTrue(stop.getMessage().contains("captured table T changed"), stop.getMessage());
            assertTrue(stop.getMessage().contains("column A changed from STRING to INT"), stop.getMessage());
            assertEquals(0, log.count("T", 0L), "nothing moved while the shape cannot be followed");
            CapturedTableChangedException refused =
                    assertThrows(CapturedTableChangedException.class, () -> capture.install(c, "t"));
            assertTrue(refused.getMessage().contains("column A changed from STRING to INT"), refused.getMessage());
            assertEquals(1, log.schemaHistory("T").size(), "the log's schema is unchanged");
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
