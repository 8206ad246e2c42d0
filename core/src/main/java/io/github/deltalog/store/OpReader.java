package io.github.deltalog.store;

import io.github.deltalog.DeltaOp;
import io.github.deltalog.TableSchema;
import io.github.deltalog.Tuple;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.UUID;
import org.h2.mvstore.DataUtils;

/**
 * Reads a {@link DeltaOp} in the value format of {@link WireFormat}: the operation's tag, then flat tuples of
 * tagged values, with no class lookup, no recursion and no object but the values themselves, one array per
 * tuple and the operation. What the reader builds is trusted: every value is of a supported type by
 * construction (UTF-8 decoding cannot produce a lone surrogate), so tuples are wrapped without copy or re-check.
 * Every length and count is checked against the bytes left before anything is allocated for it, so damaged
 * bytes cannot make it allocate more than the value's own size. Stateless.
 *
 * <p>It reads exactly what Kryo's reader did for the same bytes, including its leniencies (a boolean byte
 * other than 1 is false; the fifth byte of a varint and the ninth of a varlong keep only the bits that fit),
 * so every value a v1 file holds reads as before ({@code KryoWireFormatTest} compares both readers).
 */
final class OpReader {
    private static final Object[] NO_VALUES = new Object[0];

    private OpReader() {}

    /** Thrown for bytes that are not a value of the format; {@link DeltaCodec} names the row and file. */
    static final class FormatException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        FormatException(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Reads one operation from the buffer's position; the caller checks that nothing is left after it.
     *
     * @param in the bytes, a heap buffer in little-endian order (Kryo's for fixed-width numbers)
     * @return the operation
     * @throws FormatException if the bytes are not an operation of the format
     * @throws java.nio.BufferUnderflowException if they end early
     * @throws java.time.DateTimeException if a date or time is out of range
     */
    static DeltaOp read(ByteBuffer in) {
        return read(in, null);
    }

    /** Reads an operation whose tuples are named by a schema (null for none); see {@link #read(ByteBuffer)}. */
    static DeltaOp read(ByteBuffer in, TableSchema schema) {
        int tag = DataUtils.readVarInt(in);
        switch (tag) {
            case WireFormat.INSERT:
                return new DeltaOp.Insert(readTuple(in, schema));
            case WireFormat.UPDATE:
                Tuple before = readTuple(in, schema);
                return new DeltaOp.Update(before, readTuple(in, schema));
            case WireFormat.DELETE:
                return new DeltaOp.Delete(readTuple(in, schema));
            default:
                throw new FormatException(unexpected(tag, "a delta operation"));
        }
    }

    private static Tuple readTuple(ByteBuffer in, TableSchema schema) {
        int size = length(in); // each value takes at least one byte
        if (size == 0) {
            return schema == null ? TupleAccess.wrap(NO_VALUES) : TupleAccess.wrap(NO_VALUES, schema);
        }
        Object[] values = new Object[size];
        for (int i = 0; i < size; i++) {
            values[i] = readValue(in);
        }
        return schema == null ? TupleAccess.wrap(values) : TupleAccess.wrap(values, schema);
    }

    private static Object readValue(ByteBuffer in) {
        int tag = DataUtils.readVarInt(in);
        switch (tag) {
            case WireFormat.NULL:
                return null;
            case WireFormat.LONG:
                return signedVarLong(in);
            case WireFormat.INTEGER:
                return signedVarInt(in);
            case WireFormat.STRING:
                int length = length(in);
                int at = in.position();
                ((Buffer) in).position(at + length); // Buffer's: ByteBuffer's override is not on Android 26
                return new String(in.array(), in.arrayOffset() + at, length, StandardCharsets.UTF_8);
            case WireFormat.BIG_DECIMAL:
                int scale = signedVarInt(in);
                int bytes = length(in);
                return bytes == 0
                        ? BigDecimal.valueOf(signedVarLong(in), scale)
                        : new BigDecimal(new BigInteger(bytes(in, bytes)), scale);
            case WireFormat.DOUBLE:
                return Double.longBitsToDouble(in.getLong());
            case WireFormat.BOOLEAN:
                return in.get() == 1 ? Boolean.TRUE : Boolean.FALSE;
            case WireFormat.INSTANT:
                long second = signedVarLong(in);
                return Instant.ofEpochSecond(second, DataUtils.readVarInt(in));
            case WireFormat.LOCAL_DATE:
                return LocalDate.ofEpochDay(signedVarLong(in));
            case WireFormat.UUID:
                return new UUID(in.getLong(), in.getLong());
            case WireFormat.BYTES:
                return bytes(in, length(in));
            case WireFormat.LOCAL_DATE_TIME:
                LocalDate date = LocalDate.ofEpochDay(signedVarLong(in));
                return LocalDateTime.of(date, LocalTime.ofNanoOfDay(varLong(in)));
            case WireFormat.LOCAL_TIME:
                return LocalTime.ofNanoOfDay(varLong(in));
            case WireFormat.SHORT:
                int s = signedVarInt(in);
                if (s != (short) s) {
                    throw new FormatException("short value out of range: " + s);
                }
                return (short) s;
            case WireFormat.BYTE:
                return in.get();
            case WireFormat.FLOAT:
                return Float.intBitsToFloat(in.getInt());
            case WireFormat.BIG_INTEGER:
                int n = length(in);
                return n == 0 ? BigInteger.valueOf(signedVarLong(in)) : new BigInteger(bytes(in, n));
            default:
                throw new FormatException(unexpected(tag, "a value"));
        }
    }

    private static String unexpected(int tag, String expected) {
        if (tag == 1) {
            return "a class name in a stored value: the format names classes by tag only";
        }
        if (tag == WireFormat.NULL) {
            return "null where " + expected + " belongs";
        }
        return "tag " + tag + " where " + expected + " belongs";
    }

    /** Reads a length or count and checks it against the bytes left, before anything is allocated for it. */
    private static int length(ByteBuffer in) {
        int length = DataUtils.readVarInt(in);
        if (length < 0 || length > in.remaining()) {
            throw new FormatException("length " + length + " exceeds the " + in.remaining() + " bytes left");
        }
        return length;
    }

    private static byte[] bytes(ByteBuffer in, int length) {
        byte[] b = new byte[length];
        in.get(b);
        return b;
    }

    private static int signedVarInt(ByteBuffer in) {
        int v = DataUtils.readVarInt(in);
        return (v >>> 1) ^ -(v & 1);
    }

    private static long signedVarLong(ByteBuffer in) {
        long v = varLong(in);
        return (v >>> 1) ^ -(v & 1);
    }

    /** Kryo's varlong (see {@link OpWriter}): up to 8 bytes of 7 bits, then a ninth of 8. */
    private static long varLong(ByteBuffer in) {
        long result = 0;
        for (int shift = 0; shift < 56; shift += 7) {
            byte b = in.get();
            result |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                return result;
            }
        }
        return result | (long) (in.get() & 0xFF) << 56;
    }
}
