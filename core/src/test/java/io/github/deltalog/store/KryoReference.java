package io.github.deltalog.store;

import com.esotericsoftware.kryo.kryo5.Kryo;
import com.esotericsoftware.kryo.kryo5.KryoException;
import com.esotericsoftware.kryo.kryo5.Registration;
import com.esotericsoftware.kryo.kryo5.Serializer;
import com.esotericsoftware.kryo.kryo5.io.Input;
import com.esotericsoftware.kryo.kryo5.io.Output;
import com.esotericsoftware.kryo.kryo5.util.DefaultClassResolver;
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
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * The format as it was defined: a real Kryo 5 with the hand-written serializers and registration ids the library
 * used before it dropped Kryo at run time (registration required, references off, Kryo's default ids removed,
 * class names refused). {@code KryoWireFormatTest} holds the codec's writer and reader to it; bench's
 * {@code DecodeBenchmark} measures the old read path with it. Test only (public for the bench module).
 */
public final class KryoReference {
    private KryoReference() {}

    /**
     * Creates a Kryo that writes and reads the v1 value format (the operation after the 5-byte header).
     *
     * @return a new Kryo instance (not thread-safe)
     */
    public static Kryo newKryo() {
        Kryo kryo = new Kryo(new NoNamesClassResolver(), null);
        kryo.setRegistrationRequired(true);
        kryo.setReferences(false);
        kryo.setMaxDepth(4);
        for (int id = 0; id < 10; id++) {
            kryo.getClassResolver().unregister(id);
        }
        Serializer<Tuple> tuple = new Serializer<>(false, true) {
            @Override
            public void write(Kryo k, Output out, Tuple t) {
                out.writeVarInt(t.size(), true);
                for (int i = 0; i < t.size(); i++) {
                    k.writeClassAndObject(out, t.get(i));
                }
            }

            @Override
            public Tuple read(Kryo k, Input in, Class<? extends Tuple> type) {
                Object[] values = new Object[length(in)];
                for (int i = 0; i < values.length; i++) {
                    values[i] = k.readClassAndObject(in);
                }
                return Tuple.of(values);
            }
        };
        kryo.register(
                DeltaOp.Insert.class,
                op(
                        tuple,
                        (k, out, o) -> k.writeObject(out, o.after(), tuple),
                        (k, in) -> new DeltaOp.Insert(k.readObject(in, Tuple.class, tuple))),
                10);
        kryo.register(
                DeltaOp.Update.class,
                op(
                        tuple,
                        (k, out, o) -> {
                            k.writeObject(out, o.before(), tuple);
                            k.writeObject(out, o.after(), tuple);
                        },
                        (k, in) -> {
                            Tuple before = k.readObject(in, Tuple.class, tuple);
                            return new DeltaOp.Update(before, k.readObject(in, Tuple.class, tuple));
                        }),
                11);
        kryo.register(
                DeltaOp.Delete.class,
                op(
                        tuple,
                        (k, out, o) -> k.writeObject(out, o.before(), tuple),
                        (k, in) -> new DeltaOp.Delete(k.readObject(in, Tuple.class, tuple))),
                12);
        kryo.register(Tuple.class, tuple, 13);
        kryo.register(Boolean.class, value(Output::writeBoolean, Input::readBoolean), 20);
        kryo.register(Byte.class, value(Output::writeByte, Input::readByte), 21);
        kryo.register(
                Short.class,
                value((out, v) -> out.writeVarInt(v, false), in -> {
                    int v = in.readVarInt(false);
                    if (v != (short) v) {
                        throw new KryoException("short value out of range: " + v);
                    }
                    return (short) v;
                }),
                22);
        kryo.register(Integer.class, value((out, v) -> out.writeVarInt(v, false), in -> in.readVarInt(false)), 23);
        kryo.register(Long.class, value((out, v) -> out.writeVarLong(v, false), in -> in.readVarLong(false)), 24);
        kryo.register(
                Float.class,
                value((out, v) -> out.writeInt(Float.floatToRawIntBits(v)), in -> Float.intBitsToFloat(in.readInt())),
                25);
        kryo.register(
                Double.class,
                value(
                        (out, v) -> out.writeLong(Double.doubleToRawLongBits(v)),
                        in -> Double.longBitsToDouble(in.readLong())),
                26);
        kryo.register(
                String.class,
                value((out, v) -> bytes(out, v.getBytes(StandardCharsets.UTF_8)), in -> {
                    int length = length(in);
                    String s = new String(in.getBuffer(), in.position(), length, StandardCharsets.UTF_8);
                    in.setPosition(in.position() + length);
                    return s;
                }),
                27);
        kryo.register(byte[].class, value(KryoReference::bytes, in -> in.readBytes(length(in))), 28);
        kryo.register(
                BigDecimal.class,
                value(
                        (out, v) -> {
                            out.writeVarInt(v.scale(), false);
                            bigInteger(out, v.unscaledValue());
                        },
                        in -> {
                            int scale = in.readVarInt(false);
                            return new BigDecimal(bigInteger(in), scale);
                        }),
                29);
        kryo.register(BigInteger.class, value(KryoReference::bigInteger, KryoReference::bigInteger), 30);
        kryo.register(
                UUID.class,
                value(
                        (out, v) -> {
                            out.writeLong(v.getMostSignificantBits());
                            out.writeLong(v.getLeastSignificantBits());
                        },
                        in -> new UUID(in.readLong(), in.readLong())),
                31);
        kryo.register(
                Instant.class,
                value(
                        (out, v) -> {
                            out.writeVarLong(v.getEpochSecond(), false);
                            out.writeVarInt(v.getNano(), true);
                        },
                        in -> Instant.ofEpochSecond(in.readVarLong(false), in.readVarInt(true))),
                32);
        kryo.register(
                LocalDate.class,
                value(
                        (out, v) -> out.writeVarLong(v.toEpochDay(), false),
                        in -> LocalDate.ofEpochDay(in.readVarLong(false))),
                33);
        kryo.register(
                LocalTime.class,
                value(
                        (out, v) -> out.writeVarLong(v.toNanoOfDay(), true),
                        in -> LocalTime.ofNanoOfDay(in.readVarLong(true))),
                34);
        kryo.register(
                LocalDateTime.class,
                value(
                        (out, v) -> {
                            out.writeVarLong(v.toLocalDate().toEpochDay(), false);
                            out.writeVarLong(v.toLocalTime().toNanoOfDay(), true);
                        },
                        in -> {
                            LocalDate date = LocalDate.ofEpochDay(in.readVarLong(false));
                            return LocalDateTime.of(date, LocalTime.ofNanoOfDay(in.readVarLong(true)));
                        }),
                35);
        return kryo;
    }

    /**
     * Writes an operation the way the library did before it dropped Kryo (its {@code OpWriter}): Kryo's
     * {@link Output}, each tag written directly and each value by its registered serializer, without
     * {@code writeClassAndObject}'s per-object bookkeeping. The same bytes as {@code kryo.writeClassAndObject}.
     *
     * @param kryo a Kryo from {@link #newKryo()}
     * @param out the output
     * @param op the operation
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public static void writeDirect(Kryo kryo, Output out, DeltaOp op) {
        Tuple[] tuples;
        if (op instanceof DeltaOp.Update u) {
            out.writeVarInt(13, true);
            tuples = new Tuple[] {u.before(), u.after()};
        } else if (op instanceof DeltaOp.Insert i) {
            out.writeVarInt(12, true);
            tuples = new Tuple[] {i.after()};
        } else {
            out.writeVarInt(14, true);
            tuples = new Tuple[] {op.before()};
        }
        for (Tuple t : tuples) {
            int size = t.size();
            out.writeVarInt(size, true);
            for (int i = 0; i < size; i++) {
                Object v = TupleAccess.value(t, i);
                if (v == null) {
                    out.writeByte(0);
                } else {
                    Registration r = kryo.getRegistration(v.getClass());
                    out.writeVarInt(r.getId() + 2, true);
                    ((Serializer) r.getSerializer()).write(kryo, out, v);
                }
            }
        }
    }

    /** Kryo's resolver, but a class name (tag 1) is refused before anything is read. */
    private static final class NoNamesClassResolver extends DefaultClassResolver {
        @Override
        protected Registration readName(Input input) {
            throw new KryoException("a class name in a stored value");
        }
    }

    private interface OpWrite<T> {
        void write(Kryo kryo, Output out, T op);
    }

    private interface OpRead<T> {
        T read(Kryo kryo, Input in);
    }

    private static <T> Serializer<T> op(Serializer<Tuple> tuple, OpWrite<T> write, OpRead<T> read) {
        return new Serializer<>(false, true) {
            @Override
            public void write(Kryo kryo, Output out, T op) {
                write.write(kryo, out, op);
            }

            @Override
            public T read(Kryo kryo, Input in, Class<? extends T> type) {
                return read.read(kryo, in);
            }
        };
    }

    private static <T> Serializer<T> value(BiConsumer<Output, T> write, Function<Input, T> read) {
        return new Serializer<>(false, true) {
            @Override
            public void write(Kryo kryo, Output out, T v) {
                write.accept(out, v);
            }

            @Override
            public T read(Kryo kryo, Input in, Class<? extends T> type) {
                return read.apply(in);
            }
        };
    }

    private static void bytes(Output out, byte[] bytes) {
        out.writeVarInt(bytes.length, true);
        out.writeBytes(bytes);
    }

    private static void bigInteger(Output out, BigInteger v) {
        if (v.bitLength() < 64) {
            out.writeVarInt(0, true);
            out.writeVarLong(v.longValue(), false);
        } else {
            bytes(out, v.toByteArray());
        }
    }

    private static BigInteger bigInteger(Input in) {
        int length = length(in);
        return length == 0 ? BigInteger.valueOf(in.readVarLong(false)) : new BigInteger(in.readBytes(length));
    }

    private static int length(Input in) {
        int length = in.readVarInt(true);
        int left = in.limit() - in.position();
        if (length < 0 || length > left) {
            throw new KryoException("length " + length + " exceeds the " + left + " bytes left");
        }
        return length;
    }
}
