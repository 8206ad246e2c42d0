package io.github.deltalog.bench.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** The DESIGN §9 targets, checked against the medians of one run. */
final class Targets {
    private static final String MET = "**met**";
    private static final String MISSED = "**not met**";
    private static final String ABSENT = "not in this run";

    /**
     * One line of the targets table.
     *
     * @param target the target
     * @param measured what this run measured
     * @param status met, not met, or not measured
     */
    record Line(String target, String measured, String status) {}

    private final JmhResults r;

    Targets(JmhResults results) {
        this.r = results;
    }

    List<Line> lines(String mergeMemory) {
        List<Line> lines = new ArrayList<>();
        Map<String, String> tx100 = Map.of("txSize", "100");
        double log = r.median("RecordBenchmark", "DELTALOG", tx100);
        lines.add(ratioLine(
                "record, COMMIT, 100 deltas/tx ≥ 70% of raw MVStore puts",
                log, r.median("RecordBenchmark", "MVSTORE_RAW_PUTS", tx100), 0.7, "MVSTORE_RAW_PUTS"));
        lines.add(ratioLine(
                "record, 100 deltas/tx ≥ 10× SQLite trigger changelog",
                log,
                r.median("RecordBenchmark", "SQLITE", tx100),
                10,
                "SQLITE"));
        lines.add(ratioLine(
                "record, 100 deltas/tx ≥ 10× H2 trigger changelog",
                log,
                r.median("RecordBenchmark", "H2", tx100),
                10,
                "H2"));
        lines.add(groupCommit());
        lines.add(
                perRange("scan + decode ≥ 70% of raw cursor + decode", "ScanBenchmark", "MVSTORE_CURSOR_DECODE", 0.7));
        lines.add(perRange("scan ≥ 10× SQLite", "ScanBenchmark", "SQLITE", 10));
        lines.add(perRange("scan ≥ 10× H2", "ScanBenchmark", "H2", 10));
        lines.add(perRange("scan ≥ 100× the seed (RocksDB)", "ScanBenchmark", "SEED_ROCKSDB", 100));
        lines.add(perRange("count ≥ 100× the seed (RocksDB)", "CountBenchmark", "SEED_ROCKSDB", 100));
        lines.add(countFlat());
        lines.add(merge());
        long peak = ResultsReport.peakHeapMb(mergeMemory);
        lines.add(new Line(
                "merge: 10 M deltas over 1 M rows inside a 512 MB heap",
                mergeMemory == null
                        ? "MergeMemoryCheck not run"
                        : peak < 0
                                ? "did not complete: " + mergeMemory
                                : "completed with -Xmx512m, peak heap " + peak + " MB",
                mergeMemory == null ? ABSENT : peak >= 0 && peak <= 512 ? MET : MISSED));
        lines.add(purge());
        return lines;
    }

    /** A SyncRecordBenchmark method's SYNC figure; results from before its durability param have none. */
    private double syncMedian(String method) {
        double sync = r.median("SyncRecordBenchmark", method, Map.of("durability", "SYNC"));
        return Double.isNaN(sync) ? r.median("SyncRecordBenchmark", method, Map.of()) : sync;
    }

    private Line groupCommit() {
        String target = "record, SYNC: 4 committing threads ≥ 3× one thread";
        double four = syncMedian("fourThreads");
        double one = syncMedian("oneThread");
        if (Double.isNaN(four) || Double.isNaN(one)) {
            return new Line(target, "missing figures", ABSENT);
        }
        return new Line(
                target,
                "4 threads " + Figures.si(four) + " vs 1 thread " + Figures.si(one) + " deltas/s: "
                        + Figures.ratio(four / one),
                four / one >= 3 ? MET : MISSED);
    }

    private Line purge() {
        String target = "purge ≥ 1 M deltas/s";
        StringBuilder measured = new StringBuilder();
        boolean all = true;
        for (JmhResults.Row row : r.of("PurgeBenchmark")) {
            all &= row.median() >= 1e6;
            measured.append(measured.length() == 0 ? "" : "; ")
                    .append(row.paramText())
                    .append(": ")
                    .append(Figures.si(row.median()))
                    .append(" deltas/s");
        }
        if (measured.length() == 0) {
            return new Line(target, "missing figures", ABSENT);
        }
        return new Line(target, measured.toString(), all ? MET : MISSED);
    }

    private static Line ratioLine(String target, double subject, double other, double needed, String otherName) {
        if (Double.isNaN(subject) || Double.isNaN(other)) {
            return new Line(target, "missing figures", ABSENT);
        }
        double ratio = subject / other;
        return new Line(
                target,
                Figures.si(subject) + " vs " + otherName + " " + Figures.si(other) + " deltas/s: "
                        + Figures.ratio(ratio),
                ratio >= needed ? MET : MISSED);
    }

    private Line perRange(String target, String benchmark, String other, double needed) {
        StringBuilder measured = new StringBuilder();
        boolean all = true;
        boolean any = false;
        for (String range : ranges(benchmark)) {
            double s = r.median(benchmark, "DELTALOG", Map.of("range", range));
            double o = r.median(benchmark, other, Map.of("range", range));
            if (Double.isNaN(s) || Double.isNaN(o)) {
                continue;
            }
            any = true;
            double ratio = s / o;
            all &= ratio >= needed;
            measured.append(measured.length() == 0 ? "" : "; ")
                    .append("range ")
                    .append(Figures.si(Double.parseDouble(range)))
                    .append(": ")
                    .append(Figures.ratio(ratio));
        }
        if (!any) {
            return new Line(target, "missing figures", ABSENT);
        }
        return new Line(target, measured.toString(), all ? MET : MISSED + " (see the ranges)");
    }

    private TreeSet<String> ranges(String benchmark) {
        TreeSet<String> ranges = new TreeSet<>((a, b) -> Long.compare(Long.parseLong(a), Long.parseLong(b)));
        for (JmhResults.Row row : r.of(benchmark)) {
            if (row.params().containsKey("range")) {
                ranges.add(row.params().get("range"));
            }
        }
        return ranges;
    }

    private Line countFlat() {
        String target = "count: O(log n), flat across ranges (within 2×)";
        double lo = Double.POSITIVE_INFINITY;
        double hi = 0;
        StringBuilder measured = new StringBuilder();
        for (String range : ranges("CountBenchmark")) {
            double v = r.median("CountBenchmark", "DELTALOG", Map.of("range", range));
            if (Double.isNaN(v)) {
                continue;
            }
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
            measured.append(measured.length() == 0 ? "" : "; ")
                    .append("range ")
                    .append(Figures.si(Double.parseDouble(range)))
                    .append(": ")
                    .append(Figures.si(v))
                    .append(" counts/s");
        }
        if (hi == 0) {
            return new Line(target, "missing figures", ABSENT);
        }
        measured.append(" (slowest ÷ fastest ").append(Figures.ratio(lo / hi)).append(')');
        return new Line(target, measured.toString(), lo / hi >= 0.5 ? MET : MISSED);
    }

    private Line merge() {
        String target = "merge ≥ 10 M deltas/s in memory (DELTA_MERGER)";
        double lo = Double.POSITIVE_INFINITY;
        double hi = 0;
        String loParams = "";
        int below = 0;
        int all = 0;
        for (JmhResults.Row row : r.of("MergeBenchmark")) {
            if (!row.impl().equals("DELTA_MERGER")) {
                continue;
            }
            all++;
            if (row.median() < 10e6) {
                below++;
            }
            if (row.median() < lo) {
                lo = row.median();
                loParams = row.paramText();
            }
            hi = Math.max(hi, row.median());
        }
        if (all == 0) {
            return new Line(target, "missing figures", ABSENT);
        }
        String measured = Figures.si(lo) + " (" + loParams + ") to " + Figures.si(hi) + " deltas/s; " + below + " of "
                + all + " cases below 10 M";
        return new Line(
                target, measured, below == 0 ? MET : below == all ? MISSED : MISSED + " in " + below + " cases");
    }
}
