package io.github.deltalog.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The demo's figures, filled in as it runs, and its summary. */
final class DemoReport {
    final Path file;
    final int rows;
    final int changes;
    final int refreshEvery;
    final long seed;
    long loadNanos;
    long changeNanos;
    long inserts;
    long updates;
    long deletes;
    long deltasInLog;
    int refreshes;
    int baseRows;
    int checks;
    int mismatches;
    long fileBytes;

    private final List<ViewFigures> views = new ArrayList<>();

    /** One view's figures. */
    static final class ViewFigures {
        final String description;
        long mergedDeltas;
        long incrementalNanos;
        long fullNanos;
        long incrementalCpuNanos;
        long fullCpuNanos;
        int groups;

        ViewFigures(String description) {
            this.description = description;
        }
    }

    /** Adds a view to report on. */
    ViewFigures view(String description) {
        ViewFigures v = new ViewFigures(description);
        views.add(v);
        return v;
    }

    DemoReport(Path file, int rows, int changes, int refreshEvery, long seed) {
        this.file = file;
        this.rows = rows;
        this.changes = changes;
        this.refreshEvery = refreshEvery;
        this.seed = seed;
    }

    void print(PrintWriter out) {
        out.printf(
                "deltalog demo: %s orders, then %s changes, view refreshed every %s changes (seed %d)%n",
                Format.count(rows), Format.count(changes), Format.count(refreshEvery), seed);
        line(out, "log file", file + ", " + Format.bytes(fileBytes));
        line(
                out,
                "deltas recorded",
                Format.count(deltasInLog) + " (" + Format.count(rows) + " loaded in " + Format.duration(loadNanos)
                        + ", then " + Format.count(changes) + " changes in " + Format.duration(changeNanos) + ": "
                        + Format.count(inserts - rows) + " inserts, " + Format.count(updates) + " updates, "
                        + Format.count(deletes) + " deletes)");
        for (int i = 0; i < views.size(); i++) {
            ViewFigures v = views.get(i);
            line(out, "view " + (i + 1), v.description + ": " + Format.count(v.groups) + " groups");
            line(
                    out,
                    "  merged deltas",
                    Format.count(v.mergedDeltas) + " of " + Format.count(changes) + " changes ("
                            + percent(v.mergedDeltas, changes) + "), applied in " + Format.count(refreshes)
                            + " refreshes");
            line(
                    out,
                    "  incremental",
                    timing(v.incrementalNanos, v.incrementalCpuNanos)
                            + " (read merged changes, apply to the touched groups, one journal record)");
            line(
                    out,
                    "  full recompute",
                    timing(v.fullNanos, v.fullCpuNanos) + " (every base row, in memory, nothing written)");
            line(
                    out,
                    "  ratio",
                    v.incrementalNanos == 0
                            ? "n/a (no refresh)"
                            : "full / incremental = " + ratio(v.fullNanos, v.incrementalNanos) + " in time"
                                    + (CpuClock.SUPPORTED
                                            ? ", " + ratio(v.fullCpuNanos, v.incrementalCpuNanos) + " in CPU"
                                            : "")
                                    + (v.fullNanos >= v.incrementalNanos
                                            ? " (incremental is faster)"
                                            : " (incremental is slower)"));
        }
        line(out, "base tables", Format.count(baseRows) + " orders");
        line(
                out,
                "checks",
                Format.count(checks - mismatches) + " of " + Format.count(checks)
                        + " matched a full recomputation (after every refresh, and after reopening)");
        line(out, "result", mismatches == 0 ? "OK" : "MISMATCH in " + mismatches + " checks");
    }

    private String timing(long nanos, long cpuNanos) {
        return Format.duration(nanos) + " in all, " + Format.duration(mean(nanos)) + " per refresh"
                + (CpuClock.SUPPORTED ? ", " + Format.duration(mean(cpuNanos)) + " of it CPU" : "");
    }

    private static String ratio(long a, long b) {
        return b == 0 ? "n/a" : String.format(Locale.ROOT, "%.2f", (double) a / b);
    }

    private long mean(long nanos) {
        return refreshes == 0 ? 0 : nanos / refreshes;
    }

    private static String percent(long part, long whole) {
        return whole == 0 ? "n/a" : String.format(Locale.ROOT, "%.1f%%", 100.0 * part / whole);
    }

    private static void line(PrintWriter out, String label, String value) {
        out.printf("  %-20s%s%n", label, value);
    }
}
