package io.github.deltalog.jdbc;

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
 * tag and its payload. Only the tuple value types occur (the trigger converts with {@link Values} first). The after
 * image of an update may name a value "unchanged" instead of repeating the before image's ({@link Writer#unchanged()}):
 * fewer bytes to write, store, read and delete. Stateless.
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
    /** In an after image: the value is the before image's (an UPDATE leaves most columns as they were). */
    private static final int UNCHANGED = 17;

    private ValueCodec() {}

    /**
     * Tells whether an update left a value as it was, so its after image may say "unchanged": same class and equal
     * (byte arrays by content, decimals including their scale). Called on the values the database handed the
     * trigger, before their conversion to tuple values: equal there means equal after it.
     *
     * @param before the before image's value, may be null
     * @param after the after image's value, not null
     * @return whether the after image may write {@link Writer#unchanged()} for it
     */
    static boolean unchanged(Object before, Object after) {
        if (before == null || before.getClass() != after.getClass()) {
            return false;
        }
        return after instanceof byte[] a ? Arrays.equals((byte[]) before, a) : before.equals(after);
    }

    /**
     * Decodes an image. O(size of the image); reads the array in place (the relay decodes every captured row).
     *
     * @param bytes what a {@link Writer} wrote
     * @return the values
     * @throws IOException if the bytes are not an image, or name an unchanged value
     */
    static Object[] decode(byte[] bytes) throws IOException {
        return new Reader(bytes).image(null);
    }

    /**
     * Decodes an after image written by a {@link Writer}; an unchanged value is the before
     * image's (the same object). O(size of the image).
     *
     * @param bytes the after image's bytes
     * @param before the decoded before image, or null if there is none
     * @return the values
     * @throws IOException if the bytes are not an image, or name an unchanged value the before image does not have
     */
    static Object[] decode(byte[] bytes, Object[] before) throws IOException {
        return new Reader(bytes).image(before);
    }

    /**
     * Writes images one value at a time into a growing array, big-endian (the layout {@link Reader} reads). Reusable
     * ({@link #start} begins the next image in the same array), not thread-safe: the trigger keeps one per thread,
     * so encoding a row allocates only its result.
     */
    static final class Writer {
        private byte[] b = new byte[256];
        private int at;

        /** Begins an image of {@code count} values, dropping what was written before. */
        void start(int count) {
            at = 0;
            writeInt(count);
        }

        /** Returns a copy of the image written since {@link #start}. */
        byte[] bytes() {
            return Arrays.copyOf(b, at);
        }

        /** Writes "the before image's value" in place of the next after image value. */
        void unchanged() {
            writeByte(UNCHANGED);
        }

        /**
         * Writes the next value.
         *
         * @throws IllegalArgumentException if it is not a tuple value
         */
        void value(Object v) {
            if (v == null) {
                writeByte(NULL);
            } else if (v instanceof Boolean x) {
                writeByte(BOOLEAN);
                writeByte(x ? 1 : 0);
            } else if (v instanceof Byte x) {
                writeByte(BYTE);
                writeByte(x);
            } else if (v instanceof Short x) {
                writeByte(SHORT);
                writeByte(x >> 8);
                writeByte(x);
            } else if (v instanceof Integer x) {
                writeByte(INT);
                writeInt(x);
            } else if (v instanceof Long x) {
                writeByte(LONG);
                writeLong(x);
            } else if (v instanceof Float x) {
                writeByte(FLOAT);
                writeInt(Float.floatToIntBits(x));
            } else if (v instanceof Double x) {
                writeByte(DOUBLE);
                writeLong(Double.doubleToLongBits(x));
            } else if (v instanceof String x) {
                writeByte(STRING);
                writeBytes(x.getBytes(StandardCharsets.UTF_8));
            } else if (v instanceof byte[] x) {
                writeByte(BYTES);
                writeBytes(x);
            } else if (v instanceof BigDecimal x) {
                writeByte(DECIMAL);
                writeInt(x.scale());
                writeBytes(x.unscaledValue().toByteArray());
            } else if (v instanceof BigInteger x) {
                writeByte(BIGINT);
                writeBytes(x.toByteArray());
            } else if (v instanceof UUID x) {
                writeByte(UUID_TAG);
                writeLong(x.getMostSignificantBits());
                writeLong(x.getLeastSignificantBits());
            } else if (v instanceof Instant x) {
                writeByte(INSTANT);
                writeLong(x.getEpochSecond());
                writeInt(x.getNano());
            } else if (v instanceof LocalDate x) {
                writeByte(DATE);
                writeLong(x.toEpochDay());
            } else if (v instanceof LocalTime x) {
                writeByte(TIME);
                writeLong(x.toNanoOfDay());
            } else if (v instanceof LocalDateTime x) {
                writeByte(DATETIME);
                writeLong(x.toLocalDate().toEpochDay());
                writeLong(x.toLocalTime().toNanoOfDay());
            } else {
                throw new IllegalArgumentException(
                        "not a tuple value: " + v.getClass().getName());
            }
        }

        private void room(int n) {
            if (b.length - at < n) {
                b = Arrays.copyOf(b, Math.max(b.length * 2, at + n));
            }
        }

        private void writeByte(int v) {
            room(1);
            b[at++] = (byte) v;
        }

        private void writeInt(int v) {
            room(4);
            b[at] = (byte) (v >>> 24);
            b[at + 1] = (byte) (v >>> 16);
            b[at + 2] = (byte) (v >>> 8);
            b[at + 3] = (byte) v;
            at += 4;
        }

        private void writeLong(long v) {
            writeInt((int) (v >>> 32));
            writeInt((int) v);
        }

        private void writeBytes(byte[] v) {
            writeInt(v.length);
            room(v.length);
            System.arraycopy(v, 0, b, at, v.length);
            at += v.length;
        }
    }

    /** A cursor over an image's bytes, big-endian as {@link Writer} wrote them. */
    private static final class Reader {
        private final byte[] b;
        private int at;

        Reader(byte[] bytes) {
            this.b = bytes;
        }

        Object[] image(Object[] before) throws IOException {
            int n = readInt();
            if (n < 0 || n > b.length) {
                throw new IOException("not a captured row image: " + n + " values in " + b.length + " bytes");
            }
            Object[] values = new Object[n];
            for (int i = 0; i < n; i++) {
                if (at < b.length && b[at] == UNCHANGED) {
                    if (before == null || before.length != n) {
                        throw new IOException("not a captured row image: value " + i
                                + " is marked unchanged, but there is no before image of " + n + " values");
                    }
                    at++;
                    values[i] = before[i];
                } else {
                    values[i] = value();
                }
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
                    yield decimal(scale);
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

        /**
         * Reads a decimal's unscaled value (two's complement, big-endian, as {@link BigInteger#toByteArray}) at a
         * scale. One of up to 8 bytes, the usual case, becomes a long: no copy of the bytes and no BigInteger,
         * which showed in profiles of the relay; the value and scale are the same either way.
         */
        private BigDecimal decimal(int scale) throws IOException {
            int n = length();
            if (n == 0 || n > Long.BYTES) {
                return new BigDecimal(new BigInteger(readBytes(n)), scale);
            }
            long unscaled = b[at]; // sign-extended
            for (int i = 1; i < n; i++) {
                unscaled = unscaled << 8 | b[at + i] & 0xFF;
            }
            at += n;
            return BigDecimal.valueOf(unscaled, scale);
        }

        private byte[] readBytes() throws IOException {
            return readBytes(length());
        }

        private byte[] readBytes(int n) throws IOException {
            byte[] v = Arrays.copyOfRange(b, at, at + n);
            at += n;
            return v;
        }
    }
}
