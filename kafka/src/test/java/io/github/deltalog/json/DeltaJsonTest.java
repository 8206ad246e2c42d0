package io.github.deltalog.json;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.deltalog.Delta;
import io.github.deltalog.DeltaOp;
import io.github.deltalog.Tuple;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The typed JSON mapping: every value type reads back equal, the envelope is Debezium's, bad input is refused. */
class DeltaJsonTest {

    private static Delta roundTrip(Delta d) {
        String json = DeltaJson.toJson(d);
        assertFalse(json.contains("\n"), json);
        Delta back = DeltaJson.fromJson(json);
        assertEquals(d, back, json);
        return back;
    }

    private static void roundTripValue(Object v) {
        Delta d = new Delta("t", 1, 2, new DeltaOp.Insert(Tuple.of(v)));
        Object back = roundTrip(d).op().after().get(0);
        if (v != null) {
            assertEquals(v.getClass(), back.getClass(), String.valueOf(v));
        }
    }

    @Test
    void everyValueTypeRoundTrips() {
        List<Object> values = Arrays.asList(
                null,
                true,
                false,
                "",
                "plain",
                (byte) -128,
                (byte) 127,
                (short) -32768,
                (short) 32767,
                Integer.MIN_VALUE,
                Integer.MAX_VALUE,
                0,
                Long.MIN_VALUE,
                Long.MAX_VALUE,
                -1L,
                1.5f,
                Float.MIN_VALUE,
                Float.MAX_VALUE,
                -Float.MAX_VALUE,
                Float.NaN,
                Float.POSITIVE_INFINITY,
                Float.NEGATIVE_INFINITY,
                -0.0f,
                0.0f,
                0.1,
                Double.MIN_VALUE,
                Double.MAX_VALUE,
                -Double.MAX_VALUE,
                Double.MIN_NORMAL,
                1e-300,
                Double.NaN,
                Double.POSITIVE_INFINITY,
                Double.NEGATIVE_INFINITY,
                -0.0,
                0.0,
                new BigDecimal("9.50"),
                new BigDecimal("-0.000"),
                new BigDecimal("1E+30"),
                new BigDecimal("123456789012345678901234567890.123456789"),
                new BigInteger("-123456789012345678901234567890"),
                BigInteger.ZERO,
                new UUID(0, 0),
                UUID.fromString("123e4567-e89b-12d3-a456-426614174000"),
                new UUID(-1, -1),
                Instant.parse("2024-05-06T07:08:09.123456789Z"),
                Instant.EPOCH,
                Instant.MIN,
                Instant.MAX,
                LocalDate.of(2024, 1, 2),
                LocalDate.MIN,
                LocalDate.MAX,
                LocalTime.of(10, 11, 12, 500_000_000),
                LocalTime.MIDNIGHT,
                LocalTime.MAX,
                LocalDateTime.of(2024, 1, 2, 10, 11),
                LocalDateTime.MIN,
                LocalDateTime.MAX,
                new byte[0],
                new byte[] {0, 1, -1, 127, -128});
        for (Object v : values) {
            roundTripValue(v);
        }
        Delta all = new Delta("all", 7, 8, new DeltaOp.Insert(Tuple.of(values)));
        roundTrip(all);
    }

    @Test
    void negativeZeroAndNaNKeepTheirBits() {
        Delta d = roundTrip(new Delta("t", 1, 2, new DeltaOp.Insert(Tuple.of(-0.0, -0.0f, Double.NaN))));
        assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits((Double)
                d.op().after().get(0)));
        assertEquals(Float.floatToRawIntBits(-0.0f), Float.floatToRawIntBits((Float)
                d.op().after().get(1)));
        assertTrue(Double.isNaN((Double) d.op().after().get(2)));
        String json = DeltaJson.toJson(d);
        assertTrue(json.contains("{\"double\":\"-0.0\"}"), json);
        assertTrue(json.contains("{\"float\":\"-0.0\"}"), json);
        assertTrue(json.contains("{\"double\":\"NaN\"}"), json);
    }

    @Test
    void stringsWithUnicodeControlCharactersAndNulRoundTrip() {
        String[] strings = {
            "a\u0000b",
            "\u0001\u001f\u007f",
            "quote \" backslash \\ slash /",
            "line\nfeed\rreturn\ttab\bback\fform",
            "caf\u00e9 \u4e2d\u6587 \ud83d\ude00",
            "\u2028\u2029\ufeff\uffff"
        };
        for (String s : strings) {
            roundTripValue(s);
            String json = DeltaJson.toJson(new Delta("t", 1, 2, new DeltaOp.Insert(Tuple.of(s))));
            for (char c : json.toCharArray()) {
                assertTrue(c >= 0x20, "raw control character in " + json);
            }
        }
        roundTrip(new Delta("tab\u0000le \"\u00e9\"", 1, 2, new DeltaOp.Insert(Tuple.of(1))));
        assertTrue(DeltaJson.toJson(new Delta("t", 1, 2, new DeltaOp.Insert(Tuple.of("\u0000"))))
                .contains("\"\\u0000\""));
    }

    @Test
    void envelopeIsDebeziumShaped() {
        Tuple before = Tuple.of(1L, "alice", new BigDecimal("9.50"));
        Tuple after = Tuple.of(1L, "alice", new BigDecimal("12.00"));
        assertEquals(
                "{\"op\":\"u\",\"before\":[{\"long\":1},\"alice\",{\"decimal\":\"9.50\"}],"
                        + "\"after\":[{\"long\":1},\"alice\",{\"decimal\":\"12.00\"}],"
                        + "\"source\":{\"table\":\"orders\",\"rowId\":1,\"commitTimestamp\":1714979289123456},"
                        + "\"ts_us\":1714979289123456}",
                DeltaJson.toJson(new Delta("orders", 1, 1714979289123456L, new DeltaOp.Update(before, after))));
        assertEquals(
                "{\"op\":\"c\",\"before\":null,\"after\":[null,true],"
                        + "\"source\":{\"table\":\"t\",\"rowId\":-5,\"commitTimestamp\":9},\"ts_us\":9}",
                DeltaJson.toJson(new Delta("t", -5, 9, new DeltaOp.Insert(Tuple.of(null, true)))));
        String delete = DeltaJson.toJson(new Delta("t", Long.MIN_VALUE, Long.MAX_VALUE, new DeltaOp.Delete(before)));
        assertTrue(delete.startsWith("{\"op\":\"d\",\"before\":[{\"long\":1}"), delete);
        assertTrue(delete.contains("\"after\":null"), delete);
        assertTrue(delete.contains("\"rowId\":-9223372036854775808"), delete);
        roundTrip(new Delta("t", Long.MIN_VALUE, Long.MAX_VALUE, new DeltaOp.Delete(before)));
        roundTrip(new Delta("t", 0, 0, new DeltaOp.Insert(Tuple.of())));
    }

    @Test
    void logNameAndMillisecondsAreAddedToSourceAndReadBack() {
        Delta d = new Delta("orders", 1, 1714979289123456L, new DeltaOp.Insert(Tuple.of(1)));
        String json = DeltaJson.toJson(d, "shop \"eu\"");
        assertEquals(
                "{\"op\":\"c\",\"before\":null,\"after\":[{\"int\":1}],\"source\":{\"name\":\"shop \\\"eu\\\"\","
                        + "\"table\":\"orders\",\"rowId\":1,\"commitTimestamp\":1714979289123456,\"ts_ms\":1714979289123},"
                        + "\"ts_us\":1714979289123456}",
                json);
        assertEquals(d, DeltaJson.fromJson(json));
        // Rounded down, also before the epoch.
        Delta early = new Delta("t", 2, -1500, new DeltaOp.Delete(Tuple.of("x")));
        String earlyJson = DeltaJson.toJson(early, "n");
        assertTrue(earlyJson.contains("\"ts_ms\":-2}"), earlyJson);
        assertEquals(early, DeltaJson.fromJson(earlyJson));
        // The one-argument form is unchanged, and the overload with null writes the same.
        StringBuilder sb = new StringBuilder();
        DeltaJson.appendTo(sb, d, null);
        assertEquals(DeltaJson.toJson(d), sb.toString());
        assertFalse(DeltaJson.toJson(d).contains("ts_ms"));
        assertThrows(NullPointerException.class, () -> DeltaJson.toJson(d, null));
        // Present but mistyped is refused, like ts_us.
        assertThrows(
                IllegalArgumentException.class,
                () -> DeltaJson.fromJson(json.replace("\"ts_ms\":1714979289123", "\"ts_ms\":\"x\"")));
        assertThrows(
                IllegalArgumentException.class,
                () -> DeltaJson.fromJson(json.replace("\"name\":\"shop \\\"eu\\\"\"", "\"name\":5")));
    }

    @Test
    void readerAcceptsWhitespaceEscapesAndUnknownKeys() {
        String json = " {\n \"source\" : {\"table\":\"\\u006frders\",\"rowId\":3,\"commitTimestamp\":4,\"db\":\"x\"},"
                + "\"after\":[ {\"int\":1} , \"\\ud83d\\ude00\\/\" ],\"before\":null,\"op\":\"c\","
                + "\"transaction\":null}\t";
        Delta d = DeltaJson.fromJson(json);
        assertEquals(new Delta("orders", 3, 4, new DeltaOp.Insert(Tuple.of(1, "\ud83d\ude00/"))), d);
    }

    @Test
    void randomDeltasRoundTrip() {
        long seed = new Random().nextLong();
        Random rnd = new Random(seed);
        for (int i = 0; i < 2000; i++) {
            Object[] values = new Object[rnd.nextInt(6)];
            for (int k = 0; k < values.length; k++) {
                values[k] = randomValue(rnd);
            }
            Tuple t = Tuple.of(values);
            DeltaOp op = rnd.nextBoolean() ? new DeltaOp.Insert(t) : new DeltaOp.Update(t, Tuple.of(values.length));
            Delta d = new Delta("t" + rnd.nextInt(3), rnd.nextLong(), rnd.nextLong(), op);
            Delta back = DeltaJson.fromJson(DeltaJson.toJson(d));
            assertEquals(d, back, "seed " + seed + " step " + i);
        }
    }

    private static Object randomValue(Random rnd) {
        switch (rnd.nextInt(8)) {
            case 0:
                return Double.longBitsToDouble(rnd.nextLong());
            case 1:
                return Float.intBitsToFloat(rnd.nextInt());
            case 2:
                return rnd.nextLong();
            case 3:
                return BigDecimal.valueOf(rnd.nextLong(), rnd.nextInt(40) - 20);
            case 4:
                StringBuilder sb = new StringBuilder();
                for (int i = rnd.nextInt(10); i > 0; i--) {
                    char c = (char) rnd.nextInt(0xD800); // no surrogates: a tuple refuses unpaired ones
                    sb.append(c);
                }
                return sb.toString();
            case 5:
                byte[] b = new byte[rnd.nextInt(20)];
                rnd.nextBytes(b);
                return b;
            case 6:
                return Instant.ofEpochSecond(rnd.nextInt(), rnd.nextInt(1_000_000_000));
            default:
                return null;
        }
    }

    @Test
    void bytesAreBase64() {
        Delta d = new Delta("t", 1, 2, new DeltaOp.Insert(Tuple.of((Object) new byte[] {0, 1, -1})));
        assertTrue(DeltaJson.toJson(d).contains("{\"bytes\":\"AAH/\"}"));
        assertArrayEquals(
                new byte[] {0, 1, -1}, (byte[]) roundTrip(d).op().after().get(0));
    }

    @Test
    void badJsonIsAnIllegalArgument() {
        String good = "{\"op\":\"c\",\"before\":null,\"after\":[{\"int\":1}],"
                + "\"source\":{\"table\":\"t\",\"rowId\":1,\"commitTimestamp\":2}}";
        assertEquals(new Delta("t", 1, 2, new DeltaOp.Insert(Tuple.of(1))), DeltaJson.fromJson(good));
        String deep = "[".repeat(40) + "]".repeat(40);
        String[] bad = {
            null,
            "",
            "   ",
            "{",
            "[]",
            "null",
            good + "x",
            good + good,
            good.replace("\"c\"", "\"r\""),
            good.replace("\"c\"", "\"u\""),
            good.replace("\"c\"", "\"d\""),
            good.replace("\"before\":null,", ""),
            good.replace("{\"int\":1}", "{\"int\":1.5}"),
            good.replace("{\"int\":1}", "{\"int\":2147483648}"),
            good.replace("{\"int\":1}", "{\"int\":\"1\"}"),
            good.replace("{\"int\":1}", "{\"byte\":300}"),
            good.replace("{\"int\":1}", "{\"long\":1e3}"),
            good.replace("{\"int\":1}", "{\"int\":1,\"long\":1}"),
            good.replace("{\"int\":1}", "{\"money\":1}"),
            good.replace("{\"int\":1}", "{}"),
            good.replace("{\"int\":1}", "5"),
            good.replace("{\"int\":1}", "[1]"),
            good.replace("{\"int\":1}", "{\"double\":\"nan\"}"),
            good.replace("{\"int\":1}", "{\"decimal\":\"1,5\"}"),
            good.replace("{\"int\":1}", "{\"uuid\":\"1-2-3-4-5\"}"),
            good.replace("{\"int\":1}", "{\"instant\":\"yesterday\"}"),
            good.replace("{\"int\":1}", "{\"date\":\"2024-02-30\"}"),
            good.replace("{\"int\":1}", "{\"bytes\":\"***\"}"),
            good.replace("{\"int\":1}", "\"\\ud800\""),
            good.replace("{\"int\":1}", "\"a\u0001b\""),
            good.replace("{\"int\":1}", "\"\\x\""),
            good.replace("{\"int\":1}", "\"\\u12\""),
            good.replace("{\"int\":1}", "01"),
            good.replace("{\"int\":1}", "{\"int\":-}"),
            good.replace("{\"int\":1}", "{\"int\":1.}"),
            good.replace("{\"int\":1}", "tru"),
            good.replace("\"rowId\":1", "\"rowId\":9223372036854775808"),
            good.replace("\"rowId\":1", "\"rowId\":\"1\""),
            good.replace("\"table\":\"t\"", "\"table\":\"\""),
            good.replace("\"table\":\"t\",", ""),
            good.replace("\"rowId\":1,", "\"rowId\":1,\"rowId\":1,"),
            good.replace(",\"commitTimestamp\":2", ""),
            good.replace("[{\"int\":1}]", deep),
            good.replace("}}", "},\"ts_us\":\"now\"}"),
            "{'op':'c'}",
            "{\"op\":\"c\",}",
        };
        for (String s : bad) {
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> DeltaJson.fromJson(s), String.valueOf(s));
            assertFalse(e.getMessage() == null || e.getMessage().isEmpty(), s);
        }
    }

    @Test
    void deepNestingIsRefusedWithoutAStackOverflow() {
        String deep = "[".repeat(100_000);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DeltaJson.fromJson(deep));
        assertTrue(e.getMessage().contains("nesting"), e.getMessage());
    }
}
