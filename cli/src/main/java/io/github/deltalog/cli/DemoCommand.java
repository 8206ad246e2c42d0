package io.github.deltalog.cli;

import io.github.deltalog.DeltaLog;
import io.github.deltalog.DeltaLogException;
import io.github.deltalog.FileLockedException;
import io.github.deltalog.view.Refresh;
import io.github.deltalog.view.View;
import io.github.deltalog.view.ViewComputation;
import io.github.deltalog.view.ViewDefinition;
import io.github.deltalog.view.ViewRow;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code deltalog demo}: an orders workload recorded in a log, with two views kept in the log's store (revenue
 * per customer, and revenue per region through a join with the customers table), refreshed from merged changes
 * and checked against a full recomputation after every refresh.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = {
            "Shows deltalog at work: incremental views checked against a full recomputation.",
            "Runs a shop's orders workload (inserts, updates, deletes; a few big customers place most orders;"
                    + " customers move",
            "between regions) on a log file, keeps two views in the log's store -- revenue per customer (count,"
                    + " sum, avg, min,",
            "max of non-cancelled orders) and revenue per region (orders joined with customers) -- refreshed from"
                    + " the merged",
            "changes, and after every refresh checks each against a full recomputation from the base rows.",
            "Prints a summary; exit code 1 if any check failed. Deletes the previous demo file first."
        })
final class DemoCommand implements Callable<Integer> {
    static final String PER_CUSTOMER = "revenue-per-customer";
    static final String PER_REGION = "revenue-per-region";

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

    static ViewDefinition revenuePerCustomer() {
        // (orderId, customer, amount, status): SELECT customer, COUNT(*), SUM(amount), AVG(amount), MIN(amount),
        // MAX(amount) FROM orders WHERE status <> 'cancelled' GROUP BY customer
        return ViewDefinition.from(OrdersWorkload.TABLE)
                .where(row -> !"cancelled".equals(row.get(3)))
                .groupBy(1)
                .count()
                .sum(2)
                .avg(2)
                .min(2)
                .max(2)
                .build();
    }

    static ViewDefinition revenuePerRegion() {
        // SELECT c.region, COUNT(*), SUM(o.amount), MAX(o.amount), COUNT(DISTINCT o.customer) FROM orders o JOIN
        // customers c ON o.customer = c.name WHERE o.status <> 'cancelled' GROUP BY c.region
        return ViewDefinition.from(OrdersWorkload.TABLE)
                .join(OrdersWorkload.CUSTOMERS, 1, 0)
                .where(row -> !"cancelled".equals(row.get(3)))
                .groupBy(5)
                .count()
                .sum(2)
                .max(2)
                .countDistinct(1)
                .build();
    }

    /** Runs the demo; returns 0 if every check matched, 1 otherwise. */
    @Override
    public Integer call() {
        checkOptions();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        removePrevious();
        Progress progress = new Progress(err, System.console() != null);
        OrdersWorkload shop = new OrdersWorkload(seed, customers);
        DemoReport report = new DemoReport(file, rows, changes, refreshEvery, seed);
        DemoReport.ViewFigures perCustomer =
                report.view("revenue per customer (count, sum, avg, min, max of" + " non-cancelled orders)");
        DemoReport.ViewFigures perRegion = report.view(
                "revenue per region (orders joined with customers: count," + " sum, max, distinct customers)");
        try (DeltaLog log = DeltaLog.builder().path(file).open()) {
            log.track(OrdersWorkload.TABLE);
            log.track(OrdersWorkload.CUSTOMERS);
            progress.start("load", rows);
            long t0 = System.nanoTime();
            shop.loadCustomers(log);
            shop.load(log, rows, progress::update);
            report.loadNanos = System.nanoTime() - t0;
            progress.finish();

            // Built once from the log's history (it holds every row since the tables were tracked).
            View customerView = log.view(PER_CUSTOMER, revenuePerCustomer());
            View regionView = log.view(PER_REGION, revenuePerRegion());
            progress.start("changes", changes);
            int done = 0;
            while (done < changes) {
                int batch = Math.min(refreshEvery, changes - done);
                int base = done;
                t0 = System.nanoTime();
                shop.change(log, batch, n -> progress.update(base + n));
                report.changeNanos += System.nanoTime() - t0;
                done += batch;
                report.refreshes++;
                refreshAndCheck(customerView, shop, perCustomer, report, err);
                refreshAndCheck(regionView, shop, perRegion, report, err);
            }
            progress.finish();
            report.deltasInLog = log.countAll();
        }
        reopenAndCheck(shop, perCustomer, perRegion, report, err);
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

    private static void refreshAndCheck(
            View view, OrdersWorkload shop, DemoReport.ViewFigures figures, DemoReport report, PrintWriter err) {
        long c0 = CpuClock.now();
        long t0 = System.nanoTime();
        Refresh r = view.refresh();
        long t1 = System.nanoTime();
        long c1 = CpuClock.now();
        List<ViewRow> recomputed = ViewComputation.compute(view.definition(), shop.baseRows());
        long t2 = System.nanoTime();
        long c2 = CpuClock.now();
        figures.incrementalNanos += t1 - t0;
        figures.fullNanos += t2 - t1;
        figures.incrementalCpuNanos += c1 - c0;
        figures.fullCpuNanos += c2 - c1;
        figures.mergedDeltas += r.mergedDeltas();
        figures.groups = recomputed.size();
        check(view.name() + " after refresh " + report.refreshes, view, recomputed, report, err);
    }

    /** Opens the log and the views again, as an application does after a restart, and checks them. */
    private void reopenAndCheck(
            OrdersWorkload shop,
            DemoReport.ViewFigures perCustomer,
            DemoReport.ViewFigures perRegion,
            DemoReport report,
            PrintWriter err) {
        try (DeltaLog log = DeltaLog.builder().path(file).open()) {
            View customerView = log.view(PER_CUSTOMER, revenuePerCustomer());
            View regionView = log.view(PER_REGION, revenuePerRegion());
            check(
                    PER_CUSTOMER + " after reopening",
                    customerView,
                    ViewComputation.compute(revenuePerCustomer(), shop.baseRows()),
                    report,
                    err);
            check(
                    PER_REGION + " after reopening",
                    regionView,
                    ViewComputation.compute(revenuePerRegion(), shop.baseRows()),
                    report,
                    err);
            perCustomer.groups = (int) customerView.size();
            perRegion.groups = (int) regionView.size();
        }
    }

    private static void check(String when, View view, List<ViewRow> recomputed, DemoReport report, PrintWriter err) {
        report.checks++;
        List<ViewRow> incremental = new ArrayList<>();
        view.rows().forEach(incremental::add);
        if (incremental.equals(recomputed)) {
            return;
        }
        report.mismatches++;
        String first = "row counts " + incremental.size() + " and " + recomputed.size();
        for (int i = 0; i < Math.min(incremental.size(), recomputed.size()); i++) {
            if (!incremental.get(i).equals(recomputed.get(i))) {
                first = "incremental " + incremental.get(i) + ", full " + recomputed.get(i);
                break;
            }
        }
        err.println("MISMATCH " + when + ": " + first);
    }

    /** Deletes the previous demo's files, refusing to delete a file that is not a deltalog log. */
    private void removePrevious() {
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
            file.resolveSibling(file.getFileName() + ".revenue.view") // the state file of earlier versions
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
