package io.github.deltalog.store;

import com.esotericsoftware.kryo.kryo5.Kryo;
import com.esotericsoftware.kryo.kryo5.Serializer;
import com.esotericsoftware.kryo.kryo5.io.Input;
import com.esotericsoftware.kryo.kryo5.io.Output;
import io.github.deltalog.DeltaOp;
import io.github.deltalog.Tuple;

/**
 * Hand-written Kryo serializers for the delta operations and their tuples. A tuple is its value count followed
 * by each value with its class id (null has its own id), so the reader never instantiates a class that is not
 * registered in {@link KryoRegistry}.
 */
final class OpSerializers {
    private OpSerializers() {}

    static final Serializer<Tuple> TUPLE = new Serializer<>(false, true) {
        @Override
        public void write(Kryo kryo, Output out, Tuple tuple) {
            int size = tuple.size();
            out.writeVarInt(size, true);
            for (int i = 0; i < size; i++) {
                kryo.writeClassAndObject(out, tuple.get(i));
            }
        }

        @Override
        public Tuple read(Kryo kryo, Input in, Class<? extends Tuple> type) {
            // Each value takes at least one byte, so the count cannot exceed what is left.
            int size = ValueSerializers.readLength(in);
            Object[] values = new Object[size];
            for (int i = 0; i < size; i++) {
                values[i] = kryo.readClassAndObject(in);
            }
            return Tuple.of(values);
        }
    };

    static final Serializer<DeltaOp.Insert> INSERT = new Serializer<>(false, true) {
        @Override
        public void write(Kryo kryo, Output out, DeltaOp.Insert op) {
            kryo.writeObject(out, op.after(), TUPLE);
        }

        @Override
        public DeltaOp.Insert read(Kryo kryo, Input in, Class<? extends DeltaOp.Insert> type) {
            return new DeltaOp.Insert(kryo.readObject(in, Tuple.class, TUPLE));
        }
    };

    static final Serializer<DeltaOp.Update> UPDATE = new Serializer<>(false, true) {
        @Override
        public void write(Kryo kryo, Output out, DeltaOp.Update op) {
            kryo.writeObject(out, op.before(), TUPLE);
            kryo.writeObject(out, op.after(), TUPLE);
        }

        @Override
        public DeltaOp.Update read(Kryo kryo, Input in, Class<? extends DeltaOp.Update> type) {
            Tuple before = kryo.readObject(in, Tuple.class, TUPLE);
            return new DeltaOp.Update(before, kryo.readObject(in, Tuple.class, TUPLE));
        }
    };

    static final Serializer<DeltaOp.Delete> DELETE = new Serializer<>(false, true) {
        @Override
        public void write(Kryo kryo, Output out, DeltaOp.Delete op) {
            kryo.writeObject(out, op.before(), TUPLE);
        }

        @Override
        public DeltaOp.Delete read(Kryo kryo, Input in, Class<? extends DeltaOp.Delete> type) {
            return new DeltaOp.Delete(kryo.readObject(in, Tuple.class, TUPLE));
        }
    };
}
