package io.github.deltalog.sync;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.github.deltalog.ChangeSet;
import io.github.deltalog.Delta;
import io.github.deltalog.DeltaOp;
import io.github.deltalog.Tuple;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The changeset codec on known bytes, on bad deltas, and on hostile blobs. */
class SqliteChangesetsTest {
    /**
     * Recorded by the sqlite3 3.40 shell: {@code CREATE TABLE t(id INTEGER PRIMARY KEY, a, b, c)} holding (1, 'x',
     * 2.5, X'00ff') and (2, NULL, 3, 'y'); then insert (3, 'new', NULL, 1), set a = 'changed' where id = 1, delete
     * id 2.
     */
    private static final String SHELL_CHANGESET = "5404010000007400170001000000000000000103017800000003076368616e67"
            + "6564000009000100000000000000020501000000000000000303017912000100000000000000030303"
            + "6e6577050100000000000000" + "01";

    private static final String SHELL_PATCHSET = "5004010000007400170001000000000000000103076368616e676564000009000100"
            + "0000000000000212000100000000000000030303" + "6e657705010000000000000001";

    private static final TableShape T = TableShape.of("t", 4, 0);

    @Test
    void decodesWhatTheSqliteShellRecorded() {
        SqliteChangeset cs = SqliteChangesets.decode(HexFormat.of().parseHex(SHELL_CHANGESET));
        assertEquals(List.of(T), cs.shapes());
        ChangeSet deltas = cs.toChangeSet((t, id) -> id == 1 ? Tuple.of(1L, "x", 2.5, new byte[] {0, -1}) : null, 9);
        assertEquals(
                List.of(
                        new Delta(
                                "t",
                                1,
                                9,
                                new DeltaOp.Update(
                                        Tuple.of(1L, "x", 2.5, new byte[] {0, -1}),
                                        Tuple.of(1L, "changed", 2.5, new byte[] {0, -1}))),
                        new Delta("t", 2, 9, new DeltaOp.Delete(Tuple.of(2L, null, 3L, "y"))),
                        new Delta("t", 3, 9, new DeltaOp.Insert(Tuple.of(3L, "new", null, 1L)))),
                deltas.deltas());
        SqliteChangeset ps = SqliteChangesets.decode(HexFormat.of().parseHex(SHELL_PATCHSET));
        assertTrue(ps.isPatchset());
        assertEquals(
                deltas.deltas(),
                ps.toChangeSet(
                                (t, id) -> id == 1
                                        ? Tuple.of(1L, "x", 2.5, new byte[] {0, -1})
                                        : id == 2 ? Tuple.of(2L, null, 3L, "y") : null,
                                9)
                        .deltas());
    }

    @Test
    void encodesByteForByteAsTheSqliteShell() {
        ChangeSet changes = SqliteChangesets.decode(HexFormat.of().parseHex(SHELL_CHANGESET))
                .toChangeSet((t, id) -> Tuple.of(1L, "x", 2.5, new byte[] {0, -1}), 9);
        assertEquals(SHELL_CHANGESET, HexFormat.of().formatHex(SqliteChangesets.encode(changes, List.of(T))));
        assertEquals(SHELL_PATCHSET, HexFormat.of().formatHex(SqliteChangesets.encodePatchset(changes, List.of(T))));
    }

    @Test
    void refusesDeltasSqliteCannotHold() {
        List<TableShape> shapes = List.of(TableShape.of("orders", 2, 0));
        assertEquals(
                "table 'orders' row 1 column 1: a BigDecimal has no SQLite storage class (use Long, Double, String,"
                        + " byte[] or null)",
                encodeError(shapes, new DeltaOp.Insert(Tuple.of(1L, new BigDecimal("9.50")))));
        assertEquals(
                "table 'orders' row 1: primary-key column 0 holds 2, not the row id",
                encodeError(shapes, new DeltaOp.Insert(Tuple.of(2L, "x"))));
        assertEquals(
                "table 'orders' row 1: the image has 3 values, the table has 2 columns",
                encodeError(shapes, new DeltaOp.Delete(Tuple.of(1L, "x", "y"))));
        assertEquals(
                "no table shape given for table 'orders'", encodeError(List.of(), new DeltaOp.Insert(Tuple.of(1L))));
        assertThrows(IllegalArgumentException.class, () -> TableShape.of("t", 2));
        assertThrows(IllegalArgumentException.class, () -> TableShape.of("t", 2, 2));
        assertThrows(IllegalArgumentException.class, () -> TableShape.of("t\0", 2, 0));
    }

    private static String encodeError(List<TableShape> shapes, DeltaOp op) {
        List<Delta> deltas = List.of(new Delta("orders", 1, 1, op));
        return assertThrows(IllegalArgumentException.class, () -> SqliteChangesets.encode(deltas, shapes))
                .getMessage();
    }

    @Test
    void namesWhatIsWrongWithABadBlob() {
        assertBad("5402010074", "the table name at offset 4 has no NUL terminator");
        assertBad("5402010000", "table '' has an empty name or no primary-key column");
        assertBad("54ffffffff0f", "column count");
        assertBad("1200", "expected a table header");
        assertBad("540101740063", "unknown change op 99");
        assertBad("54010174002000", "unknown change op 32");
        assertBad("5401017400120007", "column 0 has unknown value type 7");
        assertBad("540101740012000100", "column 0 needs 8 bytes, 1 left");
        assertBad("54010174001200038fffffff7f", "column 0 claims");
        assertBad("5401017400120000", "column 0 is undefined where a value is required");
        assertBad("5401017400120005", "primary-key column 0 is NULL");
        assertBad("540100740000", "no primary-key column");
        assertBad("5401017400090203", "missing or invalid indirect flag");
        assertBad("5401017400ff", "unknown change op 255");
        assertBad("54010174001200" + "0301ff", "not valid UTF-8");
        assertBad("54010174001200" + "0100000000000000015001017400", "a patchset table header inside a changeset");
        SqliteChangeset textKey = SqliteChangesets.decode(HexFormat.of().parseHex("5401017400120003017a"));
        SqliteFormatException e =
                assertThrows(SqliteFormatException.class, () -> textKey.toChangeSet(RowLookup.EMPTY, 1));
        assertEquals(
                "table 't': deltalog needs a primary key of one INTEGER column for its row id, but the key is columns"
                        + " [0] holding z",
                e.getMessage());
    }

    private static void assertBad(String hex, String expected) {
        SqliteFormatException e = assertThrows(
                SqliteFormatException.class,
                () -> SqliteChangesets.decode(HexFormat.of().parseHex(hex)),
                hex);
        assertTrue(e.getMessage().startsWith("not a valid SQLite changeset at byte "), e.getMessage());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    /** Mutated blobs: a decode either yields deltas or a SqliteFormatException, never anything else. */
    @Test
    void hostileBlobsFailCleanly() {
        Long fixed = Long.getLong("deltalog.seed");
        long seed = fixed != null ? fixed : new Random().nextLong();
        Random rnd = new Random(seed);
        byte[][] seeds = {
            HexFormat.of().parseHex(SHELL_CHANGESET),
            HexFormat.of().parseHex(SHELL_PATCHSET),
            SqliteChangesets.encode(
                    List.of(
                            new Delta("a", 5, 1, new DeltaOp.Insert(Tuple.of(5L, "x".repeat(200), new byte[300]))),
                            new Delta("b", -1, 1, new DeltaOp.Update(Tuple.of(-1L, 1.5), Tuple.of(-1L, 2.5)))),
                    List.of(TableShape.of("a", 3, 0), TableShape.of("b", 2, 0)))
        };
        int cases = Integer.getInteger("deltalog.sqlite.hostile.cases", 20000);
        for (int i = 0; i < cases; i++) {
            byte[] blob = mutate(rnd, seeds[rnd.nextInt(seeds.length)]);
            try {
                SqliteChangeset cs = SqliteChangesets.decode(blob);
                cs.toChangeSet((t, id) -> null, 1);
            } catch (SqliteFormatException expected) {
                // the only failure allowed
            } catch (RuntimeException | Error e) {
                fail(
                        "case " + i + " (seed " + seed + ", -Ddeltalog.seed) blob "
                                + HexFormat.of().formatHex(blob),
                        e);
            }
        }
    }

    private static byte[] mutate(Random rnd, byte[] original) {
        byte[] b = original.clone();
        for (int m = 1 + rnd.nextInt(3); m > 0; m--) {
            switch (rnd.nextInt(5)) {
                case 0:
                    b[rnd.nextInt(b.length)] ^= (byte) (1 << rnd.nextInt(8));
                    break;
                case 1:
                    b = Arrays.copyOf(b, rnd.nextInt(b.length + 1));
                    break;
                case 2:
                    if (b.length > 0) {
                        b[rnd.nextInt(b.length)] = (byte) (rnd.nextBoolean() ? 0xff : 0x7f);
                    }
                    break;
                case 3:
                    byte[] longer = Arrays.copyOf(b, b.length + 9);
                    Arrays.fill(longer, b.length, longer.length, (byte) 0xff);
                    b = longer;
                    break;
                default:
                    if (b.length > 0) {
                        b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
                    }
            }
            if (b.length == 0) {
                return b;
            }
        }
        return b;
    }

    @Test
    void emptyInputIsAnEmptyChangeset() {
        SqliteChangeset empty = SqliteChangesets.decode(new byte[0]);
        assertEquals(0, empty.changes().size());
        assertArrayEquals(new byte[0], SqliteChangesets.encode(List.of(), List.of()));
    }
}
