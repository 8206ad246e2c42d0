package io.github.deltalog.bench;

import io.github.deltalog.DeltaLog;
import io.github.deltalog.view.Refresh;
import io.github.deltalog.view.View;
import io.github.deltalog.view.ViewComputation;
import io.github.deltalog.view.ViewRow;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Refresh cost against change size: one operation brings a view over {@code viewBase} orders up to date after
 * {@code viewChanges} changed rows, committed just before it outside the timed code. {@code INCREMENTAL} is
 * {@link View#refresh()} (read the merged changes, apply them to the touched groups and join arrangements, one
 * journal record with the view's position at the log's default COMMIT durability; the store file gets the touched
 * pages at the background checkpoint, once a second, which a refresh waits for if it runs at that moment);
 * {@code FULL} is {@link ViewComputation#compute} of the same view over the application's rows (in memory,
 * nothing written: the cheapest full recomputation). The secondary result {@code deltas} is changed rows per second. {@code view}: {@code GROUP_BY} (revenue per
 * customer: count, sum, min, max, one group per hundred orders) or {@code JOIN} (orders joined with customers,
 * grouped by region).
 *
 * <p>The timed operation does not show everything a refresh costs: the store file gets its pages at the
 * background checkpoint, and the collector frees its garbage on other threads. The secondary result {@code
 * processCpuMs} ({@link RefreshCpu}) is the CPU time of the whole JVM from the start of the operation to the end of
 * a checkpoint run right after it (outside the timed part), so that an incremental refresh is also charged with
 * writing the pages it changed; FULL runs the same (empty) checkpoint.
 *
 * <p>{@code cacheMb} is the log's page cache ({@link io.github.deltalog.DeltaLogBuilder#cacheSizeMb}), the same for
 * both methods (FULL reads the application's rows, all in the heap): 256 MiB holds the whole 10^6-row base's view
 * state (about 110 MB on disk), as a user sizes the cache for a view of that size; 16 is the log's default.
 *
 * <p>Twenty warm-up shots: one shot of a small refresh runs the refresh path once, so with a few shots the JIT
 * has not compiled it yet and the figure is the interpreter's (10^2 GROUP_BY changes, mean of 20 shots: 4.6 ms
 * after 5 warm-up shots, 3.7 ms after 20, same jar and machine), which no long-running application sees.
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar ViewRefreshBenchmark -rf json -rff views.json}; the base
 * log (rows and both views) is built once per size under the benchmark folder, which takes a minute at 10^6.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms2g", "-Xmx4g"})
@Warmup(iterations = 20)
@Measurement(iterations = 5)
public class ViewRefreshBenchmark {
    /** How the view is brought up to date. */
    public enum Method {
        INCREMENTAL,
        FULL
    }

    /** The view measured. */
    public enum ViewKind {
        GROUP_BY,
        JOIN
    }

    @Param({"1000000"})
    public int viewBase;

    @Param({"1", "10", "100", "1000", "10000", "100000"})
    public int viewChanges;

    @Param({"GROUP_BY", "JOIN"})
    public ViewKind view;

    @Param({"INCREMENTAL", "FULL"})
    public Method method;

    @Param({"256"})
    public int cacheMb;

    private Path folder;
    private DeltaLog log;
    private View incremental;
    private ViewShop shop;
    private final Random rnd = new Random(7);
    /** The counter of the running operation, stopped by {@link #settle} after the checkpoint. */
    private RefreshCpu cpu;

    @Setup(Level.Trial)
    public void open() throws IOException {
        Path source = ViewShop.prefilled(viewBase);
        shop = new ViewShop(viewBase);
        folder = BenchFiles.freshFolder("views");
        Path file = folder.resolve("log.db");
        Files.copy(source, file);
        log = DeltaLog.builder().path(file).cacheSizeMb(cacheMb).open();
        String name = view == ViewKind.JOIN ? ViewShop.JOIN_VIEW : ViewShop.GROUP_BY_VIEW;
        incremental = log.view(name, ViewShop.definition(name));
    }

    @Setup(Level.Invocation)
    public void change() {
        shop.change(method == Method.INCREMENTAL ? log : null, viewChanges, rnd);
    }

    /** Stores what the operation changed and charges the whole JVM's CPU time since its start to it. */
    @TearDown(Level.Invocation)
    public void settle() {
        log.checkpoint();
        if (cpu != null) {
            cpu.stop();
        }
    }

    @Benchmark
    public Object refresh(DeltaCounter counter, RefreshCpu cpu) {
        this.cpu = cpu;
        cpu.start();
        counter.deltas += viewChanges;
        if (method == Method.INCREMENTAL) {
            Refresh r = incremental.refresh();
            if (r.rebuilt()) {
                throw new IllegalStateException("the view was rebuilt: " + r);
            }
            return r;
        }
        List<ViewRow> rows = ViewComputation.compute(incremental.definition(), shop.baseRows());
        return rows;
    }

    @TearDown(Level.Trial)
    public void close() {
        try {
            log.close();
        } finally {
            BenchFiles.deleteRecursively(folder);
        }
    }
}
