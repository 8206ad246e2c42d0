package io.github.deltalog.store;

import com.esotericsoftware.kryo.kryo5.Kryo;
import com.esotericsoftware.kryo.kryo5.KryoException;
import com.esotericsoftware.kryo.kryo5.Registration;
import com.esotericsoftware.kryo.kryo5.io.Input;
import com.esotericsoftware.kryo.kryo5.util.DefaultClassResolver;
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
 * The one place that fixes how persisted classes are named on disk: every class a stored delta may contain,
 * with its hand-written serializer and its fixed Kryo registration id. Ids are part of the file format: never
 * reuse or renumber one; a new class takes a new id and a new format version.
 */
final class KryoRegistry {
    /** Ids below this are Kryo's own defaults, which are removed so that only the ids here decode. */
    private static final int KRYO_DEFAULT_IDS = 10;

    static final int INSERT = 10;
    static final int UPDATE = 11;
    static final int DELETE = 12;
    static final int TUPLE = 13;
    static final int BOOLEAN = 20;
    static final int BYTE = 21;
    static final int SHORT = 22;
    static final int INTEGER = 23;
    static final int LONG = 24;
    static final int FLOAT = 25;
    static final int DOUBLE = 26;
    static final int STRING = 27;
    static final int BYTES = 28;
    static final int BIG_DECIMAL = 29;
    static final int BIG_INTEGER = 30;
    static final int UUID_ID = 31;
    static final int INSTANT = 32;
    static final int LOCAL_DATE = 33;
    static final int LOCAL_TIME = 34;
    static final int LOCAL_DATE_TIME = 35;

    private KryoRegistry() {}

    /**
     * Kryo's class resolver without class names: the format names classes by registered id only. Kryo's own
     * resolver reads a class name (tag {@code NAME}) before it checks registration: it allocates the name's
     * claimed length (a value claiming 2^31 chars was an OutOfMemoryError) and looks the class up with
     * {@code Class.forName}. Here the tag is refused before anything is read (found by HostileValueBytesTest).
     */
    private static final class NoNamesClassResolver extends DefaultClassResolver {
        @Override
        protected Registration readName(Input input) {
            throw new KryoException("a class name in a stored value: the format names classes by registered id only");
        }
    }

    /**
     * Creates a Kryo instance that knows exactly the persisted classes: registration required, references off,
     * no reflection-based serializer anywhere.
     */
    static Kryo newKryo() {
        Kryo kryo = new Kryo(new NoNamesClassResolver(), null);
        kryo.setRegistrationRequired(true);
        kryo.setReferences(false);
        kryo.setMaxDepth(4);
        for (int id = 0; id < KRYO_DEFAULT_IDS; id++) {
            kryo.getClassResolver().unregister(id);
        }
        kryo.register(DeltaOp.Insert.class, OpSerializers.INSERT, INSERT);
        kryo.register(DeltaOp.Update.class, OpSerializers.UPDATE, UPDATE);
        kryo.register(DeltaOp.Delete.class, OpSerializers.DELETE, DELETE);
        kryo.register(Tuple.class, OpSerializers.TUPLE, TUPLE);
        kryo.register(Boolean.class, ValueSerializers.BOOLEAN, BOOLEAN);
        kryo.register(Byte.class, ValueSerializers.BYTE, BYTE);
        kryo.register(Short.class, ValueSerializers.SHORT, SHORT);
        kryo.register(Integer.class, ValueSerializers.INTEGER, INTEGER);
        kryo.register(Long.class, ValueSerializers.LONG, LONG);
        kryo.register(Float.class, ValueSerializers.FLOAT, FLOAT);
        kryo.register(Double.class, ValueSerializers.DOUBLE, DOUBLE);
        kryo.register(String.class, ValueSerializers.STRING, STRING);
        kryo.register(byte[].class, ValueSerializers.BYTES, BYTES);
        kryo.register(BigDecimal.class, ValueSerializers.BIG_DECIMAL, BIG_DECIMAL);
        kryo.register(BigInteger.class, ValueSerializers.BIG_INTEGER, BIG_INTEGER);
        kryo.register(UUID.class, ValueSerializers.UUID_VALUE, UUID_ID);
        kryo.register(Instant.class, ValueSerializers.INSTANT, INSTANT);
        kryo.register(LocalDate.class, ValueSerializers.LOCAL_DATE, LOCAL_DATE);
        kryo.register(LocalTime.class, ValueSerializers.LOCAL_TIME, LOCAL_TIME);
        kryo.register(LocalDateTime.class, ValueSerializers.LOCAL_DATE_TIME, LOCAL_DATE_TIME);
        return kryo;
    }
}
