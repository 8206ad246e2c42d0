package io.github.deltalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.LocalDate;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Column types: their Java classes, and widening that keeps every value. */
class ColumnTypeTest {
    @Test
    void everySupportedClassHasItsType() {
        for (ColumnType t : ColumnType.values()) {
            assertSame(t, ColumnType.of(t.javaType()));
            assertTrue(Tuple.isSupportedType(t.javaType()), t::name);
        }
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> ColumnType.of(java.util.Date.class));
        assertTrue(e.getMessage().contains("java.util.Date"), e::getMessage);
    }

    @Test
    void wideningGivesTheWiderClassAndTheSameValue() {
        Map<ColumnType, Object> samples = Map.of(
                ColumnType.BYTE,
                (byte) -7,
                ColumnType.SHORT,
                (short) -300,
                ColumnType.INT,
                Integer.MIN_VALUE,
                ColumnType.LONG,
                Long.MAX_VALUE,
                ColumnType.FLOAT,
                1.5f,
                ColumnType.BIG_INTEGER,
                BigInteger.TEN.pow(30),
                ColumnType.DATE,
                LocalDate.of(2024, 2, 29));
        int pairs = 0;
        for (ColumnType from : ColumnType.values()) {
            assertFalse(from.widensTo(from));
            for (ColumnType to : ColumnType.values()) {
                if (!from.widensTo(to)) {
                    continue;
                }
                pairs++;
                Object v = samples.get(from);
                Object w = from.widen(v, to);
                assertSame(to.javaType(), w.getClass(), from + " -> " + to);
                if (w instanceof Number n && !(w instanceof BigDecimal) && !(w instanceof BigInteger)) {
                    assertEquals(((Number) v).doubleValue(), n.doubleValue(), from + " -> " + to);
                } else if (w instanceof BigDecimal d) {
                    assertEquals(0, d.compareTo(new BigDecimal(v.toString())), from + " -> " + to);
                } else if (w instanceof BigInteger b) {
                    assertEquals(v.toString(), b.toString(), from + " -> " + to);
                }
                assertEquals(null, from.widen(null, to));
            }
        }
        assertEquals(22, pairs);
        assertEquals(
                LocalDate.of(2024, 2, 29).atStartOfDay(),
                ColumnType.DATE.widen(LocalDate.of(2024, 2, 29), ColumnType.TIMESTAMP));
        assertFalse(ColumnType.LONG.widensTo(ColumnType.DOUBLE), "not every long is a double");
        assertFalse(ColumnType.DOUBLE.widensTo(ColumnType.DECIMAL), "NaN and infinities are no decimals");
    }
}
