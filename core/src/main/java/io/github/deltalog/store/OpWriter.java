package io.github.deltalog.store;

import com.esotericsoftware.kryo.kryo5.Serializer;
import com.esotericsoftware.kryo.kryo5.io.Output;
import io.github.deltalog.DeltaOp;
import io.github.deltalog.Tuple;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.UUID;

/**
 * Writes a {@link DeltaOp} in exactly the bytes of {@code kryo.writeClassAndObject} with the classes of
 * {@link KryoRegistry}, without going through Kryo's class resolver: each class tag is the registered id plus
 * 2 as a positive varint (Kryo's {@code DefaultClassResolver.writeClass}), a null value is the single byte 0
 * (Kryo's {@code NULL}), and the value bytes come from the same serializers. Encoding is on the commit path of
 * every delta, and Kryo's per-object class lookup, depth and reference bookkeeping were a large share of it;
 * the layout is fixed by the format, so nothing needs to be resolved. Reading still goes through Kryo, which
 * checks every tag ({@code OpWriterTest} compares both writers).
 */
final class OpWriter {
    /** Kryo writes a registered class as its id + 2 (0 is null, 1 a class name). */
    private static final int TAG_OFFSET = 2;

    private static final int NULL_TAG = 0;

    private OpWriter() {}

    /** Writes an operation: its class tag, then its tuples. */
    static void write(Output out, DeltaOp op) {
        if (op instanceof DeltaOp.Update u) {
            out.writeVarInt(KryoRegistry.UPDATE + TAG_OFFSET, true);
            writeTuple(out, u.before());
            writeTuple(out, u.after());
        } else if (op instanceof DeltaOp.Insert i) {
            out.writeVarInt(KryoRegistry.INSERT + TAG_OFFSET, true);
            writeTuple(out, i.after());
        } else {
            out.writeVarInt(KryoRegistry.DELETE + TAG_OFFSET, true);
            writeTuple(out, ((DeltaOp.Delete) op).before());
        }
    }

    /** A tuple as {@code OpSerializers.TUPLE} writes it: the value count, then each value with its tag. */
    private static void writeTuple(Output out, Tuple tuple) {
        int size = tuple.size();
        out.writeVarInt(size, true);
        for (int i = 0; i < size; i++) {
            writeValue(out, tuple.get(i));
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void writeValue(Output out, Object value) {
        if (value == null) {
            out.writeByte(NULL_TAG);
            return;
        }
        Class<?> type = value.getClass();
        int id;
        Serializer serializer;
        // Exact classes, as Tuple admits them (a subclass of BigDecimal or BigInteger never gets into a tuple).
        if (type == Long.class) {
            id = KryoRegistry.LONG;
            serializer = ValueSerializers.LONG;
        } else if (type == Integer.class) {
            id = KryoRegistry.INTEGER;
            serializer = ValueSerializers.INTEGER;
        } else if (type == String.class) {
            id = KryoRegistry.STRING;
            serializer = ValueSerializers.STRING;
        } else if (type == BigDecimal.class) {
            id = KryoRegistry.BIG_DECIMAL;
            serializer = ValueSerializers.BIG_DECIMAL;
        } else if (type == Double.class) {
            id = KryoRegistry.DOUBLE;
            serializer = ValueSerializers.DOUBLE;
        } else if (type == Boolean.class) {
            id = KryoRegistry.BOOLEAN;
            serializer = ValueSerializers.BOOLEAN;
        } else if (type == Instant.class) {
            id = KryoRegistry.INSTANT;
            serializer = ValueSerializers.INSTANT;
        } else if (type == LocalDate.class) {
            id = KryoRegistry.LOCAL_DATE;
            serializer = ValueSerializers.LOCAL_DATE;
        } else if (type == UUID.class) {
            id = KryoRegistry.UUID_ID;
            serializer = ValueSerializers.UUID_VALUE;
        } else if (type == byte[].class) {
            id = KryoRegistry.BYTES;
            serializer = ValueSerializers.BYTES;
        } else if (type == LocalDateTime.class) {
            id = KryoRegistry.LOCAL_DATE_TIME;
            serializer = ValueSerializers.LOCAL_DATE_TIME;
        } else if (type == LocalTime.class) {
            id = KryoRegistry.LOCAL_TIME;
            serializer = ValueSerializers.LOCAL_TIME;
        } else if (type == Short.class) {
            id = KryoRegistry.SHORT;
            serializer = ValueSerializers.SHORT;
        } else if (type == Byte.class) {
            id = KryoRegistry.BYTE;
            serializer = ValueSerializers.BYTE;
        } else if (type == Float.class) {
            id = KryoRegistry.FLOAT;
            serializer = ValueSerializers.FLOAT;
        } else if (type == BigInteger.class) {
            id = KryoRegistry.BIG_INTEGER;
            serializer = ValueSerializers.BIG_INTEGER;
        } else {
            // Unreachable through Tuple, which admits only these types; fail as Kryo's registration check would.
            throw new IllegalArgumentException("class is not registered: " + type.getName());
        }
        out.writeVarInt(id + TAG_OFFSET, true);
        serializer.write(null, out, value);
    }
}
