package io.github.deltalog.view;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.deltalog.CorruptLogException;
import io.github.deltalog.DeltaLog;
import io.github.deltalog.Tuple;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.WriteBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * State format 3's join arrangements: the key layout is pinned byte for byte; keys of one join value are one
 * range in rowId order, whatever else is stored; values that are {@code equals} share their bytes and others do
 * not; and the arrangements of a format 1 view ({@code golden/views-state-v1.deltas}) are moved at a writable open
 * (format 4), left in place by a read-only one, and the view stays equal to its recomputation either way.
 */
class ArrangementLayoutTest {
    private static final long SEED = Long.getLong("views.arrangement.seed", System.nanoTime());

    @TempDir
    Path dir;

    @Test
    void keyLayoutIsPinned() {
        WriteBuffer w = new WriteBuffer(16);
        ArrangementKeyType.INSTANCE.write(w, new ArrangementKey(ArrangementKey.encode("c7"), 300));
        // varint 4 (the value's length), STRING tag 9, varint 2, 'c', '7', varlong 300
        assertArrayEquals(new byte[] {4, 9, 2, 'c', '7', (byte) 0xAC, 0x02}, bytes(w));
        w = new WriteBuffer(16);
        ArrangementKeyType.INSTANCE.write(w, new ArrangementKey(ArrangementKey.encode(5L), -1));
        byte[] minusOne = {
            (byte) 0xFF,
            (byte) 0xFF,
            (byte) 0xFF,
            (byte) 0xFF,
            (byte) 0xFF,
            (byte) 0xFF,
            (byte) 0xFF,
            (byte) 0xFF,
            (byte) 0xFF,
            0x01
        };
        byte[] expected = new byte[3 + minusOne.length];
        expected[0] = 2; // length
        expected[1] = 6; // LONG tag
        expected[2] = 5; // varlong 5
        System.arraycopy(minusOne, 0, expected, 3, minusOne.length);
        assertArrayEquals(expected, bytes(w));
    }

    @Test
    void joinValuesAreRangesInRowIdOrderAndMatchByEquals() {
        SplittableRandom rnd = new SplittableRandom(SEED);
        String msg = "seed " + SEED + " (-Dviews.arrangement.seed=" + SEED + ")";
        Object[] values = {
            1,
            1L,
            2,
            -2L,
            "a",
            "ab",
            "b",
            "",
            new BigDecimal("1.0"),
            new BigDecimal("1.00"),
            Double.NaN,
            Double.longBitsToDouble(0x7ff8000000000123L),
            -0.0d,
            0.0d,
            true,
            new byte[] {1, 2}
        };
        TreeMap<ArrangementKey, Object> map = new TreeMap<>();
        List<ArrangementKey> written = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            Object v = values[rnd.nextInt(values.length)];
            ArrangementKey k = new ArrangementKey(ArrangementKey.encode(v), rnd.nextLong(-50, 50));
            map.put(k, v);
            written.add(k);
            WriteBuffer w = new WriteBuffer(16);
            ArrangementKeyType.INSTANCE.write(w, k);
            ByteBuffer read = ByteBuffer.wrap(bytes(w));
            assertEquals(k, ArrangementKeyType.INSTANCE.read(read), msg);
            assertEquals(0, read.remaining(), msg);
        }
        for (Object v : values) {
            byte[] enc = ArrangementKey.encode(v);
            long last = Long.MIN_VALUE;
            int inRange = 0;
            for (ArrangementKey k : map.subMap(ArrangementKey.first(enc), true, ArrangementKey.last(enc), true)
                    .keySet()) {
                assertTrue(k.rowId > last || inRange == 0, msg);
                last = k.rowId;
                inRange++;
                assertTrue(Tuple.of(map.get(k)).equals(Tuple.of(v)), msg + ": " + map.get(k) + " in the range of " + v);
            }
            long expected = written.stream()
                    .filter(k -> Tuple.of(map.get(k)).equals(Tuple.of(v)))
                    .map(k -> k.rowId)
                    .distinct()
                    .count();
            assertEquals(expected, inRange, msg + ": rows of " + v);
        }
        assertArrayEquals(ArrangementKey.encode(Double.NaN), ArrangementKey.encode(values[11]));
        assertNotEquals(Tuple.of(1), Tuple.of(1L));
        assertFalse(java.util.Arrays.equals(ArrangementKey.encode(1), ArrangementKey.encode(1L)));
    }

    @Test
    void damagedKeysFailAsCorruptState() {
        assertThrows(
                CorruptLogException.class, () -> ArrangementKeyType.INSTANCE.read(ByteBuffer.wrap(new byte[] {0})));
        assertThrows(
                CorruptLogException.class, () -> ArrangementKeyType.INSTANCE.read(ByteBuffer.wrap(new byte[] {9, 1})));
    }

    @Test
    void formatOneArrangementsAreMovedAtAWritableOpenOnly() throws IOException {
        Path file = dir.resolve("views-state-v1.deltas");
        try (InputStream in = getClass().getResourceAsStream("/golden/views-state-v1.deltas")) {
            Files.copy(in, file);
        }
        String joinId = viewId(file, ViewStateV1Golden.JOIN);
        try (DeltaLog log = DeltaLog.builder().path(file).readOnly(true).open()) {
            View j = log.view(ViewStateV1Golden.JOIN, ViewStateV1Golden.join());
            assertTrue(j.verify().matches(), j.verify().differences().toString());
        }
        try (MVStore s = readOnly(file)) {
            assertTrue(s.hasMap("view." + joinId + ".left"), "a read-only open moves nothing");
            assertEquals(1L, s.openMap("view." + joinId + ".meta").get("format"));
        }
        long leftRows;
        try (MVStore s = readOnly(file)) {
            leftRows = s.openMap(
                            "view." + joinId + ".left",
                            new MVMap.Builder<Key, byte[]>()
                                    .keyType(KeyType.INSTANCE)
                                    .valueType(RowBytesType.INSTANCE))
                    .sizeAsLong();
        }
        try (DeltaLog log = DeltaLog.open(file)) {
            View j = log.view(ViewStateV1Golden.JOIN, ViewStateV1Golden.join());
            assertTrue(j.verify().matches(), j.verify().differences().toString());
            assertFalse(j.refresh().rebuilt());
            assertTrue(j.verify().matches(), j.verify().differences().toString());
        }
        try (MVStore s = readOnly(file)) {
            assertFalse(s.hasMap("view." + joinId + ".left"));
            assertFalse(s.hasMap("view." + joinId + ".right"));
            assertEquals(
                    ViewMaps.FORMAT_VALUES_MAP_COMPACT,
                    s.openMap("view." + joinId + ".meta").get("format"));
            MVMap<ArrangementKey, byte[]> left = s.openMap(
                    "view." + joinId + ".leftRows",
                    new MVMap.Builder<ArrangementKey, byte[]>()
                            .keyType(ArrangementKeyType.INSTANCE)
                            .valueType(RowBytesType.INSTANCE));
            assertTrue(
                    Math.abs(left.sizeAsLong() - leftRows) <= 100,
                    left.sizeAsLong() + " rows, " + leftRows + " before");
        }
    }

    private static String viewId(Path file, String view) {
        try (MVStore s = readOnly(file)) {
            String entry = s.<String, String>openMap("views").get(view);
            return entry.substring(0, entry.indexOf('\n'));
        }
    }

    private static MVStore readOnly(Path file) {
        return new MVStore.Builder().fileName(file.toString()).readOnly().open();
    }

    private static byte[] bytes(WriteBuffer w) {
        ByteBuffer b = w.getBuffer();
        b.flip();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }
}
