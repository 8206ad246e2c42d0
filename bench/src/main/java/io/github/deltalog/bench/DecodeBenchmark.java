package io.github.deltalog.bench;

import com.esotericsoftware.kryo.kryo5.Kryo;
import com.esotericsoftware.kryo.kryo5.io.Input;
import io.github.deltalog.CorruptLogException;
import io.github.deltalog.DeltaOp;
import io.github.deltalog.store.Crc32c;
import io.github.deltalog.store.DeltaCodec;
import io.github.deltalog.store.DeltaKey;
import io.github.deltalog.store.KryoReference;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.Checksum;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Value decode, the codec alone: one operation checks and decodes {@code deltas} stored values (sealed, from the
 * seeded {@link Workload}) into a Blackhole; secondary results {@code deltas} (per second) and {@code cpuNanos}
 * (see {@link CpuTime}: CPU per delta, robust to the machine's load). What the
 * scan pays per delta beyond the B-tree walk, old path against new in one run (issue 22's cost, issue 13's
 * trusted decode).
 *
 * <ul>
 *   <li>{@code CODEC}: {@link DeltaCodec#decode} — checksum, version, then the codec's own reader of Kryo's v1
 *       bytes (no Kryo instance), tuples wrapped without copy or re-check.
 *   <li>{@code KRYO}: the path the library had before: the same checksum and version checks, then
 *       {@code kryo.readClassAndObject} with the format's registrations and serializers (a real Kryo 5,
 *       {@code KryoReference} from core's test jar), tuples through {@code Tuple.of}.
 * </ul>
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar DecodeBenchmark -prof gc -rf json -rff bench/decode.json}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class DecodeBenchmark {
    /** The implementations under test. */
    public enum Impl {
        CODEC,
        KRYO
    }

    /** Values decoded per operation. */
    @Param("10000")
    public int deltas;

    /** The implementation. */
    @Param
    public Impl impl;

    private DeltaKey[] keys;
    private byte[][] values;
    private Kryo kryo;
    private final Input input = new Input();
    private final byte[] keyBytes = new byte[20];

    /** Encodes and seals the values. */
    @Setup(Level.Trial)
    public void setUp() {
        List<Workload.Transaction> txs = new Workload(42, 8, 10_000).transactions(100, deltas);
        keys = new DeltaKey[deltas];
        values = new byte[deltas][];
        int n = 0;
        long ts = 1_700_000_000_000_000L;
        for (Workload.Transaction tx : txs) {
            ts++;
            for (int i = 0; i < tx.size() && n < deltas; i++, n++) {
                keys[n] = new DeltaKey(1 + i % 8, ts, tx.rowIds()[i]);
                values[n] = DeltaCodec.encode(tx.tables()[i], tx.rowIds()[i], tx.ops()[i]);
                DeltaCodec.seal(keys[n], values[n]);
            }
        }
        kryo = KryoReference.newKryo();
    }

    /**
     * Checks and decodes every value.
     *
     * @param counter counts the deltas
     * @param cpu counts the CPU time
     * @param bh receives every operation
     */
    @Benchmark
    public void decode(DeltaCounter counter, CpuTime cpu, Blackhole bh) {
        long start = CpuTime.now();
        if (impl == Impl.CODEC) {
            for (int i = 0; i < values.length; i++) {
                bh.consume(DeltaCodec.decode(keys[i], values[i], "t", "bench"));
            }
        } else {
            for (int i = 0; i < values.length; i++) {
                bh.consume(kryoDecode(keys[i], values[i]));
            }
        }
        cpu.cpuNanos += CpuTime.now() - start;
        counter.deltas += values.length;
    }

    /** The library's decode before issue 22, step for step. */
    private DeltaOp kryoDecode(DeltaKey key, byte[] value) {
        putBigEndian(keyBytes, 0, key.tableId(), 4);
        putBigEndian(keyBytes, 4, key.commitTimestamp(), 8);
        putBigEndian(keyBytes, 12, key.rowId(), 8);
        Checksum c = Crc32c.threadLocal();
        c.update(keyBytes, 0, keyBytes.length);
        c.update(value, 4, value.length - 4);
        int stored =
                ((value[0] & 0xFF) << 24) | ((value[1] & 0xFF) << 16) | ((value[2] & 0xFF) << 8) | (value[3] & 0xFF);
        if (stored != (int) c.getValue() || value[4] != DeltaCodec.VALUE_VERSION) {
            throw new CorruptLogException("checksum or version", null);
        }
        input.setBuffer(value, 5, value.length - 5);
        Object op = kryo.readClassAndObject(input);
        if (!(op instanceof DeltaOp) || input.position() != value.length) {
            throw new CorruptLogException("not an operation", null);
        }
        return (DeltaOp) op;
    }

    private static void putBigEndian(byte[] b, int off, long v, int length) {
        for (int i = length - 1; i >= 0; i--) {
            b[off + i] = (byte) v;
            v >>>= 8;
        }
    }
}
