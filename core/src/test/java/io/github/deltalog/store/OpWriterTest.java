package io.github.deltalog.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.esotericsoftware.kryo.kryo5.Kryo;
import com.esotericsoftware.kryo.kryo5.io.Output;
import io.github.deltalog.DeltaOp;
import io.github.deltalog.Tuple;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * {@link OpWriter} writes exactly the bytes of Kryo's {@code writeClassAndObject} with the registered
 * serializers (the v1 format; {@code FormatGoldenTest} pins a few values, this covers random ones of every
 * type), and what it writes decodes back to the same operation.
 */
class OpWriterTest {
    private static final DeltaKey KEY = new DeltaKey(3, 1_714_979_289_123_456L, -42);

    @Test
    void writesTheBytesKryoWrites() {
        long seed = Long.getLong("deltalog.opwriter.seed", System.nanoTime());
        Random random = new Random(seed);
        Kryo kryo = KryoRegistry.newKryo();
        for (int n = 0; n < 5000; n++) {
            DeltaOp op = randomOp(random);
            Output viaKryo = new Output(64, -1);
            kryo.writeClassAndObject(viaKryo, op);
            Output direct = new Output(64, -1);
            OpWriter.write(direct, op);
            assertArrayEquals(viaKryo.toBytes(), direct.toBytes(), "seed " + seed + ", " + op);

            byte[] value = DeltaCodec.encode("t", KEY.rowId(), op);
            new DeltaCodec.Sealer().seal(KEY, value);
            byte[] sealedStatically = value.clone();
            DeltaCodec.seal(KEY, sealedStatically);
            assertArrayEquals(sealedStatically, value, "seed " + seed + ", " + op);
            assertEquals(op, DeltaCodec.decode(KEY, value, "t", "test"), "seed " + seed);
        }
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
