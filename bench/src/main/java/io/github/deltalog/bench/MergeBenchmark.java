package io.github.deltalog.bench;

import io.github.deltalog.Delta;
import io.github.deltalog.DeltaOp;
import io.github.deltalog.merge.ChainRule;
import io.github.deltalog.merge.DeltaMerger;
import io.github.deltalog.merge.MergeResult;
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
 * states grouped in a {@code HashMap<Long, DeltaOp>}, the obvious hand-written merge; each trial first checks that
 * both give the same net change per row). The secondary result {@code cpuNanos} is the benchmark thread's CPU time,
 * steadier than the score on a loaded machine. {@code ids} says whether row ids are dense (0 .. rows - 1, the
 * merge then indexes arrays by row id) or scattered over the longs (the merge hashes, or sorts mostly distinct rows);
 * the peer hashes both the same way.
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

    /**
     * Row ids 0 .. rows - 1 (the merge takes its dense path, arrays indexed by row id) or scattered over the longs
     * (hash table, or sorting when rows are mostly distinct).
     */
    @Param({"DENSE", "SCATTERED"})
    public MergeInput.Ids ids;

    @Param({"DELTA_MERGER", "HASHMAP"})
    public Impl impl;

    private Delta[] input;

    @Setup(Level.Trial)
    public void generate() {
        int rows = Math.max(1, (int) ((long) deltas * rowsPercent / 100));
        input = MergeInput.generate(deltas, rows, mix, ids, 42);
        checkSameNetEffect(input);
    }

    /**
     * One whole merge; the thread's CPU time goes to the secondary result {@code cpuNanos} (CPU ns per second:
     * divide by the score for CPU ns per merge; background GC threads not included).
     */
    @Benchmark
    public Object merge(CpuTime cpu) {
        long start = CpuTime.now();
        Object result = impl == Impl.DELTA_MERGER ? DeltaMerger.merge(Arrays.asList(input)) : hashMapMerge(input);
        cpu.cpuNanos += CpuTime.now() - start;
        return result;
    }

    /**
     * The baseline: boxed row ids, a map entry per row, the same combination rule; a row whose chain nets to
     * nothing leaves the map, a first change that is a no-op is not kept. It gives the merge's net change per row
     * for the benchmark's input (one table, valid chains), without the merge's timestamps, order or figures.
     */
    static HashMap<Long, DeltaOp> hashMapMerge(Delta[] deltas) {
        HashMap<Long, DeltaOp> net = new HashMap<>();
        for (Delta d : deltas) {
            Long row = d.rowId();
            DeltaOp earlier = net.get(row);
            if (earlier == null) {
                if (!ChainRule.isNoOp(d.op())) {
                    net.put(row, d.op());
                }
                continue;
            }
            DeltaOp combined = ChainRule.combine(earlier, d.op());
            if (combined == null) {
                net.remove(row);
            } else {
                net.put(row, combined);
            }
        }
        return net;
    }

    /** Fails the trial unless the baseline and the merge give the same net change for every row. */
    static void checkSameNetEffect(Delta[] input) {
        HashMap<Long, DeltaOp> expected = hashMapMerge(input);
        MergeResult merged = DeltaMerger.merge(Arrays.asList(input));
        if (merged.size() != expected.size()) {
            throw new IllegalStateException(
                    "the baseline keeps " + expected.size() + " rows, the merge " + merged.size());
        }
        for (Delta d : merged.byRow()) {
            if (!d.op().equals(expected.get(d.rowId()))) {
                throw new IllegalStateException("row " + d.rowId() + ": the baseline gives " + expected.get(d.rowId())
                        + ", the merge " + d.op());
            }
        }
    }
}
