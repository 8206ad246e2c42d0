package io.github.deltalog.bench;

import io.github.deltalog.Delta;
import io.github.deltalog.DeltaOp;
import io.github.deltalog.merge.ChainRule;
import io.github.deltalog.merge.DeltaMerger;
import io.github.deltalog.merge.MergeResult;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
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
 * Merge throughput: one whole merge of a pre-generated sequence per invocation, and one read of what it gives;
 * divide the score (merges/s) by nothing, multiply by {@code deltas} for deltas/s (the results page does).
 * Implementations: {@code DELTA_MERGER} (the merge module), the baseline {@code HASHMAP} (the obvious hand-written
 * merge: the same rule per delta, each row's net delta with its latest commit timestamp in a
 * {@code HashMap<Long, Delta>}) and {@code HASHMAP_NO_TIMESTAMPS} (the baseline of earlier runs: net operations
 * only, no timestamps, so less work than the merge; kept to compare with them). Each trial first checks that every
 * implementation gives the same net change per row (and {@code HASHMAP} the same timestamp). Every implementation's
 * output is read once the same way (row id, timestamp and kind of change of each net delta), so none gains by
 * leaving work to its reader. The merge's output is also ordered by row id, which the baselines' is not. The
 * secondary result {@code cpuNanos} is the benchmark thread's CPU time, steadier than the score on a loaded
 * machine. {@code ids} says whether row ids are dense (0 .. rows - 1, the merge then indexes arrays by row id) or
 * scattered over the longs (the merge hashes, or sorts mostly distinct rows); the baselines hash both the same way.
 *
 * <p>Each case runs in three forks (two warm-up and three measured iterations of 1 s each): 9 measured iterations,
 * and a fork whose JIT or heap placement is off shows as a third of them instead of being the whole figure (one
 * fork each used to give 24 of 24 cases at target and the next run, with three forks, two below it). Iterations of
 * 1 s instead of 2 s keep the run of the 10^5 and 10^6 cases (72 trials of 3 forks) under 30 min: about 24 min on a
 * quiet machine (each fork 5 s of iterations plus about 1.7 s of start and setup, as in the 14-min one-fork run of
 * 2 s iterations), 32 min at a load of 8 to 10 on two cores.
 *
 * <p>Run (the 10^5 and 10^6 cases): {@code java -jar bench/target/benchmarks.jar MergeBenchmark
 * -p deltas=100000,1000000 -rf json -rff merge.json}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(
        value = 3,
        jvmArgsAppend = {"-Xmx4g"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class MergeBenchmark {

    /** The merge under test. */
    public enum Impl {
        DELTA_MERGER,
        HASHMAP,
        HASHMAP_NO_TIMESTAMPS
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

    @Param({"DELTA_MERGER", "HASHMAP", "HASHMAP_NO_TIMESTAMPS"})
    public Impl impl;

    private Delta[] input;

    @Setup(Level.Trial)
    public void generate() {
        int rows = Math.max(1, (int) ((long) deltas * rowsPercent / 100));
        input = MergeInput.generate(deltas, rows, mix, ids, 42);
        checkSameNetEffect(input);
    }

    /**
     * One whole merge and one read of its output; the thread's CPU time goes to the secondary result {@code
     * cpuNanos} (CPU ns per second: divide by the score for CPU ns per merge; background GC threads not included).
     */
    @Benchmark
    public long merge(CpuTime cpu) {
        long start = CpuTime.now();
        long read =
                switch (impl) {
                    case DELTA_MERGER -> read(
                            DeltaMerger.merge(Arrays.asList(input)).byRow());
                    case HASHMAP -> read(hashMapMerge(input).values());
                    case HASHMAP_NO_TIMESTAMPS -> readOps(hashMapMergeOps(input));
                };
        cpu.cpuNanos += CpuTime.now() - start;
        return read;
    }

    /** What a reader of the net deltas looks at: each one's row, timestamp and kind of change. */
    private static long read(Collection<Delta> net) {
        long sum = 0;
        for (Delta d : net) {
            sum += d.rowId() + d.commitTimestamp() + (d.op() instanceof DeltaOp.Delete ? 1 : 0);
        }
        return sum;
    }

    private static long readOps(HashMap<Long, DeltaOp> net) {
        long sum = 0;
        for (Map.Entry<Long, DeltaOp> e : net.entrySet()) {
            sum += e.getKey() + (e.getValue() instanceof DeltaOp.Delete ? 1 : 0);
        }
        return sum;
    }

    /**
     * The baseline: boxed row ids, a map entry per row, the same combination rule, each row's net delta with the
     * timestamp of its last change; a row whose chain nets to nothing leaves the map, a first change that is a
     * no-op is not kept. It gives the merge's net delta per row for the benchmark's input (one table, valid
     * chains), without the merge's order or figures.
     */
    static HashMap<Long, Delta> hashMapMerge(Delta[] deltas) {
        HashMap<Long, Delta> net = new HashMap<>();
        for (Delta d : deltas) {
            Long row = d.rowId();
            Delta earlier = net.get(row);
            if (earlier == null) {
                if (!ChainRule.isNoOp(d.op())) {
                    net.put(row, d);
                }
                continue;
            }
            DeltaOp combined = ChainRule.combine(earlier.op(), d.op());
            if (combined == null) {
                net.remove(row);
            } else {
                net.put(row, new Delta(d.table(), row, d.commitTimestamp(), combined));
            }
        }
        return net;
    }

    /** The baseline of earlier runs: as {@link #hashMapMerge}, net operations only, no timestamps. */
    static HashMap<Long, DeltaOp> hashMapMergeOps(Delta[] deltas) {
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

    /** Fails the trial unless the baselines and the merge give the same net change (and timestamp) for every row. */
    static void checkSameNetEffect(Delta[] input) {
        HashMap<Long, Delta> expected = hashMapMerge(input);
        HashMap<Long, DeltaOp> expectedOps = hashMapMergeOps(input);
        MergeResult merged = DeltaMerger.merge(Arrays.asList(input));
        if (merged.size() != expected.size() || merged.size() != expectedOps.size()) {
            throw new IllegalStateException("the baselines keep " + expected.size() + " and " + expectedOps.size()
                    + " rows, the merge " + merged.size());
        }
        for (Delta d : merged.byRow()) {
            Delta e = expected.get(d.rowId());
            if (e == null
                    || !d.op().equals(e.op())
                    || d.commitTimestamp() != e.commitTimestamp()
                    || !d.op().equals(expectedOps.get(d.rowId()))) {
                throw new IllegalStateException("row " + d.rowId() + ": the baselines give " + e + " and "
                        + expectedOps.get(d.rowId()) + ", the merge " + d);
            }
        }
    }
}
