package io.github.deltalog.store;

import io.github.deltalog.DeltaOp;
import io.github.deltalog.Tuple;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.UUID;
import org.h2.mvstore.WriteBuffer;

/**
 * Writes a {@link DeltaOp} in the value format of {@link WireFormat} (the bytes Kryo 5 wrote, pinned by
 * {@code FormatGoldenTest} and compared with Kryo itself by {@code KryoWireFormatTest}) into an h2
 * {@link WriteBuffer}. The layout is fixed, so nothing is looked up per value: the class decides the tag, the
 * tag the bytes. Fixed-width numbers are little-endian, as Kryo 5 writes them, and h2's buffer is big-endian:
 * hence the byte reversals. Stateless.
 */
final class OpWriter {
    private OpWriter() {}

    /** Thrown when an encoding outgrows its limit; {@link DeltaCodec} names the row. */
    static final class TooLargeException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        TooLargeException() {
            super("encoded delta too large", null, false, false);
        }
    }

    /**
     * Writes an operation: its tag, then its tuples. O(size of the images).
     *
     * @param out the buffer, written from its position
     * @param op the operation
     * @param limit the largest position the buffer may reach
     * @throws TooLargeException once the encoding would pass {@code limit}; nothing large is copied first
     */
    static void write(WriteBuffer out, DeltaOp op, int limit) {
        if (op instanceof DeltaOp.Update u) {
            out.putVarInt(WireFormat.UPDATE);
            writeTuple(out, u.before(), limit);
            writeTuple(out, u.after(), limit);
        } else if (op instanceof DeltaOp.Insert i) {
            out.putVarInt(WireFormat.INSERT);
            writeTuple(out, i.after(), limit);
        } else {
            out.putVarInt(WireFormat.DELETE);
            writeTuple(out, ((DeltaOp.Delete) op).before(), limit);
        }
        if (out.position() > limit) {
            throw new TooLargeException();
        }
    }

    private static void writeTuple(WriteBuffer out, Tuple tuple, int limit) {
        int size = tuple.size();
        out.putVarInt(size);
        for (int i = 0; i < size; i++) {
            if (out.position() > limit) {
                throw new TooLargeException();
            }
            writeValue(out, TupleAccess.value(tuple, i), limit);
        }
    }

    // Ordered by how often a type occurs in rows; exact classes, as Tuple admits them.
    private static void writeValue(WriteBuffer out, Object value, int limit) {
        if (value == null) {
            out.put((byte) WireFormat.NULL);
            return;
        }
        Class<?> type = value.getClass();
        if (type == Long.class) {
            out.put((byte) WireFormat.LONG);
            putSignedVarLong(out, (Long) value);
        } else if (type == Integer.class) {
            out.put((byte) WireFormat.INTEGER);
            putSignedVarInt(out, (Integer) value);
        } else if (type == String.class) {
            out.put((byte) WireFormat.STRING);
            putBytes(out, ((String) value).getBytes(StandardCharsets.UTF_8), limit);
        } else if (type == BigDecimal.class) {
            BigDecimal v = (BigDecimal) value;
            out.put((byte) WireFormat.BIG_DECIMAL);
            putSignedVarInt(out, v.scale());
            if (v.precision() < 19) {
                // Below 10^18 the unscaled value fits a long (putBigInteger's first case): read it without the
                // BigInteger that unscaledValue() makes of a compact BigDecimal.
                out.put((byte) 0);
                putSignedVarLong(out, v.scaleByPowerOfTen(v.scale()).longValueExact());
            } else {
                putBigInteger(out, v.unscaledValue(), limit);
            }
        } else if (type == Double.class) {
            out.put((byte) WireFormat.DOUBLE);
            out.putLong(Long.reverseBytes(Double.doubleToRawLongBits((Double) value)));
        } else if (type == Boolean.class) {
            out.put((byte) WireFormat.BOOLEAN);
            out.put((byte) ((Boolean) value ? 1 : 0));
        } else if (type == Instant.class) {
            Instant v = (Instant) value;
            out.put((byte) WireFormat.INSTANT);
            putSignedVarLong(out, v.getEpochSecond());
            out.putVarInt(v.getNano());
        } else if (type == LocalDate.class) {
            out.put((byte) WireFormat.LOCAL_DATE);
            putSignedVarLong(out, ((LocalDate) value).toEpochDay());
        } else if (type == UUID.class) {
            UUID v = (UUID) value;
            out.put((byte) WireFormat.UUID);
            out.putLong(Long.reverseBytes(v.getMostSignificantBits()));
            out.putLong(Long.reverseBytes(v.getLeastSignificantBits()));
        } else if (type == byte[].class) {
            out.put((byte) WireFormat.BYTES);
            putBytes(out, (byte[]) value, limit);
        } else if (type == LocalDateTime.class) {
            LocalDateTime v = (LocalDateTime) value;
            out.put((byte) WireFormat.LOCAL_DATE_TIME);
            putSignedVarLong(out, v.toLocalDate().toEpochDay());
            putVarLong(out, v.toLocalTime().toNanoOfDay());
        } else if (type == LocalTime.class) {
            out.put((byte) WireFormat.LOCAL_TIME);
            putVarLong(out, ((LocalTime) value).toNanoOfDay());
        } else if (type == Short.class) {
            out.put((byte) WireFormat.SHORT);
            putSignedVarInt(out, (Short) value);
        } else if (type == Byte.class) {
            out.put((byte) WireFormat.BYTE);
            out.put((Byte) value);
        } else if (type == Float.class) {
            out.put((byte) WireFormat.FLOAT);
            out.putInt(Integer.reverseBytes(Float.floatToRawIntBits((Float) value)));
        } else if (type == BigInteger.class) {
            out.put((byte) WireFormat.BIG_INTEGER);
            putBigInteger(out, (BigInteger) value, limit);
        } else {
            // Unreachable through Tuple, which admits only the types above.
            throw new IllegalArgumentException("no tag for values of " + type.getName());
        }
    }

    /** A length (unsigned varint) and the bytes; refuses them before copying if they would pass the limit. */
    private static void putBytes(WriteBuffer out, byte[] bytes, int limit) {
        if (bytes.length > limit - out.position()) {
            throw new TooLargeException();
        }
        out.putVarInt(bytes.length);
        out.put(bytes);
    }

    /** One that fits a long as a 0 marker and a signed varlong, any other as its two's-complement bytes. */
    private static void putBigInteger(WriteBuffer out, BigInteger v, int limit) {
        if (v.bitLength() < 64) {
            out.put((byte) 0);
            putSignedVarLong(out, v.longValue());
        } else {
            putBytes(out, v.toByteArray(), limit); // at least 8 bytes: never the 0 marker
        }
    }

    private static void putSignedVarInt(WriteBuffer out, int v) {
        out.putVarInt((v << 1) ^ (v >> 31));
    }

    private static void putSignedVarLong(WriteBuffer out, long v) {
        putVarLong(out, (v << 1) ^ (v >> 63));
    }

    /**
     * Kryo's varlong, which is not h2's: like a varint for up to 8 bytes, but the ninth byte carries the top 8
     * bits whole (h2's {@code putVarLong} would take a tenth byte).
     */
    private static void putVarLong(WriteBuffer out, long v) {
        for (int i = 0; i < 8; i++) {
            if ((v & ~0x7FL) == 0) {
                out.put((byte) v);
                return;
            }
            out.put((byte) (v | 0x80));
            v >>>= 7;
        }
        out.put((byte) v);
    }
}
