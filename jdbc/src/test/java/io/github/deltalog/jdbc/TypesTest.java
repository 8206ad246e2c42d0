package io.github.deltalog.jdbc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.deltalog.Column;
import io.github.deltalog.ColumnType;
import io.github.deltalog.Delta;
import io.github.deltalog.DeltaCursor;
import io.github.deltalog.DeltaLog;
import io.github.deltalog.DeltaOp;
import io.github.deltalog.TableSchema;
import io.github.deltalog.Tuple;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every common column type of both databases, NULLs and large values, mapped to the log's value types. */
class TypesTest {
    @TempDir
    Path dir;

    private static List<Tuple> afters(DeltaLog log, String table) {
        List<Tuple> out = new ArrayList<>();
        try (DeltaCursor c = log.changesAfter(table, 0L)) {
            for (Delta d : c) {
                out.add(((DeltaOp.Insert) d.op()).after());
            }
        }
        return out;
    }

    /**
     * H2 stores an update's after image with the columns it left alone marked "unchanged": every value of both
     * images must still come back, whether it changed, stayed, went to or came from NULL, or is a binary value
     * equal by content.
     */
    @Test
    void h2UpdatesKeepBothImagesWhole() throws Exception {
        Db db = Db.H2;
        try (DeltaLog log = DeltaLog.open(dir.resolve("log.deltas"));
                Capture capture = Capture.of(log, () -> db.connect(dir));
                Connection c = db.connect(dir)) {
            Db.exec(
                    c,
                    "CREATE TABLE t(id INTEGER PRIMARY KEY, d DOUBLE PRECISION, vb VARBINARY(10), vc VARCHAR(10),"
                            + " n INTEGER, dec DECIMAL(10,2), ts TIMESTAMP)");
            capture.install(c, "t");
            Db.exec(c, "INSERT INTO t VALUES (1, 1.5, X'0102', 'a', NULL, 3.50, TIMESTAMP '2024-01-02 03:04:05')");
            Db.exec(c, "UPDATE t SET vc = 'b', n = 7, vb = X'0102' WHERE id = 1");
            Db.exec(c, "UPDATE t SET n = NULL, vb = X'0103', dec = 4.00, id = 2 WHERE id = 1");
            Db.exec(c, "UPDATE t SET vb = X'0103' WHERE id = 2");
            capture.relayAvailable();
            List<Delta> ds = new ArrayList<>();
            try (DeltaCursor cur = log.changesAfter("T", 0L)) {
                cur.forEach(ds::add);
            }
            LocalDateTime ts = LocalDateTime.of(2024, 1, 2, 3, 4, 5);
            BigDecimal a = new BigDecimal("3.50");
            BigDecimal b = new BigDecimal("4.00");
            byte[] x12 = {1, 2};
            byte[] x13 = {1, 3};
            List<List<Object>> expected = List.of(
                    Arrays.asList(1, 1.5, x12, "a", null, a, ts),
                    Arrays.asList(1, 1.5, x12, "a", null, a, ts),
                    Arrays.asList(1, 1.5, x12, "b", 7, a, ts),
                    Arrays.asList(1, 1.5, x12, "b", 7, a, ts),
                    Arrays.asList(2, 1.5, x13, "b", null, b, ts));
            List<Tuple> images = new ArrayList<>();
            for (Delta d : ds) {
                if (d.op() instanceof DeltaOp.Update u) {
                    images.add(u.before());
                    images.add(u.after());
                } else if (d.op() instanceof DeltaOp.Insert i) {
                    images.add(i.after());
                } else {
                    images.add(((DeltaOp.Delete) d.op()).before());
                }
            }
            // insert; update of row 1; the key change: delete of 1, insert of 2; the last update changed nothing
            assertEquals(5, images.size(), ds.toString());
            for (int k = 0; k < expected.size(); k++) {
                for (int i = 0; i < expected.get(k).size(); i++) {
                    Object want = expected.get(k).get(i);
                    Object got = images.get(k).get(i);
                    if (want instanceof byte[] w) {
                        assertArrayEquals(w, (byte[]) got, "image " + k + " column " + i);
                    } else {
                        assertEquals(want, got, "image " + k + " column " + i);
                    }
                }
            }
        }
    }

    @Test
    void h2TypesMapToTupleTypes() throws Exception {
        Db db = Db.H2;
        byte[] big = new byte[1 << 20];
        new Random(7).nextBytes(big);
        String text = "é✓".repeat(300_000);
        UUID uuid = UUID.randomUUID();
        try (DeltaLog log = DeltaLog.open(dir.resolve("log.deltas"));
                Capture capture = Capture.of(log, () -> db.connect(dir));
                Connection c = db.connect(dir)) {
            Db.exec(
                    c,
                    "CREATE TABLE t(id INTEGER PRIMARY KEY, ti TINYINT, si SMALLINT, bi BIGINT, dec DECIMAL(30,5),"
                            + " re REAL, dp DOUBLE PRECISION, vc VARCHAR(1000000), ch CHAR(3), cl CLOB, vb VARBINARY(2000000),"
                            + " bl BLOB, bo BOOLEAN, da DATE, tm TIME(9), tmz TIME WITH TIME ZONE, ts TIMESTAMP(9),"
                            + " tsz TIMESTAMP(9) WITH TIME ZONE, uu UUID)");
            capture.install(c, "t");
            try (PreparedStatement p =
                    c.prepareStatement("INSERT INTO t VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")) {
                Object[] row = {
                    1,
                    (byte) -5,
                    (short) 300,
                    1L << 40,
                    new BigDecimal("12345678901234567890.12345"),
                    1.5f,
                    2.25,
                    text,
                    "abc",
                    text,
                    big,
                    big,
                    true,
                    LocalDate.of(2024, 2, 29),
                    LocalTime.of(23, 59, 59, 123456789),
                    OffsetTime.of(10, 11, 12, 0, ZoneOffset.ofHours(2)),
                    LocalDateTime.of(2024, 1, 2, 3, 4, 5, 6),
                    OffsetDateTime.of(2024, 1, 2, 3, 4, 5, 0, ZoneOffset.ofHours(-5)),
                    uuid
                };
                for (int i = 0; i < row.length; i++) {
                    p.setObject(i + 1, row[i]);
                }
                p.executeUpdate();
                p.setObject(1, 2);
                for (int i = 1; i < row.length; i++) {
                    p.setObject(i + 1, null);
                }
                p.executeUpdate();
            }
            capture.relayAvailable();
            List<Tuple> rows = afters(log, "T");
            Tuple t = rows.get(0);
            List<Object> expected = Arrays.asList(
                    1,
                    (byte) -5,
                    (short) 300,
                    1L << 40,
                    new BigDecimal("12345678901234567890.12345"),
                    1.5f,
                    2.25,
                    text,
                    "abc",
                    text,
                    null,
                    null,
                    true,
                    LocalDate.of(2024, 2, 29),
                    LocalTime.of(23, 59, 59, 123456789),
                    "10:11:12+02:00",
                    LocalDateTime.of(2024, 1, 2, 3, 4, 5, 6),
                    "2024-01-02T03:04:05-05:00", // the offset kept (an Instant would lose it)
                    uuid);
            for (int i = 0; i < expected.size(); i++) {
                if (i == 10 || i == 11) {
                    assertArrayEquals(big, (byte[]) t.get(i), "column " + i);
                } else {
                    assertEquals(expected.get(i), t.get(i), "column " + i);
                }
            }
            Tuple nulls = rows.get(1);
            for (int i = 1; i < nulls.size(); i++) {
                assertEquals(null, nulls.get(i), "column " + i);
            }
            TableSchema schema = log.schema("T").orElseThrow();
            assertEquals(
                    List.of(
                            ColumnType.INT,
                            ColumnType.BYTE,
                            ColumnType.SHORT,
                            ColumnType.LONG,
                            ColumnType.DECIMAL,
                            ColumnType.FLOAT,
                            ColumnType.DOUBLE,
                            ColumnType.STRING,
                            ColumnType.STRING,
                            ColumnType.STRING,
                            ColumnType.BYTES,
                            ColumnType.BYTES,
                            ColumnType.BOOLEAN,
                            ColumnType.DATE,
                            ColumnType.TIME,
                            ColumnType.STRING,
                            ColumnType.TIMESTAMP,
                            ColumnType.STRING,
                            ColumnType.UUID),
                    schema.columns().stream().map(Column::type).toList());
            assertEquals(List.of("ID"), schema.key());
            assertEquals(uuid, t.get("UU"));
            assertEquals(LocalDate.of(2024, 2, 29), t.get("DA"));
        }
    }

    @Test
    void h2TypesWithoutLogTypeAreRefusedAtInstall() throws Exception {
        Db db = Db.H2;
        try (DeltaLog log = DeltaLog.open(dir.resolve("log.deltas"));
                Capture capture = Capture.of(log, () -> db.connect(dir));
                Connection c = db.connect(dir)) {
            Db.exec(c, "CREATE TABLE t(id INTEGER PRIMARY KEY, iv INTERVAL DAY)");
            CaptureException e = assertThrows(CaptureException.class, () -> capture.install(c, "t"));
            assertTrue(e.getMessage().contains("column IV of table T has type INTERVAL DAY"), e.getMessage());
            Db.exec(c, "CREATE TABLE a(id INTEGER PRIMARY KEY, arr INTEGER ARRAY)");
            e = assertThrows(CaptureException.class, () -> capture.install(c, "a"));
            assertTrue(e.getMessage().contains("ARR"), e.getMessage());
        }
    }

    @Test
    void sqliteValuesKeepTheirStorageClass() throws Exception {
        Db db = Db.SQLITE;
        byte[] big = new byte[1 << 20];
        new Random(8).nextBytes(big);
        String text = "é✓".repeat(300_000);
        try (DeltaLog log = DeltaLog.open(dir.resolve("log.deltas"));
                Capture capture = Capture.of(log, () -> db.connect(dir));
                Connection c = db.connect(dir)) {
            Db.exec(
                    c,
                    "CREATE TABLE t(id INTEGER PRIMARY KEY, i INT, bi BIGINT, dec DECIMAL(10,2), re REAL,"
                            + " tx TEXT, bl BLOB, bo BOOLEAN, da DATE, ts TIMESTAMP, uu UUID, untyped)");
            capture.install(c, "t");
            capture.enlist(c);
            UUID uuid = UUID.randomUUID();
            try (PreparedStatement p = c.prepareStatement("INSERT INTO t VALUES (?,?,?,?,?,?,?,?,?,?,?,?)")) {
                Object[] row = {
                    1,
                    7,
                    Long.MAX_VALUE,
                    new BigDecimal("9.50"),
                    0.1,
                    text,
                    big,
                    true,
                    "2024-02-29",
                    "2024-01-02 03:04:05.123",
                    uuid.toString(),
                    big
                };
                for (int i = 0; i < row.length; i++) {
                    p.setObject(i + 1, row[i]);
                }
                p.executeUpdate();
                p.setObject(1, 2);
                for (int i = 1; i < row.length; i++) {
                    p.setObject(i + 1, null);
                }
                p.executeUpdate();
            }
            capture.relayAvailable();
            List<Tuple> rows = afters(log, "t");
            Tuple t = rows.get(0);
            assertEquals(1L, t.get(0));
            assertEquals(7L, t.get(1));
            assertEquals(Long.MAX_VALUE, t.get(2));
            assertEquals(
                    new BigDecimal("9.50"),
                    t.get(3),
                    "stored as REAL 9.5 (NUMERIC affinity), read at the declared scale");
            assertEquals(0.1, t.get(4));
            assertEquals(text, t.get(5));
            assertArrayEquals(big, (byte[]) t.get(6));
            assertEquals(true, t.get(7));
            assertEquals("2024-02-29", t.get(8));
            assertEquals("2024-01-02 03:04:05.123", t.get(9));
            assertEquals(uuid.toString(), t.get(10));
            assertArrayEquals(big, (byte[]) t.get(11));
            Tuple nulls = rows.get(1);
            for (int i = 1; i < nulls.size(); i++) {
                assertEquals(null, nulls.get(i), "column " + i);
            }
            TableSchema schema = log.schema("t").orElseThrow();
            assertEquals(
                    List.of("id", "i", "bi", "dec", "re", "tx", "bl", "bo", "da", "ts", "uu", "untyped"),
                    schema.names());
            assertEquals(
                    List.of(
                            ColumnType.LONG,
                            ColumnType.LONG,
                            ColumnType.LONG,
                            ColumnType.DECIMAL,
                            ColumnType.DOUBLE,
                            ColumnType.STRING,
                            ColumnType.BYTES,
                            ColumnType.BOOLEAN,
                            ColumnType.STRING,
                            ColumnType.STRING,
                            ColumnType.STRING,
                            ColumnType.BYTES),
                    schema.columns().stream().map(Column::type).toList());
            assertEquals(List.of("id"), schema.key());
            assertEquals(uuid.toString(), t.get("uu"));
        }
    }

    @Test
    void sqliteValueWithoutLosslessLogFormStopsTheRelayNamingIt() throws Exception {
        Db db = Db.SQLITE;
        try (DeltaLog log = DeltaLog.open(dir.resolve("log.deltas"));
                Capture capture = Capture.of(log, () -> db.connect(dir));
                Connection c = db.connect(dir)) {
            Db.exec(c, "CREATE TABLE t(id INTEGER PRIMARY KEY, n INTEGER)");
            capture.install(c, "t");
            capture.enlist(c);
            Db.exec(c, "INSERT INTO t VALUES (1, 'not a number')");
            CaptureException e = assertThrows(CaptureException.class, capture::relayAvailable);
            assertTrue(
                    e.getMessage()
                            .contains("table t: column n (declared INTEGER, captured as LONG) holds String"
                                    + " 'not a number'"),
                    e.getMessage());
            assertEquals(0, log.count("t", 0L));
        }
    }
}
