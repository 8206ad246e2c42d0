package io.github.deltalog.jdbc;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.Arrays;
import java.util.UUID;

/**
 * The bytes of a row image in an outbox that stores images as one binary value (H2's): a count, then per value a
 * tag and its payload. Only the tuple value types occur (the trigger converts with {@link Values} first). Stateless.
 */
final class ValueCodec {
    private static final int NULL = 0;
    private static final int BOOLEAN = 1;
    private static final int BYTE = 2;
    private static final int SHORT = 3;
    private static final int INT = 4;
    private static final int LONG = 5;
    private static final int FLOAT = 6;
    private static final int DOUBLE = 7;
    private static final int STRING = 8;
    private static final int BYTES = 9;
    private static final int DECIMAL = 10;
    private static final int BIGINT = 11;
    private static final int UUID_TAG = 12;
    private static final int INSTANT = 13;
    private static final int DATE = 14;
    private static final int TIME = 15;
    private static final int DATETIME = 16;

    private ValueCodec() {}

    /**
     * Encodes an image.
     *
     * @param values tuple-typed values
     * @return the bytes
     */
    static byte[] encode(Object[] values) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(16 + 16 * values.length);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(values.length);
            for (Object v : values) {
                write(out, v);
            }
        } catch (IOException e) {
            throw new IllegalStateException("in-memory stream failed", e);
        }
        return bytes.toByteArray();
    }

    /**
     * Decodes an image. O(size of the image); reads the array in place (the relay decodes every captured row).
     *
     * @param bytes what {@link #encode} wrote
     * @return the values
     * @throws IOException if the bytes are not an image
     */
    static Object[] decode(byte[] bytes) throws IOException {
        return new Reader(bytes).image();
    }

    private static void write(DataOutputStream out, Object v) throws IOException {
        if (v == null) {
            out.writeByte(NULL);
        } else if (v instanceof Boolean b) {
            out.writeByte(BOOLEAN);
            out.writeBoolean(b);
        } else if (v instanceof Byte b) {
            out.writeByte(BYTE);
            out.writeByte(b);
        } else if (v instanceof Short s) {
            out.writeByte(SHORT);
            out.writeShort(s);
        } else if (v instanceof Integer i) {
            out.writeByte(INT);
            out.writeInt(i);
        } else if (v instanceof Long l) {
            out.writeByte(LONG);
            out.writeLong(l);
        } else if (v instanceof Float f) {
            out.writeByte(FLOAT);
            out.writeFloat(f);
        } else if (v instanceof Double d) {
            out.writeByte(DOUBLE);
            out.writeDouble(d);
        } else if (v instanceof String s) {
            out.writeByte(STRING);
            writeBytes(out, s.getBytes(StandardCharsets.UTF_8));
        } else if (v instanceof byte[] b) {
            out.writeByte(BYTES);
            writeBytes(out, b);
        } else if (v instanceof BigDecimal d) {
            out.writeByte(DECIMAL);
            out.writeInt(d.scale());
            writeBytes(out, d.unscaledValue().toByteArray());
        } else if (v instanceof BigInteger i) {
            out.writeByte(BIGINT);
            writeBytes(out, i.toByteArray());
        } else if (v instanceof UUID u) {
            out.writeByte(UUID_TAG);
            out.writeLong(u.getMostSignificantBits());
            out.writeLong(u.getLeastSignificantBits());
        } else if (v instanceof Instant t) {
            out.writeByte(INSTANT);
            out.writeLong(t.getEpochSecond());
            out.writeInt(t.getNano());
        } else if (v instanceof LocalDate d) {
            out.writeByte(DATE);
            out.writeLong(d.toEpochDay());
        } else if (v instanceof LocalTime t) {
            out.writeByte(TIME);
            out.writeLong(t.toNanoOfDay());
        } else if (v instanceof LocalDateTime t) {
            out.writeByte(DATETIME);
            out.writeLong(t.toLocalDate().toEpochDay());
            out.writeLong(t.toLocalTime().toNanoOfDay());
        } else {
            throw new IllegalArgumentException(
                    "not a tuple value: " + v.getClass().getName());
        }
    }

    private static void writeBytes(DataOutputStream out, byte[] b) throws IOException {
        out.writeInt(b.length);
        out.write(b);
    }

    /** A cursor over an image's bytes, big-endian as {@link DataOutputStream} wrote them. */
    private static final class Reader {
        private final byte[] b;
        private int at;

        Reader(byte[] bytes) {
            this.b = bytes;
        }

        Object[] image() throws IOException {
            int n = readInt();
            if (n < 0 || n > b.length) {
                throw new IOException("not a captured row image: " + n + " values in " + b.length + " bytes");
            }
            Object[] values = new Object[n];
            for (int i = 0; i < n; i++) {
                values[i] = value();
            }
            return values;
        }

        private Object value() throws IOException {
            int tag = readByte();
            return switch (tag) {
                case NULL -> null;
                case BOOLEAN -> readByte() != 0;
                case BYTE -> (byte) readByte();
                case SHORT -> (short) (readByte() << 8 | readByte() & 0xFF);
                case INT -> readInt();
                case LONG -> readLong();
                case FLOAT -> Float.intBitsToFloat(readInt());
                case DOUBLE -> Double.longBitsToDouble(readLong());
                case STRING -> {
                    int n = length();
                    String s = new String(b, at, n, StandardCharsets.UTF_8);
                    at += n;
                    yield s;
                }
                case BYTES -> readBytes();
                case DECIMAL -> {
                    int scale = readInt();
                    yield new BigDecimal(new BigInteger(readBytes()), scale);
                }
                case BIGINT -> new BigInteger(readBytes());
                case UUID_TAG -> new UUID(readLong(), readLong());
                case INSTANT -> Instant.ofEpochSecond(readLong(), readInt());
                case DATE -> LocalDate.ofEpochDay(readLong());
                case TIME -> LocalTime.ofNanoOfDay(readLong());
                case DATETIME -> LocalDateTime.of(LocalDate.ofEpochDay(readLong()), LocalTime.ofNanoOfDay(readLong()));
                default -> throw new IOException("not a captured row image: unknown value tag " + tag);
            };
        }

        private void need(int n) throws IOException {
            if (n > b.length - at) {
                throw new IOException("not a captured row image: it ends inside a value at byte " + at);
            }
        }

        /** A signed byte. */
        private int readByte() throws IOException {
            need(1);
            return b[at++];
        }

        private int readInt() throws IOException {
            need(4);
            int v = (b[at] & 0xFF) << 24 | (b[at + 1] & 0xFF) << 16 | (b[at + 2] & 0xFF) << 8 | b[at + 3] & 0xFF;
            at += 4;
            return v;
        }

        private long readLong() throws IOException {
            return (long) readInt() << 32 | readInt() & 0xFFFFFFFFL;
        }

        private int length() throws IOException {
            int n = readInt();
            if (n < 0 || n > b.length - at) {
                throw new IOException("not a captured row image: a value of " + n + " bytes");
            }
            return n;
        }

        private byte[] readBytes() throws IOException {
            int n = length();
            byte[] v = Arrays.copyOfRange(b, at, at + n);
            at += n;
            return v;
        }
    }
}
