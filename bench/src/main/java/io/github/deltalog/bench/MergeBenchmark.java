package io.github.deltalog.bench;

import io.github.deltalog.Delta;
import io.github.deltalog.DeltaOp;
import io.github.deltalog.merge.ChainRule;
import io.github.deltalog.merge.DeltaMerger;
import java.util.Arrays;
import java.util.HashMap;
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

/**
 * Merge throughput: one whole merge of a pre-generated sequence per invocation; divide the score (merges/s)
 * by nothing, multiply by {@code deltas} for deltas/s (the results page does). Implementations:
 * {@code DELTA_MERGER} (the merge module), and the baseline {@code HASHMAP} (the same rule per delta, row
 * states grouped in a {@code HashMap<Long, DeltaOp>}, the obvious hand-written merge).
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar MergeBenchmark -rf json -rff merge.json}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xmx4g"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class MergeBenchmark {

    /** The merge under test. */
    public enum Impl {
        DELTA_MERGER,
        HASHMAP
    }

    @Param({"100000", "1000000", "10000000"})
    public int deltas;

    /** Distinct rows as a percentage of deltas. */
    @Param({"1", "10", "100"})
    public int rowsPercent;

    @Param({"UPDATE_HEAVY", "CHURN"})
    public MergeInput.Mix mix;

    @Param({"DELTA_MERGER", "HASHMAP"})
    public Impl impl;

    private Delta[] input;

    @Setup(Level.Trial)
    public void generate() {
        int rows = Math.max(1, (int) ((long) deltas * rowsPercent / 100));
        input = MergeInput.generate(deltas, rows, mix, 42);
    }

    @Benchmark
    public Object merge() {
        return impl == Impl.DELTA_MERGER ? DeltaMerger.merge(Arrays.asList(input)) : hashMapMerge(input);
    }

    /** The baseline: boxed row ids, a map entry per row, the same combination rule. */
    static HashMap<Long, DeltaOp> hashMapMerge(Delta[] deltas) {
        HashMap<Long, DeltaOp> net = new HashMap<>();
        HashMap<Long, Boolean> gone = new HashMap<>();
        for (Delta d : deltas) {
            Long row = d.rowId();
            DeltaOp earlier = net.get(row);
            if (earlier == null) {
                net.put(row, d.op());
                continue;
            }
            DeltaOp combined = ChainRule.combine(earlier, d.op());
            if (combined == null) {
                net.remove(row);
                gone.put(row, Boolean.TRUE);
            } else {
                net.put(row, combined);
            }
        }
        return net;
    }
}
