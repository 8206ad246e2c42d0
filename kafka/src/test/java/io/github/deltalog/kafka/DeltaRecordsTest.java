package io.github.deltalog.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.deltalog.Delta;
import io.github.deltalog.DeltaOp;
import io.github.deltalog.Tuple;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The record format: keys, values with source.name, position records. */
class DeltaRecordsTest {

    @Test
    void keysAndValuesRoundTrip() {
        for (long row : new long[] {0, 1, -1, Long.MIN_VALUE, Long.MAX_VALUE}) {
            assertEquals("{\"rowId\":" + row + "}", new String(DeltaRecords.key(row), StandardCharsets.UTF_8));
            assertEquals(row, DeltaRecords.rowIdOf(DeltaRecords.key(row)));
        }
        Delta d = new Delta(
                "sales.eu",
                -7,
                1714979289123456L,
                new DeltaOp.Update(
                        Tuple.of(1, "a", new BigDecimal("1.50")), Tuple.of(1, "\ud83d\ude00", new BigDecimal("2.00"))));
        String json = new String(DeltaRecords.value(d, "shop"), StandardCharsets.UTF_8);
        assertEquals(true, json.contains("\"source\":{\"name\":\"shop\",\"table\":\"sales.eu\""), json);
        assertEquals(true, json.contains("\"ts_ms\":1714979289123}"), json);
        assertEquals(d, DeltaRecords.delta(DeltaRecords.value(d, "shop")));
    }

    @Test
    void badRecordsAreRefused() {
        for (String k : new String[] {"", "{\"rowId\":1.5}", "{\"rowId\":99999999999999999999}", "{ \"rowId\":1}"}) {
            assertThrows(
                    IllegalArgumentException.class, () -> DeltaRecords.rowIdOf(k.getBytes(StandardCharsets.UTF_8)), k);
        }
        assertThrows(IllegalArgumentException.class, () -> DeltaRecords.rowIdOf(null));
        assertThrows(IllegalArgumentException.class, () -> DeltaRecords.delta(null));
        assertThrows(IllegalArgumentException.class, () -> DeltaRecords.delta(new byte[] {(byte) 0xC3}));
        assertThrows(IllegalArgumentException.class, () -> DeltaRecords.delta("{}".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void positionRecords() {
        assertEquals("shop/sync/peer", new String(PositionsTopic.key("shop", "sync/peer"), StandardCharsets.UTF_8));
        assertEquals(123, PositionsTopic.position(PositionsTopic.value(123)));
        assertThrows(IllegalArgumentException.class, () -> PositionsTopic.position(null));
        assertThrows(
                IllegalArgumentException.class, () -> PositionsTopic.position("5".getBytes(StandardCharsets.UTF_8)));
    }
}
