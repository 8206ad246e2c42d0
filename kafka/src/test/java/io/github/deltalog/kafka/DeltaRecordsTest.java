package io.github.deltalog.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.deltalog.Delta;
import io.github.deltalog.DeltaOp;
import io.github.deltalog.Tuple;
import io.github.deltalog.json.TableColumns;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
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
    void namedRecordsCarryColumnNamesAndKeyColumnsAndReadBackInBothForms() {
        TableColumns cols = new TableColumns(
                List.of("id", "name", "amount"),
                List.of(Long.class, String.class, BigDecimal.class),
                List.of(false, true, true),
                List.of("id"));
        Delta d = new Delta(
                "orders",
                5,
                1714979289123456L,
                new DeltaOp.Update(
                        Tuple.of(1L, "alice", new BigDecimal("9.50")), Tuple.of(2L, null, new BigDecimal("12.00"))));
        String plain = new String(DeltaRecords.value(d, cols, "shop", false), StandardCharsets.UTF_8);
        assertTrue(
                plain.startsWith("{\"before\":{\"id\":1,\"name\":\"alice\",\"amount\":\"9.50\"},"
                        + "\"after\":{\"id\":2,\"name\":null,\"amount\":\"12.00\"},\"source\":{"),
                plain);
        assertTrue(plain.contains("\"db\":\"shop\",\"table\":\"orders\",\"rowId\":5"), plain);
        // without the schema block the JSON decides the types (the decimal stays text), with it they are exact
        assertEquals(
                new DeltaOp.Update(Tuple.of(1L, "alice", "9.50"), Tuple.of(2L, null, "12.00")),
                DeltaRecords.delta(plain.getBytes(StandardCharsets.UTF_8)).op());
        assertEquals(d, DeltaRecords.delta(DeltaRecords.value(d, cols, "shop", true)));
        assertEquals("{\"id\":2}", new String(DeltaRecords.key(d, cols, "shop", false), StandardCharsets.UTF_8));
        String keyWithSchema = new String(DeltaRecords.key(d, cols, "shop", true), StandardCharsets.UTF_8);
        assertTrue(keyWithSchema.endsWith("\"payload\":{\"id\":2}}"), keyWithSchema);
        // a table without a schema: generated names, row id key
        TableColumns generated = TableColumns.generated(3);
        String g = new String(DeltaRecords.value(d, generated, "shop", false), StandardCharsets.UTF_8);
        assertTrue(g.contains("\"after\":{\"c0\":2,\"c1\":null,\"c2\":\"12.00\"}"), g);
        assertEquals(
                "{\"rowId\":5}", new String(DeltaRecords.key(d, generated, "shop", false), StandardCharsets.UTF_8));
        assertEquals(d, DeltaRecords.delta(DeltaRecords.value(d, generated, "shop", true)));
        // an image that does not fit the columns is refused, naming the table and row
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> DeltaRecords.value(
                        new Delta("orders", 9, 1, new DeltaOp.Insert(Tuple.of(1L))), cols, "shop", true));
        assertTrue(e.getMessage().contains("table 'orders' row 9"), e.getMessage());
    }

    @Test
    void badNamedRecordsAreRefused() {
        for (String v : new String[] {
            "{\"payload\":{\"op\":\"c\",\"before\":null,\"after\":{\"a\":1},\"source\":{\"table\":\"t\",\"rowId\":1,"
                    + "\"commitTimestamp\":1}},\"schema\":{\"type\":\"struct\",\"fields\":[{\"field\":\"after\",\"fields\":"
                    + "[{\"field\":\"a\",\"type\":\"map\"}]},{\"field\":\"before\",\"fields\":[]}]}}",
            "{\"op\":\"c\",\"before\":{\"a\":1},\"after\":{\"a\":1},\"source\":{\"table\":\"t\",\"rowId\":1,\"commitTimestamp\":1}}",
            "{\"op\":\"x\",\"before\":null,\"after\":{\"a\":1},\"source\":{\"table\":\"t\",\"rowId\":1,\"commitTimestamp\":1}}",
            "{\"op\":\"c\",\"before\":null,\"after\":{\"a\":[1]},\"source\":{\"table\":\"t\",\"rowId\":1,\"commitTimestamp\":1}}",
            "{\"op\":\"c\",\"before\":null,\"after\":{\"a\":1},\"source\":{\"table\":\"\",\"rowId\":1,\"commitTimestamp\":1}}"
        }) {
            assertThrows(
                    IllegalArgumentException.class, () -> DeltaRecords.delta(v.getBytes(StandardCharsets.UTF_8)), v);
        }
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
