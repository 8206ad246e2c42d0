package io.github.deltalog.view;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.deltalog.CorruptLogException;
import io.github.deltalog.Tuple;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import org.h2.mvstore.WriteBuffer;
import org.junit.jupiter.api.Test;

/**
 * Group states and join arrangement rows kept encoded ({@link KeyBytesType}) are the bytes {@link KeyType} writes
 * for them, so stores and journal records written by either type read back with the other; rows read from a page
 * (several in a row, from a buffer that starts inside its array) keep exactly their bytes and decode to the values
 * written.
 */
class KeyBytesTypeTest {
    private static final long SEED = Long.getLong("views.keybytes.seed", System.nanoTime());

    @Test
    void rowsKeepKeyTypesBytesAndDecodeToTheirValues() {
        SplittableRandom rnd = new SplittableRandom(SEED);
        String msg = "seed " + SEED + " (-Dviews.keybytes.seed=" + SEED + ")";
        for (int round = 0; round < 300; round++) {
            List<Tuple> rows = new ArrayList<>();
            WriteBuffer page = new WriteBuffer(256);
            page.put((byte) 0x5A); // before the rows, so that the slice starts inside its array
            for (int r = rnd.nextInt(1, 6); r > 0; r--) {
                Tuple row = row(rnd);
                rows.add(row);
                byte[] encoded = KeyBytesType.encode(row);
                assertArrayEquals(keyTypeBytes(row), encoded, msg + ", round " + round + ": " + row);
                KeyBytesType.INSTANCE.write(page, encoded);
            }
            ByteBuffer written = page.getBuffer();
            written.flip();
            byte[] all = new byte[written.remaining()];
            written.get(all);
            ByteBuffer slice = ByteBuffer.wrap(all, 1, all.length - 1).slice();
            ByteBuffer old = slice.duplicate();
            for (Tuple row : rows) {
                byte[] read = KeyBytesType.INSTANCE.read(slice);
                assertArrayEquals(keyTypeBytes(row), read, msg + ", round " + round);
                assertEquals(row, Tuple.of(KeyBytesType.decode(read).parts), msg + ", round " + round);
                // What an older version, reading the arrangement with KeyType, gets from the same bytes.
                assertEquals(row, Tuple.of(KeyType.INSTANCE.read(old).parts), msg + ", round " + round);
            }
            assertEquals(0, slice.remaining(), msg + ", round " + round + ": bytes left over");
            assertEquals(0, old.remaining(), msg + ", round " + round + ": bytes left over for KeyType");
        }
    }

    @Test
    void damagedRowsFailAsCorruptState() {
        byte[] row = KeyBytesType.encode(Tuple.of(7L, "x", BigDecimal.ONE));
        byte[] unknownTag = row.clone();
        unknownTag[1] = 99;
        assertThrows(CorruptLogException.class, () -> KeyBytesType.INSTANCE.read(ByteBuffer.wrap(unknownTag)));
        byte[] tooLong = java.util.Arrays.copyOf(row, row.length + 1);
        assertThrows(CorruptLogException.class, () -> KeyBytesType.decode(tooLong));
        byte[] claimsMore = row.clone();
        claimsMore[0] = 120;
        assertThrows(CorruptLogException.class, () -> KeyBytesType.INSTANCE.read(ByteBuffer.wrap(claimsMore)));
    }

    private static byte[] keyTypeBytes(Tuple row) {
        WriteBuffer w = new WriteBuffer(64);
        KeyType.INSTANCE.write(w, Key.of(row.values().toArray()));
        ByteBuffer b = w.getBuffer();
        b.flip();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    private static Tuple row(SplittableRandom rnd) {
        Object[] v = new Object[rnd.nextInt(0, 8)];
        for (int i = 0; i < v.length; i++) {
            v[i] = switch (rnd.nextInt(16)) {
                case 0 -> null;
                case 1 -> rnd.nextBoolean();
                case 2 -> (byte) rnd.nextInt();
                case 3 -> (short) rnd.nextInt();
                case 4 -> rnd.nextInt();
                case 5 -> rnd.nextLong();
                case 6 -> (float) rnd.nextDouble();
                case 7 -> rnd.nextDouble();
                case 8 -> "s\u00e9\u4e2d" + rnd.nextInt(1000);
                case 9 -> new byte[] {(byte) rnd.nextInt(), 0, (byte) rnd.nextInt()};
                case 10 -> BigDecimal.valueOf(rnd.nextLong(), rnd.nextInt(-3, 12));
                case 11 -> new BigInteger(80, new java.util.Random(rnd.nextLong()));
                case 12 -> new UUID(rnd.nextLong(), rnd.nextLong());
                case 13 -> Instant.ofEpochSecond(rnd.nextInt(), rnd.nextInt(1_000_000_000));
                case 14 -> LocalDate.ofEpochDay(rnd.nextInt(-100_000, 100_000));
                default -> rnd.nextBoolean()
                        ? LocalTime.ofNanoOfDay(rnd.nextLong(86_400_000_000_000L))
                        : LocalDateTime.of(2026, 12, 7, 20, rnd.nextInt(60));
            };
        }
        return Tuple.of(v);
    }
}
