package io.github.deltalog.bench;

import com.esotericsoftware.kryo.kryo5.Kryo;
import com.esotericsoftware.kryo.kryo5.io.Output;
import io.github.deltalog.DeltaOp;
import io.github.deltalog.store.DeltaCodec;
import io.github.deltalog.store.KryoReference;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
 * Value encode, the codec alone: one operation encodes {@code deltas} operations of the seeded {@link Workload}
 * into value bytes (header and operation, as the commit path does before sealing); secondary results
 * {@code deltas} (per second) and {@code cpuNanos} (see {@link CpuTime}). The record path's share of issue 22,
 * old path against new in one run.
 *
 * <ul>
 *   <li>{@code CODEC}: {@link DeltaCodec#encode}: the codec's writer into h2's {@code WriteBuffer}, no Kryo.
 *   <li>{@code KRYO}: the path the library had before: Kryo's {@code Output} (thread's buffer, 16 MiB cap), the
 *       header, then each tag written directly and each value by its registered Kryo serializer
 *       ({@code KryoReference.writeDirect}, as the old {@code OpWriter}), then {@code toBytes()}.
 * </ul>
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar EncodeBenchmark -prof gc -rf json -rff bench/encode.json}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class EncodeBenchmark {
    /** The implementations under test. */
    public enum Impl {
        CODEC,
        KRYO
    }

    /** Operations encoded per benchmark operation. */
    @Param("10000")
    public int deltas;

    /** The implementation. */
    @Param
    public Impl impl;

    private String[] tables;
    private long[] rows;
    private DeltaOp[] ops;
    private Kryo kryo;
    private final Output output = new Output(256, DeltaCodec.MAX_VALUE_BYTES);

    /** Generates the operations. */
    @Setup(Level.Trial)
    public void setUp() {
        List<Workload.Transaction> txs = new Workload(42, 8, 10_000).transactions(100, deltas);
        tables = new String[deltas];
        rows = new long[deltas];
        ops = new DeltaOp[deltas];
        int n = 0;
        for (Workload.Transaction tx : txs) {
            for (int i = 0; i < tx.size() && n < deltas; i++, n++) {
                tables[n] = tx.tables()[i];
                rows[n] = tx.rowIds()[i];
                ops[n] = tx.ops()[i];
            }
        }
        kryo = KryoReference.newKryo();
    }

    /**
     * Encodes every operation.
     *
     * @param counter counts the deltas
     * @param cpu counts the CPU time
     * @param bh receives every encoding
     */
    @Benchmark
    public void encode(DeltaCounter counter, CpuTime cpu, Blackhole bh) {
        long start = CpuTime.now();
        if (impl == Impl.CODEC) {
            for (int i = 0; i < ops.length; i++) {
                bh.consume(DeltaCodec.encode(tables[i], rows[i], ops[i]));
            }
        } else {
            for (int i = 0; i < ops.length; i++) {
                output.reset();
                output.writeInt(0);
                output.writeByte(DeltaCodec.VALUE_VERSION);
                KryoReference.writeDirect(kryo, output, ops[i]);
                bh.consume(output.toBytes());
            }
        }
        cpu.cpuNanos += CpuTime.now() - start;
        counter.deltas += ops.length;
    }
}
