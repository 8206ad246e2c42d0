package io.github.deltalog;

import static io.github.deltalog.Support.read;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tuples: every supported value type through a file, immutability, equality, the unsupported-type error. */
class TupleTest {
    private static final float ODD_NAN = Float.intBitsToFloat(0x7fc00123);
    private static final String TRICKY = "a\u0000b \uD83D\uDE00 é 表 \uD834\uDD1E end";

    @TempDir
    Path dir;

    private static Object[] everyType() {
        return new Object[] {
            null,
            Boolean.TRUE,
            Boolean.FALSE,
            (byte) -128,
            (byte) 127,
            (short) -32768,
            (short) 32767,
            Integer.MIN_VALUE,
            -1,
            Integer.MAX_VALUE,
            Long.MIN_VALUE,
            Long.MAX_VALUE,
            Float.NaN,
            ODD_NAN,
            -0.0f,
            Float.NEGATIVE_INFINITY,
            Float.MIN_VALUE,
            Double.NaN,
            -0.0d,
            Double.MAX_VALUE,
            Double.POSITIVE_INFINITY,
            "",
            TRICKY,
            new byte[0],
            new byte[] {0, 1, -1, 127, -128},
            new BigDecimal("9.50"),
            new BigDecimal("-0.000"),
            new BigDecimal("1E+30"),
            new BigDecimal(new BigInteger("123456789012345678901234567890"), -7),
            BigInteger.ZERO,
            new BigInteger("-98765432109876543210987654321098765432109876543210"),
            new UUID(Long.MIN_VALUE, -1L),
            UUID.fromString("123e4567-e89b-12d3-a456-426614174000"),
            Instant.MIN,
            Instant.MAX,
            Instant.parse("1969-12-31T23:59:59.999999999Z"),
            LocalDate.MIN,
            LocalDate.MAX,
            LocalDate.of(2024, 2, 29),
            LocalTime.MIDNIGHT,
            LocalTime.MAX,
            LocalDateTime.MIN,
            LocalDateTime.MAX,
            LocalDateTime.of(2000, 1, 1, 12, 30, 15, 123_456_789)
        };
    }

    @Test
    void everySupportedValueTypeRoundTripsThroughAFile() {
        Path file = dir.resolve("types.deltas");
        Object[] values = everyType();
        Tuple tuple = Tuple.of(values);
        Tuple other = Tuple.of(1, "before");
        try (DeltaLog log = DeltaLog.open(file)) {
            log.track("t");
            log.recordInsert("t", 1, tuple);
            log.recordUpdate("t", 2, other, tuple);
            log.recordDelete("t", 3, tuple);
        }
        try (DeltaLog log = DeltaLog.open(file)) {
            List<Delta> all = read(log, "t");
            assertEquals(3, all.size());
            assertEquals(tuple, all.get(0).op().after());
            assertEquals(other, all.get(1).op().before());
            assertEquals(tuple, all.get(1).op().after());
            assertEquals(tuple, all.get(2).op().before());
            Tuple back = all.get(0).op().after();
            assertEquals(values.length, back.size());
            for (int i = 0; i < values.length; i++) {
                Object expected = values[i];
                Object actual = back.get(i);
                if (expected == null) {
                    assertNull(actual, "position " + i);
                    continue;
                }
                assertSame(expected.getClass(), actual.getClass(), "position " + i);
                if (expected instanceof byte[] e) {
                    assertArrayEquals(e, (byte[]) actual, "position " + i);
                } else if (expected instanceof Float f) {
                    assertEquals(Float.floatToRawIntBits(f), Float.floatToRawIntBits((Float) actual), "position " + i);
                } else if (expected instanceof Double d) {
                    assertEquals(
                            Double.doubleToRawLongBits(d),
                            Double.doubleToRawLongBits((Double) actual),
                            "position " + i);
                } else if (expected instanceof BigDecimal d) {
                    assertEquals(d.scale(), ((BigDecimal) actual).scale(), "position " + i);
                    assertEquals(d, actual, "position " + i);
                } else {
                    assertEquals(expected, actual, "position " + i);
                }
            }
        }
    }

    @Test
    void emptyTupleRoundTrips() {
        try (DeltaLog log = DeltaLog.open(dir.resolve("e.deltas"))) {
            log.track("t");
            log.recordInsert("t", 1, Tuple.of());
            assertEquals(Tuple.of(), read(log, "t").get(0).op().after());
            assertEquals(0, Tuple.of().size());
            assertEquals(Tuple.of(), Tuple.of(List.of()));
        }
    }

    @Test
    void byteArraysAreCopiedInAndOut() {
        byte[] in = {1, 2, 3};
        Tuple t = Tuple.of("k", in);
        in[0] = 9;
        assertArrayEquals(new byte[] {1, 2, 3}, (byte[]) t.get(1));
        byte[] out = (byte[]) t.get(1);
        out[1] = 9;
        assertArrayEquals(new byte[] {1, 2, 3}, (byte[]) t.get(1));
        byte[] fromList = (byte[]) t.values().get(1);
        fromList[2] = 9;
        assertArrayEquals(new byte[] {1, 2, 3}, (byte[]) t.get(1));
        assertEquals(Tuple.of("k", new byte[] {1, 2, 3}), t);
    }

    @Test
    void theArgumentsArrayAndListAreCopied() {
        Object[] args = {1, "a"};
        Tuple t = Tuple.of(args);
        args[0] = 2;
        assertEquals(1, t.get(0));
        List<Object> list = new ArrayList<>(List.of(1, "a"));
        Tuple fromList = Tuple.of(list);
        list.set(0, 2);
        assertEquals(1, fromList.get(0));
        assertEquals(t, fromList);
        assertThrows(UnsupportedOperationException.class, () -> t.values().set(0, 5));
    }

    @Test
    void tuplesReadFromTheLogCannotBeChangedThroughTheirBytes() {
        try (DeltaLog log = DeltaLog.inMemory()) {
            log.track("t");
            log.recordInsert("t", 1, Tuple.of(new byte[] {5, 6}));
            byte[] got = (byte[]) read(log, "t").get(0).op().after().get(0);
            got[0] = 0;
            assertArrayEquals(new byte[] {5, 6}, (byte[])
                    read(log, "t").get(0).op().after().get(0));
        }
    }

    @Test
    void tuplesCompareByContent() {
        assertEquals(Tuple.of(new byte[] {1, 2}), Tuple.of(new byte[] {1, 2}));
        assertEquals(
                Tuple.of(new byte[] {1, 2}).hashCode(),
                Tuple.of(new byte[] {1, 2}).hashCode());
        assertNotEquals(Tuple.of(new byte[] {1, 2}), Tuple.of(new byte[] {1, 3}));
        assertEquals(Tuple.of(1, null, "x"), Tuple.of(Arrays.asList(1, null, "x")));
        assertNotEquals(Tuple.of(1), Tuple.of(1L), "types matter");
        assertNotEquals(Tuple.of(1, 2), Tuple.of(2, 1), "order matters");
        assertNotEquals(Tuple.of(1), Tuple.of(1, null), "size matters");
        assertNotEquals(Tuple.of(new BigDecimal("1.0")), Tuple.of(new BigDecimal("1.00")), "scale matters");
        assertEquals(Tuple.of(Float.NaN), Tuple.of(Float.NaN));
        assertNotEquals(Tuple.of(0.0d), Tuple.of(-0.0d));
        assertNotEquals(Tuple.of(1), null);
        assertNotEquals(Tuple.of(1), "1");
    }

    @Test
    void accessorsAndToString() {
        Tuple t = Tuple.of(1, "a", null, new byte[] {0x0f, (byte) 0xa0});
        assertEquals(4, t.size());
        assertEquals(1, t.get(0));
        assertNull(t.get(2));
        assertEquals(Arrays.asList(1, "a", null), t.values().subList(0, 3));
        IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class, () -> t.get(4));
        assertTrue(e.getMessage().contains("4"), e.getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> t.get(-1));
        assertEquals("(1, 'a', null, 0x0fa0)", t.toString());
    }

    @Test
    void supportedTypesAreExactlyTheDocumentedOnes() {
        for (Object v : everyType()) {
            if (v != null) {
                assertTrue(Tuple.isSupportedType(v.getClass()), v.getClass().getName());
            }
        }
        assertFalse(Tuple.isSupportedType(Object.class));
        assertFalse(Tuple.isSupportedType(java.util.Date.class));
        assertFalse(Tuple.isSupportedType(int[].class));
        assertFalse(Tuple.isSupportedType(Character.class));
        assertFalse(Tuple.isSupportedType(StringBuilder.class));
    }

    /** Guards Tuple.of against strings with lone surrogates, which UTF-8 storage used to turn into '?'. */
    @Test
    void stringsWithUnpairedSurrogatesAreRefusedNotSilentlyChanged() {
        for (String bad : List.of("x\uD800y", "\uDC00", "end\uD83D", "\uDE00\uD83D")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tuple.of(1, bad));
            assertTrue(e.getMessage().contains("position 1"), e.getMessage());
            assertTrue(e.getMessage().contains("surrogate"), e.getMessage());
        }
        Tuple pairs = Tuple.of("\uD83D\uDE00\uD83D\uDE00", "\uDBFF\uDFFF");
        try (DeltaLog log = DeltaLog.inMemory()) {
            log.track("t");
            log.recordInsert("t", 1, pairs);
            assertEquals(pairs, read(log, "t").get(0).op().after());
        }
    }

    @Test
    void unsupportedTypeIsRefusedNamingTypeAndPosition() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> Tuple.of(1, "a", new java.util.Date(0)));
        assertTrue(e.getMessage().contains("java.util.Date"), e.getMessage());
        assertTrue(e.getMessage().contains("position 2"), e.getMessage());
        IllegalArgumentException fromList = assertThrows(IllegalArgumentException.class, () -> Tuple.of(List.of('c')));
        assertTrue(fromList.getMessage().contains("java.lang.Character"), fromList.getMessage());
        assertTrue(fromList.getMessage().contains("position 0"), fromList.getMessage());
        assertThrows(NullPointerException.class, () -> Tuple.of((Object[]) null));
    }
}
