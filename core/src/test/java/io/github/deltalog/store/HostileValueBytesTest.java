package io.github.deltalog.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.github.deltalog.CorruptLogException;
import io.github.deltalog.DeltaOp;
import io.github.deltalog.Tuple;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Hostile value bytes with a correct checksum: what a damaged or forged file can put before the value reader.
 * Every length and count is checked before it is allocated, values cannot nest (a tuple or operation tag where a
 * value belongs is refused), classes are named by tag only, and nothing is instantiated from a name; each case is a
 * {@link CorruptLogException} naming the row.
 */
class HostileValueBytesTest {
    private static final DeltaKey KEY = new DeltaKey(1, 1_700_000_000_000_000L, 42);
    /** Set by {@link Bomb} if it were ever initialised or instantiated. */
    static final String BOMB_PROPERTY = "deltalog.test.bomb";

    /** A class a forged value names; it must never be initialised nor instantiated. */
    static final class Bomb {
        static {
            System.setProperty(BOMB_PROPERTY, "initialised");
        }

        Bomb() {
            System.setProperty(BOMB_PROPERTY, "instantiated");
        }
    }

    /** A sealed value: header, then these bytes of the value format. */
    static byte[] value(DeltaKey key, int... kryo) {
        byte[] v = new byte[5 + kryo.length];
        v[4] = DeltaCodec.VALUE_VERSION;
        for (int i = 0; i < kryo.length; i++) {
            v[5 + i] = (byte) kryo[i];
        }
        DeltaCodec.seal(key, v);
        return v;
    }

    private static CorruptLogException corrupt(byte[] value) {
        CorruptLogException e =
                assertThrows(CorruptLogException.class, () -> DeltaCodec.decode(KEY, value, "t", "hostile.deltas"));
        assertTrue(e.getMessage().contains("row 42") && e.getMessage().contains("hostile.deltas"), e.getMessage());
        return e;
    }

    /** The tag Kryo wrote for a class registered under an id. */
    private static int id(int registrationId) {
        return registrationId + 2;
    }

    @Test
    void unknownAndUnregisteredClassIdsAreRejected() {
        corrupt(value(KEY, 101)); // id 99: never registered
        corrupt(value(KEY, 0xC0, 0x9A, 0x0C)); // id 200000
        for (int kryoDefault = 0; kryoDefault < 10; kryoDefault++) {
            // Kryo's own defaults (int, String, float, ...) were unregistered: only the format's ids decode.
            corrupt(value(KEY, id(kryoDefault), 1, 2, 3, 4, 5, 6, 7, 8));
        }
        corrupt(value(KEY, WireFormat.TUPLE, 0)); // a registered class, but not an operation
        corrupt(value(KEY, WireFormat.STRING, 1, 'x'));
        corrupt(value(KEY, 0)); // null
    }

    @Test
    void aClassNameIsRejectedWithoutLoadingOrInstantiatingIt() {
        String name = Bomb.class.getName().replace(".Bomb", "") + "$Bomb"; // not Bomb.class: no init from here
        assertNull(System.getProperty(BOMB_PROPERTY));
        byte[] ascii = name.getBytes(StandardCharsets.US_ASCII);
        ascii[ascii.length - 1] |= (byte) 0x80; // Kryo's ASCII string: the last byte has its high bit set
        ByteArrayOutputStream kryo = new ByteArrayOutputStream();
        kryo.write(WireFormat.INSERT);
        kryo.write(1); // tuple of one value
        kryo.write(1); // Kryo's NAME tag: a class given by name
        kryo.write(1); // name id
        kryo.writeBytes(ascii);
        int[] bytes = kryo.toByteArray().length == 0 ? new int[0] : toInts(kryo.toByteArray());
        CorruptLogException e = corrupt(value(KEY, bytes));
        assertTrue(e.getMessage().contains("class name"), e.getMessage());
        // Also as the operation itself.
        ByteArrayOutputStream top = new ByteArrayOutputStream();
        top.write(1);
        top.write(1);
        top.writeBytes(ascii);
        corrupt(value(KEY, toInts(top.toByteArray())));
        assertNull(System.getProperty(BOMB_PROPERTY), "the named class was initialised or instantiated");
    }

    @Test
    void aClassNameClaimingGigabytesAllocatesNothing() {
        // NAME tag, name id, then a UTF-8 string header claiming ~2^31 chars: Kryo's resolver allocated it.
        corrupt(value(KEY, 1, 1, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 'a'));
        corrupt(value(KEY, WireFormat.DELETE, 1, 1, 1, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F));
    }

    @Test
    void lengthsAndCountsAreCheckedBeforeAllocation() {
        int[] huge = {0xFF, 0xFF, 0xFF, 0xFF, 0x07}; // varint 2^31 - 1
        corrupt(value(KEY, concat(new int[] {WireFormat.INSERT}, huge))); // tuple count
        corrupt(value(KEY, concat(new int[] {WireFormat.INSERT, 1, WireFormat.STRING}, huge)));
        corrupt(value(KEY, concat(new int[] {WireFormat.INSERT, 1, WireFormat.BYTES}, huge)));
        corrupt(value(KEY, concat(new int[] {WireFormat.INSERT, 1, WireFormat.BIG_INTEGER}, huge)));
        corrupt(value(KEY, concat(new int[] {WireFormat.INSERT, 1, WireFormat.BIG_DECIMAL, 2}, huge)));
        corrupt(value(KEY, WireFormat.INSERT, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF)); // an overlong varint
        corrupt(value(KEY, WireFormat.INSERT, 2, 0)); // two values announced, one present
    }

    @Test
    void nestingIsCappedWithoutAStackOverflow() {
        int depth = 200_000;
        int[] nested = new int[2 + 2 * depth];
        nested[0] = WireFormat.INSERT;
        nested[1] = 1;
        for (int i = 0; i < depth; i++) {
            nested[2 + 2 * i] = WireFormat.TUPLE;
            nested[3 + 2 * i] = 1;
        }
        corrupt(value(KEY, nested));
        int[] ops = new int[depth];
        for (int i = 0; i < depth; i += 2) {
            ops[i] = WireFormat.INSERT;
            ops[i + 1] = 1;
        }
        corrupt(value(KEY, concat(new int[] {WireFormat.INSERT, 1}, ops)));
    }

    @Test
    void outOfRangeValuesAreCorruptionNotDateTimeExceptions() {
        int[] maxLong = {0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01}; // zig-zag varlong
        corrupt(value(KEY, concat(new int[] {WireFormat.INSERT, 1, WireFormat.INSTANT}, maxLong, new int[] {0})));
        corrupt(value(KEY, concat(new int[] {WireFormat.INSERT, 1, WireFormat.LOCAL_DATE}, maxLong)));
        corrupt(value(KEY, concat(new int[] {WireFormat.INSERT, 1, WireFormat.LOCAL_TIME}, maxLong)));
        corrupt(value(KEY, WireFormat.INSERT, 1, WireFormat.SHORT, 0xFE, 0xFF, 0x0F)); // 131071
    }

    @Test
    void aValueUnderAnotherKeyFailsItsChecksum() {
        byte[] v = DeltaCodec.encode("t", 42, new DeltaOp.Insert(Tuple.of(1, "a")));
        DeltaCodec.seal(KEY, v);
        assertEquals(new DeltaOp.Insert(Tuple.of(1, "a")), DeltaCodec.decode(KEY, v, "t", "f"));
        CorruptLogException e = assertThrows(
                CorruptLogException.class,
                () -> DeltaCodec.decode(new DeltaKey(1, KEY.commitTimestamp(), 43), v, "t", "hostile.deltas"));
        assertTrue(e.getMessage().contains("checksum"), e.getMessage());
        corrupt(new byte[0]);
        corrupt(new byte[] {1, 2, 3});
        byte[] version = value(KEY, WireFormat.INSERT, 0);
        version[4] = 2;
        DeltaCodec.seal(KEY, version);
        assertTrue(corrupt(version).getMessage().contains("version 2"));
    }

    /**
     * Random bytes and randomly damaged real encodings, resealed so that the checksum passes: the decoder
     * returns an operation or throws {@link CorruptLogException}, nothing else, quickly.
     */
    @Test
    void randomResealedBytesDecodeOrAreCorrupt() {
        long seed = new Random().nextLong();
        Random r = new Random(seed);
        byte[][] valid = {
            DeltaCodec.encode("t", 1, new DeltaOp.Insert(Tuple.of(1, "alice", new BigDecimal("9.50"), null))),
            DeltaCodec.encode("t", 1, new DeltaOp.Update(Tuple.of(UUID.randomUUID(), 1.5), Tuple.of(Instant.EPOCH))),
            DeltaCodec.encode("t", 1, new DeltaOp.Delete(Tuple.of(new byte[] {1, 2}, (short) 3, 4L, true, 2.5f)))
        };
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            for (int i = 0; i < 20_000; i++) {
                byte[] v;
                if (i % 2 == 0) {
                    v = new byte[5 + r.nextInt(40)];
                    r.nextBytes(v);
                    v[4] = DeltaCodec.VALUE_VERSION;
                } else {
                    v = valid[r.nextInt(valid.length)].clone();
                    for (int f = 1 + r.nextInt(3); f > 0; f--) {
                        v[5 + r.nextInt(v.length - 5)] ^= (byte) (1 + r.nextInt(255));
                    }
                }
                DeltaCodec.seal(KEY, v);
                try {
                    assertInstanceOf(DeltaOp.class, DeltaCodec.decode(KEY, v, "t", "f"));
                } catch (CorruptLogException expected) {
                    // fine
                } catch (Throwable t) {
                    fail("seed " + seed + " case " + i + ": " + t, t);
                }
            }
        });
    }

    private static int[] toInts(byte[] b) {
        int[] out = new int[b.length];
        for (int i = 0; i < b.length; i++) {
            out[i] = b[i] & 0xFF;
        }
        return out;
    }

    private static int[] concat(int[]... parts) {
        int n = 0;
        for (int[] p : parts) {
            n += p.length;
        }
        int[] out = new int[n];
        int at = 0;
        for (int[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }
}
