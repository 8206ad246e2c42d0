package io.github.deltalog.bench;

import io.github.deltalog.merge.DeltaMerger;
import io.github.deltalog.merge.MergeResult;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;

/**
 * The merge's memory figure: streams 10^7 generated deltas over 10^6 rows into one merger and prints the
 * peak heap use. It has to finish inside a 512 MB heap:
 *
 * <pre>java -Xmx512m -cp bench/target/benchmarks.jar io.github.deltalog.bench.MergeMemoryCheck</pre>
 *
 * Arguments (optional): deltas, rows.
 */
public final class MergeMemoryCheck {
    private MergeMemoryCheck() {}

    /**
     * Runs the check.
     *
     * @param args optional delta count and row count
     */
    public static void main(String[] args) {
        int deltas = args.length > 0 ? Integer.parseInt(args[0]) : 10_000_000;
        int rows = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
        MergeInput in = new MergeInput(rows, MergeInput.Mix.UPDATE_HEAVY, 42);
        DeltaMerger merger = new DeltaMerger();
        long start = System.nanoTime();
        for (int i = 0; i < deltas; i++) {
            merger.add(in.next());
        }
        MergeResult r = merger.result();
        double seconds = (System.nanoTime() - start) / 1e9;
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        System.out.printf(
                "merged %,d deltas over %,d rows into %,d in %.2f s (%,.0f deltas/s, generation included);"
                        + " max heap %,d MB, peak heap used %,d MB; %s%n",
                deltas,
                rows,
                r.size(),
                seconds,
                deltas / seconds,
                Runtime.getRuntime().maxMemory() >> 20,
                peak >> 20,
                r.stats());
    }
}
