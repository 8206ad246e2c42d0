package io.github.deltalog.store;

import com.esotericsoftware.kryo.kryo5.Kryo;
import com.esotericsoftware.kryo.kryo5.KryoException;
import com.esotericsoftware.kryo.kryo5.Serializer;
import com.esotericsoftware.kryo.kryo5.io.Input;
import com.esotericsoftware.kryo.kryo5.io.Output;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.UUID;

/**
 * Hand-written Kryo serializers for the tuple value types: varints for integers, raw IEEE bits for floating
 * point (NaN payloads and -0.0 survive), length-prefixed bytes for strings and numbers. Every length read from
 * the input is checked against the bytes that remain before anything is allocated, so a hostile value cannot
 * make the reader allocate more than the value's own size.
 */
final class ValueSerializers {
    private ValueSerializers() {}

    /** A serializer of an immutable, non-null value. */
    private abstract static class ValueSerializer<T> extends Serializer<T> {
        ValueSerializer() {
            super(false, true);
        }
    }

    static final Serializer<Boolean> BOOLEAN = new ValueSerializer<>() {
        @Override
        public void write(Kryo kryo, Output out, Boolean v) {
            out.writeBoolean(v);
        }

        @Override
        public Boolean read(Kryo kryo, Input in, Class<? extends Boolean> type) {
            return in.readBoolean();
        }
    };

    static final Serializer<Byte> BYTE = new ValueSerializer<>() {
        @Override
        public void write(Kryo kryo, Output out, Byte v) {
            out.writeByte(v);
        }

        @Override
        public Byte read(Kryo kryo, Input in, Class<? extends Byte> type) {
            return in.readByte();
        }
    };

    static final Serializer<Short> SHORT = new ValueSerializer<>() {
        @Override
        public void write(Kryo kryo, Output out, Short v) {
            out.writeVarInt(v, false);
        }

        @Override
        public Short read(Kryo kryo, Input in, Class<? extends Short> type) {
            int v = in.readVarInt(false);
            if (v != (short) v) {
                throw new KryoException("short value out of range: " + v);
            }
            return (short) v;
        }
    };

    static final Serializer<Integer> INTEGER = new ValueSerializer<>() {
        @Override
        public void write(Kryo kryo, Output out, Integer v) {
            out.writeVarInt(v, false);
        }

        @Override
        public Integer read(Kryo kryo, Input in, Class<? extends Integer> type) {
            return in.readVarInt(false);
        }
    };

    static final Serializer<Long> LONG = new ValueSerializer<>() {
        @Override
        public void write(Kryo kryo, Output out, Long v) {
            out.writeVarLong(v, false);
        }

        @Override
        public Long read(Kryo kryo, Input in, Class<? extends Long> type) {
            return in.readVarLong(false);
        }
    };

    static final Serializer<Float> FLOAT = new ValueSerializer<>() {
        @Override
        public void write(Kryo kryo, Output out, Float v) {
            out.writeInt(Float.floatToRawIntBits(v));
        }

        @Override
        public Float read(Kryo kryo, Input in, Class<? extends Float> type) {
            return Float.intBitsToFloat(in.readInt());
        }
    };

    static final Serializer<Double> DOUBLE = new ValueSerializer<>() {
        @Override
        public void write(Kryo kryo, Output out, Double v) {
            out.writeLong(Double.doubleToRawLongBits(v));
        }

        @Override
        public Double read(Kryo kryo, Input in, Class<? extends Double> type) {
            return Double.longBitsToDouble(in.readLong());
        }
    };

    static final Serializer<String> STRING = new ValueSerializer<>() {
        @Override
        public void write(Kryo kryo, Output out, String v) {
            writeBytes(out, v.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String read(Kryo kryo, Input in, Class<? extends String> type) {
            int length = readLength(in);
            String s = new String(in.getBuffer(), in.position(), length, StandardCharsets.UTF_8);
            in.setPosition(in.position() + length);
            return s;
        }
    };

    static final Serializer<byte[]> BYTES = new ValueSerializer<>() {
        @Override
        public void write(Kryo kryo, Output out, byte[] v) {
            writeBytes(out, v);
        }

        @Override
        public byte[] read(Kryo kryo, Input in, Class<? extends byte[]> type) {
            return readBytes(in);
        }
    };

    static final Serializer<BigInteger> BIG_INTEGER = new ValueSerializer<>() {
        @Override
        public void write(Kryo kryo, Output out, BigInteger v) {
            writeBigInteger(out, v);
        }

        @Override
        public BigInteger read(Kryo kryo, Input in, Class<? extends BigInteger> type) {
            return readBigInteger(in);
        }
    };

    static final Serializer<BigDecimal> BIG_DECIMAL = new ValueSerializer<>() {
        @Override
        public void write(Kryo kryo, Output out, BigDecimal v) {
            out.writeVarInt(v.scale(), false);
            writeBigInteger(out, v.unscaledValue());
        }

        @Override
        public BigDecimal read(Kryo kryo, Input in, Class<? extends BigDecimal> type) {
            int scale = in.readVarInt(false);
            return new BigDecimal(readBigInteger(in), scale);
        }
    };

    static final Serializer<UUID> UUID_VALUE = new ValueSerializer<>() {
        @Override
        public void write(Kryo kryo, Output out, UUID v) {
            out.writeLong(v.getMostSignificantBits());
            out.writeLong(v.getLeastSignificantBits());
        }

        @Override
        public UUID read(Kryo kryo, Input in, Class<? extends UUID> type) {
            return new UUID(in.readLong(), in.readLong());
        }
    };

    static final Serializer<Instant> INSTANT = new ValueSerializer<>() {
        @Override
        public void write(Kryo kryo, Output out, Instant v) {
            out.writeVarLong(v.getEpochSecond(), false);
            out.writeVarInt(v.getNano(), true);
        }

        @Override
        public Instant read(Kryo kryo, Input in, Class<? extends Instant> type) {
            return Instant.ofEpochSecond(in.readVarLong(false), in.readVarInt(true));
        }
    };

    static final Serializer<LocalDate> LOCAL_DATE = new ValueSerializer<>() {
        @Override
        public void write(Kryo kryo, Output out, LocalDate v) {
            out.writeVarLong(v.toEpochDay(), false);
        }

        @Override
        public LocalDate read(Kryo kryo, Input in, Class<? extends LocalDate> type) {
            return LocalDate.ofEpochDay(in.readVarLong(false));
        }
    };

    static final Serializer<LocalTime> LOCAL_TIME = new ValueSerializer<>() {
        @Override
        public void write(Kryo kryo, Output out, LocalTime v) {
            out.writeVarLong(v.toNanoOfDay(), true);
        }

        @Override
        public LocalTime read(Kryo kryo, Input in, Class<? extends LocalTime> type) {
            return LocalTime.ofNanoOfDay(in.readVarLong(true));
        }
    };

    static final Serializer<LocalDateTime> LOCAL_DATE_TIME = new ValueSerializer<>() {
        @Override
        public void write(Kryo kryo, Output out, LocalDateTime v) {
            out.writeVarLong(v.toLocalDate().toEpochDay(), false);
            out.writeVarLong(v.toLocalTime().toNanoOfDay(), true);
        }

        @Override
        public LocalDateTime read(Kryo kryo, Input in, Class<? extends LocalDateTime> type) {
            LocalDate date = LocalDate.ofEpochDay(in.readVarLong(false));
            return LocalDateTime.of(date, LocalTime.ofNanoOfDay(in.readVarLong(true)));
        }
    };

    private static void writeBytes(Output out, byte[] bytes) {
        out.writeVarInt(bytes.length, true);
        out.writeBytes(bytes);
    }

    private static byte[] readBytes(Input in) {
        return in.readBytes(readLength(in));
    }

    /**
     * Writes a big integer: one that fits a long as a 0 marker and a zig-zag varlong (the common case, and
     * cheap to read), any other as its two's-complement bytes with their length.
     */
    private static void writeBigInteger(Output out, BigInteger v) {
        if (v.bitLength() < 64) {
            out.writeVarInt(0, true);
            out.writeVarLong(v.longValue(), false);
        } else {
            writeBytes(out, v.toByteArray());
        }
    }

    private static BigInteger readBigInteger(Input in) {
        int length = readLength(in);
        if (length == 0) {
            return BigInteger.valueOf(in.readVarLong(false));
        }
        return new BigInteger(in.readBytes(length));
    }

    /** Reads a length and checks it against what the input holds, before anything is allocated for it. */
    static int readLength(Input in) {
        int length = in.readVarInt(true);
        int left = in.limit() - in.position();
        if (length < 0 || length > left) {
            throw new KryoException("length " + length + " exceeds the " + left + " bytes left");
        }
        return length;
    }
}
