package io.github.deltalog.view;

import io.github.deltalog.CorruptLogException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.UUID;
import org.h2.mvstore.DataUtils;
import org.h2.mvstore.WriteBuffer;
import org.h2.mvstore.type.BasicDataType;

/**
 * The MVStore data type of {@link Key}, for the keys and values of a view's maps: a varint count, then per value
 * a type tag and its bytes (varints for integers, UTF-8 for strings). This is the view state's on-disk format;
 * {@link ViewMaps#FORMAT} names its version. Stateless singleton.
 */
final class KeyType extends BasicDataType<Key> {
    static final KeyType INSTANCE = new KeyType();

    private static final byte NULL = 0;
    private static final byte FALSE = 1;
    private static final byte TRUE = 2;
    private static final byte BYTE = 3;
    private static final byte SHORT = 4;
    private static final byte INT = 5;
    /** The tag of a Long value; {@link ValueCounts} compares such values without building them. */
    static final byte LONG = 6;

    private static final byte FLOAT = 7;
    private static final byte DOUBLE = 8;
    private static final byte STRING = 9;
    /** The tag of a byte[] value: then a varint length and the bytes (a group state's inline value counts). */
    static final byte BYTES = 10;
    /** The tag of a BigDecimal value: then a varint scale, a varint length and the unscaled two's complement. */
    static final byte DECIMAL = 11;

    private static final byte BIG_INTEGER = 12;
    private static final byte UUID_TAG = 13;
    private static final byte INSTANT = 14;
    private static final byte DATE = 15;
    private static final byte TIME = 16;
    private static final byte DATE_TIME = 17;

    private KeyType() {}

    @Override
    public int getMemory(Key key) {
        int m = 24 + 24 * key.parts.length;
        for (Object v : key.parts) {
            if (v instanceof byte[] x) {
                m += x.length; // a group's inline value counts: most of its state
            }
        }
        return m;
    }

    @Override
    public int compare(Key a, Key b) {
        return a.compareTo(b);
    }

    @Override
    public Key[] createStorage(int size) {
        return new Key[size];
    }

    @Override
    public void write(WriteBuffer buff, Key key) {
        buff.putVarInt(key.parts.length);
        for (Object v : key.parts) {
            writeValue(buff, v);
        }
    }

    @Override
    public Key read(ByteBuffer buff) {
        int n = DataUtils.readVarInt(buff);
        if (n < 0 || n > buff.remaining()) {
            throw new CorruptLogException("view state: a key claims " + n + " values");
        }
        Object[] parts = new Object[n];
        for (int i = 0; i < n; i++) {
            parts[i] = readValue(buff);
        }
        return Key.of(parts);
    }

    /** Writes one value: its type tag and its bytes. */
    static void writeValue(WriteBuffer b, Object v) {
        if (v == null) {
            b.put(NULL);
        } else if (v instanceof Boolean x) {
            b.put(x ? TRUE : FALSE);
        } else if (v instanceof Byte x) {
            b.put(BYTE).put(x);
        } else if (v instanceof Short x) {
            b.put(SHORT).putShort(x);
        } else if (v instanceof Integer x) {
            b.put(INT).putVarInt(x);
        } else if (v instanceof Long x) {
            b.put(LONG).putVarLong(x);
        } else if (v instanceof Float x) {
            b.put(FLOAT).putFloat(x);
        } else if (v instanceof Double x) {
            b.put(DOUBLE).putDouble(x);
        } else if (v instanceof String x) {
            bytes(b.put(STRING), x.getBytes(StandardCharsets.UTF_8));
        } else if (v instanceof byte[] x) {
            bytes(b.put(BYTES), x);
        } else if (v instanceof BigDecimal x) {
            b.put(DECIMAL).putVarInt(x.scale());
            if (x.precision() <= 18) {
                twosComplement(b, unscaledLong(x));
            } else {
                bytes(b, x.unscaledValue().toByteArray());
            }
        } else if (v instanceof BigInteger x) {
            bytes(b.put(BIG_INTEGER), x.toByteArray());
        } else if (v instanceof UUID x) {
            b.put(UUID_TAG).putLong(x.getMostSignificantBits()).putLong(x.getLeastSignificantBits());
        } else if (v instanceof Instant x) {
            b.put(INSTANT).putLong(x.getEpochSecond()).putInt(x.getNano());
        } else if (v instanceof LocalDate x) {
            b.put(DATE).putLong(x.toEpochDay());
        } else if (v instanceof LocalTime x) {
            b.put(TIME).putLong(x.toNanoOfDay());
        } else if (v instanceof LocalDateTime x) {
            b.put(DATE_TIME)
                    .putLong(x.toLocalDate().toEpochDay())
                    .putLong(x.toLocalTime().toNanoOfDay());
        } else {
            throw new IllegalArgumentException(
                    "unsupported value type " + v.getClass().getName());
        }
    }

    private static void bytes(WriteBuffer b, byte[] bytes) {
        b.putVarInt(bytes.length).put(bytes);
    }

    /** Writes a long as {@link #writeValue} writes a Long, without boxing it. */
    static void writeLong(WriteBuffer b, long v) {
        b.put(LONG).putVarLong(v);
    }

    /** Writes {@code bytes[from, from + length)} as one {@code byte[]} value, as {@link #writeValue} writes one. */
    static void writeBytes(WriteBuffer b, byte[] bytes, int from, int length) {
        b.put(BYTES).putVarInt(length).put(bytes, from, length);
    }

    /**
     * Returns the unscaled value of a decimal of at most 18 digits, without the BigInteger that {@link
     * BigDecimal#unscaledValue} builds for it.
     */
    static long unscaledLong(BigDecimal d) {
        return d.scaleByPowerOfTen(d.scale()).longValueExact();
    }

    /**
     * Writes a long as {@link BigInteger#toByteArray} writes it (a varint length, then the minimal big-endian two's
     * complement), without building the BigInteger: the bytes a decimal's unscaled value takes.
     */
    private static void twosComplement(WriteBuffer b, long v) {
        int length = (64 - Long.numberOfLeadingZeros(v < 0 ? ~v : v)) / 8 + 1;
        b.putVarInt(length);
        for (int shift = 8 * (length - 1); shift >= 0; shift -= 8) {
            b.put((byte) (v >> shift));
        }
    }

    /** Reads {@code length} (1 to 8) bytes of big-endian two's complement as a long. */
    static long twosComplement(byte[] b, int from, int length) {
        long v = b[from]; // the first byte carries the sign
        for (int i = 1; i < length; i++) {
            v = (v << 8) | (b[from + i] & 0xFF);
        }
        return v;
    }

    private static byte[] bytes(ByteBuffer b) {
        int n = DataUtils.readVarInt(b);
        if (n < 0 || n > b.remaining()) {
            throw new CorruptLogException("view state: a value claims " + n + " bytes");
        }
        byte[] out = new byte[n];
        b.get(out);
        return out;
    }

    /**
     * Skips one value written by {@link #writeValue} without building it: the cheap way to find where each value
     * of an encoded run starts. O(1).
     *
     * @throws CorruptLogException for an unknown tag or a length past the end
     */
    static void skipValue(ByteBuffer b) {
        byte tag = b.get();
        int skip =
                switch (tag) {
                    case NULL, FALSE, TRUE -> 0;
                    case BYTE -> 1;
                    case SHORT -> 2;
                    case INT -> {
                        DataUtils.readVarInt(b);
                        yield 0;
                    }
                    case LONG -> {
                        DataUtils.readVarLong(b);
                        yield 0;
                    }
                    case FLOAT -> 4;
                    case DOUBLE, DATE, TIME -> 8;
                    case STRING, BYTES, BIG_INTEGER -> length(b);
                    case DECIMAL -> {
                        DataUtils.readVarInt(b);
                        yield length(b);
                    }
                    case INSTANT -> 12;
                    case UUID_TAG, DATE_TIME -> 16;
                    default -> throw new CorruptLogException("view state: unknown value tag " + tag);
                };
        if (skip > b.remaining()) {
            throw new CorruptLogException("view state: a value claims " + skip + " bytes");
        }
        ((java.nio.Buffer) b).position(b.position() + skip); // Buffer's: Android 26 lacks the covariant one
    }

    /**
     * Returns where the value written by {@link #writeValue} at {@code b[at]} ends, without building it: {@link
     * #skipValue(ByteBuffer)} on an array, without a buffer's per-byte checks. O(1).
     *
     * @throws CorruptLogException for an unknown tag or a length past the end
     * @throws ArrayIndexOutOfBoundsException for a varint cut by the end of the array
     */
    static int valueEnd(byte[] b, int at) {
        byte tag = b[at++];
        int end =
                switch (tag) {
                    case NULL, FALSE, TRUE -> at;
                    case BYTE -> at + 1;
                    case SHORT -> at + 2;
                    case INT, LONG -> varEnd(b, at);
                    case FLOAT -> at + 4;
                    case DOUBLE, DATE, TIME -> at + 8;
                    case STRING, BYTES, BIG_INTEGER -> lengthEnd(b, at);
                    case DECIMAL -> lengthEnd(b, varEnd(b, at));
                    case INSTANT -> at + 12;
                    case UUID_TAG, DATE_TIME -> at + 16;
                    default -> throw new CorruptLogException("view state: unknown value tag " + tag);
                };
        if (end > b.length) {
            throw new CorruptLogException("view state: a value ends past its array");
        }
        return end;
    }

    /** Where the varint (or varlong) at {@code b[at]} ends. */
    static int varEnd(byte[] b, int at) {
        int i = at;
        while (b[i++] < 0) {
            if (i - at > 10) {
                throw new CorruptLogException("view state: a varint runs over 10 bytes");
            }
        }
        return i;
    }

    /** Reads the varlong (or varint, then cast) at {@code b[at]}, as {@link DataUtils#readVarLong} writes it. */
    static long varLong(byte[] b, int at) {
        long x = 0;
        for (int shift = 0; shift < 70; shift += 7) {
            byte v = b[at++];
            x |= (long) (v & 0x7f) << shift;
            if (v >= 0) {
                return x;
            }
        }
        throw new CorruptLogException("view state: a varint runs over 10 bytes");
    }

    /** Where a varint length at {@code b[at]} and the bytes it counts end. */
    private static int lengthEnd(byte[] b, int at) {
        long n = varLong(b, at);
        if (n < 0 || n > b.length) {
            throw new CorruptLogException("view state: a value claims " + n + " bytes");
        }
        return varEnd(b, at) + (int) n;
    }

    private static int length(ByteBuffer b) {
        int n = DataUtils.readVarInt(b);
        if (n < 0) {
            throw new CorruptLogException("view state: a value claims " + n + " bytes");
        }
        return n;
    }

    /** A string straight from the page's bytes, without a copy of them first. */
    private static String string(ByteBuffer b) {
        if (!b.hasArray()) {
            return new String(bytes(b), StandardCharsets.UTF_8);
        }
        int n = length(b);
        if (n > b.remaining()) {
            throw new CorruptLogException("view state: a value claims " + n + " bytes");
        }
        int at = b.position();
        String s = new String(b.array(), b.arrayOffset() + at, n, StandardCharsets.UTF_8);
        ((java.nio.Buffer) b).position(at + n);
        return s;
    }

    /**
     * A decimal; one whose unscaled value fits a long (an amount, a price) is built from that long, without the
     * BigInteger and the two arrays the general path allocates. Page reads decode every value of a leaf, so this
     * is what a refresh's cache misses mostly cost.
     */
    private static BigDecimal decimal(ByteBuffer b) {
        int scale = DataUtils.readVarInt(b);
        int n = length(b);
        if (n > b.remaining()) {
            throw new CorruptLogException("view state: a value claims " + n + " bytes");
        }
        if (n == 0 || n > 8) {
            byte[] unscaled = new byte[n];
            b.get(unscaled);
            return new BigDecimal(new BigInteger(unscaled), scale); // n == 0 fails as the general path does
        }
        long v = b.get(); // two's complement, big-endian: the first byte carries the sign
        for (int i = 1; i < n; i++) {
            v = (v << 8) | (b.get() & 0xFF);
        }
        return BigDecimal.valueOf(v, scale);
    }

    /**
     * Reads one value written by {@link #writeValue}.
     *
     * @throws CorruptLogException for an unknown tag or a length past the end
     */
    static Object readValue(ByteBuffer b) {
        byte tag = b.get();
        switch (tag) {
            case NULL:
                return null;
            case FALSE:
                return Boolean.FALSE;
            case TRUE:
                return Boolean.TRUE;
            case BYTE:
                return b.get();
            case SHORT:
                return b.getShort();
            case INT:
                return DataUtils.readVarInt(b);
            case LONG:
                return DataUtils.readVarLong(b);
            case FLOAT:
                return b.getFloat();
            case DOUBLE:
                return b.getDouble();
            case STRING:
                return string(b);
            case BYTES:
                return bytes(b);
            case DECIMAL:
                return decimal(b);
            case BIG_INTEGER:
                return new BigInteger(bytes(b));
            case UUID_TAG:
                return new UUID(b.getLong(), b.getLong());
            case INSTANT:
                return Instant.ofEpochSecond(b.getLong(), b.getInt());
            case DATE:
                return LocalDate.ofEpochDay(b.getLong());
            case TIME:
                return LocalTime.ofNanoOfDay(b.getLong());
            case DATE_TIME:
                return LocalDateTime.of(LocalDate.ofEpochDay(b.getLong()), LocalTime.ofNanoOfDay(b.getLong()));
            default:
                throw new CorruptLogException("view state: unknown value tag " + tag);
        }
    }
}
