package io.github.deltalog.cli;

import io.github.deltalog.DeltaLog;
import io.github.deltalog.DeltaLogException;
import io.github.deltalog.FileLockedException;
import io.github.deltalog.Tuple;
import io.github.deltalog.view.AggregateView;
import io.github.deltalog.view.GroupStats;
import io.github.deltalog.view.IncrementalView;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code deltalog demo}: an orders workload recorded in a log, with an incremental revenue-per-customer view
 * refreshed from merged changes and checked against a full recomputation after every refresh.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = {
            "Shows deltalog at work: an incremental view checked against a full recomputation.",
            "Runs a shop's orders workload (inserts, updates, deletes; a few big customers place most orders) on a"
                    + " log file,",
            "keeps a revenue-per-customer view (count, sum, avg, min, max of non-cancelled orders) incrementally"
                    + " from the",
            "merged changes, and after every refresh checks it against a full recomputation from the base rows.",
            "Prints a summary; exit code 1 if any check failed. Deletes the previous demo file and view state"
                    + " first."
        })
final class DemoCommand implements Callable<Integer> {
    static final String CONSUMER = "revenue-per-customer";

    @Spec
    CommandSpec spec;

    @Option(
            names = "--file",
            paramLabel = "F",
            description = "the log file, replaced if it exists (default: ${DEFAULT-VALUE})")
    Path file = Path.of("deltalog-demo.deltas");

    @Option(names = "--rows", paramLabel = "N", description = "orders loaded first (default: ${DEFAULT-VALUE})")
    int rows = 50_000;

    @Option(
            names = "--changes",
            paramLabel = "N",
            description = "changes made after the load (default: ${DEFAULT-VALUE})")
    int changes = 100_000;

    @Option(
            names = "--refresh-every",
            paramLabel = "N",
            description = "changes between two refreshes of the view (default: ${DEFAULT-VALUE})")
    int refreshEvery = 1_000;

    @Option(names = "--customers", paramLabel = "N", description = "distinct customers (default: ${DEFAULT-VALUE})")
    int customers = 1_000;

    @Option(names = "--seed", paramLabel = "S", description = "random seed of the workload (default: ${DEFAULT-VALUE})")
    long seed = 42;

    static AggregateView revenuePerCustomer() {
        // (orderId, customer, amount, status): SELECT customer, COUNT(*), SUM(amount), AVG(amount), MIN(amount),
        // MAX(amount) FROM orders WHERE status <> 'cancelled' GROUP BY customer
        return AggregateView.over(OrdersWorkload.TABLE)
                .groupBy(1)
                .aggregate(2)
                .filter(row -> !"cancelled".equals(row.get(3)))
                .build();
    }

    /** Runs the demo; returns 0 if every check matched, 1 otherwise. */
    @Override
    public Integer call() {
        checkOptions();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Path state = file.resolveSibling(file.getFileName() + ".revenue.view");
        removePrevious(state);
        Progress progress = new Progress(err, System.console() != null);
        OrdersWorkload shop = new OrdersWorkload(seed, customers);
        DemoReport report = new DemoReport(file, rows, changes, refreshEvery, seed);
        try (DeltaLog log = DeltaLog.builder().path(file).open()) {
            log.track(OrdersWorkload.TABLE);
            progress.start("load", rows);
            long t0 = System.nanoTime();
            shop.load(log, rows, progress::update);
            report.loadNanos = System.nanoTime() - t0;
            progress.finish();

            IncrementalView view = IncrementalView.open(
                    log, CONSUMER, revenuePerCustomer(), state, () -> new ArrayList<>(shop.rows()));
            progress.start("changes", changes);
            int done = 0;
            while (done < changes) {
                int batch = Math.min(refreshEvery, changes - done);
                int base = done;
                t0 = System.nanoTime();
                shop.change(log, batch, n -> progress.update(base + n));
                report.changeNanos += System.nanoTime() - t0;
                done += batch;
                refreshAndCheck(view, shop, report, err);
            }
            progress.finish();
            report.deltasInLog = log.countAll();
        }
        reopenAndCheck(state, shop, report, err);
        report.inserts = shop.inserts();
        report.updates = shop.updates();
        report.deletes = shop.deletes();
        report.baseRows = shop.rows().size();
        report.fileBytes = size(file);
        report.print(out);
        return report.mismatches == 0 ? Main.EXIT_OK : Main.EXIT_CHECK_FAILED;
    }

    private void checkOptions() {
        if (rows < 0 || changes < 0 || refreshEvery < 1 || customers < 1) {
            throw new ParameterException(
                    spec.commandLine(),
                    "--rows and --changes must be 0 or more, --refresh-every and --customers 1 or more");
        }
    }

    private static void refreshAndCheck(IncrementalView view, OrdersWorkload shop, DemoReport report, PrintWriter err) {
        long c0 = CpuClock.now();
        long t0 = System.nanoTime();
        IncrementalView.Refresh r = view.refresh();
        Map<Tuple, GroupStats> incremental = view.view().groups();
        long t1 = System.nanoTime();
        long c1 = CpuClock.now();
        AggregateView full = revenuePerCustomer();
        full.rebuild(shop.rows());
        Map<Tuple, GroupStats> recomputed = full.groups();
        long t2 = System.nanoTime();
        long c2 = CpuClock.now();
        report.refreshes++;
        report.incrementalNanos += t1 - t0;
        report.fullNanos += t2 - t1;
        report.incrementalCpuNanos += c1 - c0;
        report.fullCpuNanos += c2 - c1;
        report.mergedDeltas += r.mergedDeltas();
        report.groups = recomputed.size();
        check("refresh " + report.refreshes, incremental, recomputed, report, err);
    }

    /** Opens the log and the view again, as an application does after a restart, and checks the view. */
    private void reopenAndCheck(Path state, OrdersWorkload shop, DemoReport report, PrintWriter err) {
        try (DeltaLog log = DeltaLog.builder().path(file).open()) {
            IncrementalView view = IncrementalView.open(
                    log, CONSUMER, revenuePerCustomer(), state, () -> new ArrayList<>(shop.rows()));
            AggregateView full = revenuePerCustomer();
            full.rebuild(shop.rows());
            check("after reopening", view.view().groups(), full.groups(), report, err);
        }
    }

    private static void check(
            String when,
            Map<Tuple, GroupStats> incremental,
            Map<Tuple, GroupStats> recomputed,
            DemoReport report,
            PrintWriter err) {
        report.checks++;
        if (incremental.equals(recomputed)) {
            return;
        }
        report.mismatches++;
        TreeSet<String> differing = new TreeSet<>();
        TreeSet<Tuple> keys = new TreeSet<>((a, b) -> a.toString().compareTo(b.toString()));
        keys.addAll(incremental.keySet());
        keys.addAll(recomputed.keySet());
        for (Tuple k : keys) {
            if (!Objects.equals(incremental.get(k), recomputed.get(k))) {
                differing.add(k + ": incremental " + incremental.get(k) + ", full " + recomputed.get(k));
            }
        }
        err.println("MISMATCH " + when + ": " + differing.size() + " groups differ, first: " + differing.first());
    }

    /** Deletes the previous demo's files, refusing to delete a file that is not a deltalog log. */
    private void removePrevious(Path state) {
        if (Files.exists(file)) {
            try (DeltaLog old = DeltaLog.builder().path(file).readOnly(true).open()) {
                old.lastCommitted();
            } catch (FileLockedException e) {
                throw new CliException(Main.EXIT_ERROR, "cannot use " + file + ": file is locked by another process");
            } catch (DeltaLogException e) {
                throw new CliException(
                        Main.EXIT_ERROR,
                        file + " exists and is not a deltalog log that the demo can replace: choose another --file");
            }
        }
        Path journal = file.resolveSibling(file.getFileName() + ".journal");
        for (Path p : new Path[] {
            file,
            journal,
            journal.resolveSibling(journal.getFileName() + ".old"),
            state,
            state.resolveSibling(state.getFileName() + ".tmp")
        }) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                throw new CliException(Main.EXIT_ERROR, "cannot delete the previous demo's " + p + ": " + e, e);
            }
        }
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return -1;
        }
    }
}
