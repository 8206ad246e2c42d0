package io.github.deltalog.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.esotericsoftware.kryo.kryo5.Kryo;
import com.esotericsoftware.kryo.kryo5.io.Input;
import com.esotericsoftware.kryo.kryo5.io.Output;
import io.github.deltalog.CorruptLogException;
import io.github.deltalog.DeltaOp;
import io.github.deltalog.Tuple;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The codec writes and reads exactly Kryo 5's bytes of the v1 format without a Kryo instance: against a real
 * Kryo with the format's registrations ({@link KryoReference}), its writer gives the same bytes for random
 * operations of every type, and its reader agrees with Kryo's on random and randomly damaged bytes (same
 * operation, or both refuse). {@code FormatGoldenTest} pins a few values; this covers random ones. The seed is
 * printed on failure; rerun with {@code -Ddeltalog.kryo.seed=N}.
 */
class KryoWireFormatTest {
    private static final DeltaKey KEY = new DeltaKey(3, 1_714_979_289_123_456L, -42);
    private static final long SEED = Long.getLong("deltalog.kryo.seed", System.nanoTime());

    @Test
    void writesTheBytesKryoWrites() {
        Random random = new Random(SEED);
        Kryo kryo = KryoReference.newKryo();
        for (int n = 0; n < 5000; n++) {
            DeltaOp op = randomOp(random);
            byte[] value = DeltaCodec.encode("t", KEY.rowId(), op);
            assertArrayEquals(kryoBytes(kryo, op), body(value), "seed " + SEED + ", " + op);
            Output direct = new Output(64, -1);
            KryoReference.writeDirect(kryo, direct, op); // bench's replica of the old write path
            assertArrayEquals(kryoBytes(kryo, op), direct.toBytes(), "seed " + SEED + ", " + op);

            new DeltaCodec.Sealer().seal(KEY, value);
            byte[] sealedStatically = value.clone();
            DeltaCodec.seal(KEY, sealedStatically);
            assertArrayEquals(sealedStatically, value, "seed " + SEED + ", " + op);
            DeltaOp back = DeltaCodec.decode(KEY, value, "t", "test");
            assertEquals(op, back, "seed " + SEED);
            assertArrayEquals(kryoBytes(kryo, op), kryoBytes(kryo, back), "seed " + SEED + ", " + op);
        }
    }

    @Test
    void readsWhatKryoReads() {
        Random random = new Random(SEED);
        Kryo kryo = KryoReference.newKryo();
        int agreedOnAnOperation = 0;
        int bothRefused = 0;
        for (int n = 0; n < 20_000; n++) {
            byte[] body;
            if (n % 3 == 0) {
                body = new byte[random.nextInt(40)];
                random.nextBytes(body);
                if (body.length > 0) {
                    body[0] = (byte) (12 + random.nextInt(3)); // mostly an operation's tag, to get further
                }
            } else {
                body = kryoBytes(kryo, randomOp(random));
                for (int f = n % 3 == 1 ? 0 : 1 + random.nextInt(3); f > 0 && body.length > 0; f--) {
                    body[random.nextInt(body.length)] ^= (byte) (1 + random.nextInt(255));
                }
            }
            byte[] viaKryo = kryoRead(kryo, body);
            byte[] value = new byte[5 + body.length];
            value[4] = DeltaCodec.VALUE_VERSION;
            System.arraycopy(body, 0, value, 5, body.length);
            DeltaCodec.seal(KEY, value);
            byte[] viaCodec;
            try {
                viaCodec = kryoBytes(kryo, DeltaCodec.decode(KEY, value, "t", "test"));
            } catch (CorruptLogException e) {
                viaCodec = null;
            }
            String where =
                    "seed " + SEED + ", case " + n + ", bytes " + HexFormat.of().formatHex(body);
            if (viaKryo == null) {
                assertNull(viaCodec, where + ": Kryo refused these bytes, the codec read them");
                bothRefused++;
            } else {
                assertArrayEquals(viaKryo, viaCodec, where);
                agreedOnAnOperation++;
            }
        }
        // A third of the cases are undamaged encodings; random and damaged bytes give both outcomes.
        assertTrue(agreedOnAnOperation > 7000, "too few readable cases: " + agreedOnAnOperation);
        assertTrue(bothRefused > 5000, "too few refused cases: " + bothRefused);
    }

    /** Kryo's bytes of an operation, re-encoded so that NaN payloads compare too. */
    private static byte[] kryoBytes(Kryo kryo, DeltaOp op) {
        Output out = new Output(64, -1);
        kryo.writeClassAndObject(out, op);
        return out.toBytes();
    }

    /** What Kryo reads from the bytes, re-encoded, or null if it refuses them or leaves bytes over. */
    private static byte[] kryoRead(Kryo kryo, byte[] body) {
        try {
            Input in = new Input(body);
            Object op = kryo.readClassAndObject(in);
            return op instanceof DeltaOp d && in.position() == body.length ? kryoBytes(kryo, d) : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static byte[] body(byte[] value) {
        return Arrays.copyOfRange(value, 5, value.length);
    }

    private static DeltaOp randomOp(Random random) {
        switch (random.nextInt(3)) {
            case 0:
                return new DeltaOp.Insert(randomTuple(random));
            case 1:
                return new DeltaOp.Update(randomTuple(random), randomTuple(random));
            default:
                return new DeltaOp.Delete(randomTuple(random));
        }
    }

    private static Tuple randomTuple(Random random) {
        Object[] values = new Object[random.nextInt(20)];
        for (int i = 0; i < values.length; i++) {
            values[i] = randomValue(random);
        }
        return Tuple.of(values);
    }

    private static Object randomValue(Random random) {
        switch (random.nextInt(17)) {
            case 0:
                return null;
            case 1:
                return random.nextBoolean();
            case 2:
                return (byte) random.nextInt();
            case 3:
                return (short) random.nextInt();
            case 4:
                return random.nextInt() >> random.nextInt(32);
            case 5:
                return random.nextLong() >> random.nextInt(64);
            case 6:
                return Float.intBitsToFloat(random.nextInt());
            case 7:
                return Double.longBitsToDouble(random.nextLong());
            case 8:
                return randomString(random);
            case 9:
                byte[] bytes = new byte[random.nextInt(40)];
                random.nextBytes(bytes);
                return bytes;
            case 10:
                return new BigDecimal(new BigInteger(1 + random.nextInt(200), random), random.nextInt(40) - 20);
            case 11:
                BigInteger big = new BigInteger(1 + random.nextInt(200), random);
                return random.nextBoolean() ? big : big.negate();
            case 12:
                return new UUID(random.nextLong(), random.nextLong());
            case 13:
                return Instant.ofEpochSecond(random.nextInt() * 10L, random.nextInt(1_000_000_000));
            case 14:
                return LocalDate.ofEpochDay(random.nextInt(2_000_000) - 1_000_000);
            case 15:
                return LocalTime.ofNanoOfDay((long) (random.nextDouble() * 86_399_999_999_999L));
            default:
                return LocalDateTime.of(LocalDate.ofEpochDay(random.nextInt(100_000)), LocalTime.ofNanoOfDay((long)
                        (random.nextDouble() * 86_399_999_999_999L)));
        }
    }

    private static String randomString(Random random) {
        StringBuilder sb = new StringBuilder();
        for (int i = random.nextInt(30); i > 0; i--) {
            int r = random.nextInt(4);
            if (r == 0) {
                sb.append((char) ('a' + random.nextInt(26)));
            } else if (r == 1) {
                sb.append((char) (0x80 + random.nextInt(0x700)));
            } else if (r == 2) {
                sb.appendCodePoint(0x10000 + random.nextInt(0x1000));
            } else {
                sb.append('\0');
            }
        }
        return sb.toString();
    }
}
