package io.github.deltalog.bench.report;

import io.github.deltalog.bench.peers.MiniJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The rows of a JMH JSON result file ({@code -rf json}), reduced to what the results page shows: per benchmark
 * and parameters, the median over measurement iterations in deltas per second where the benchmark says how many
 * deltas an operation handles.
 */
final class JmhResults {
    /** The params that name the variants a benchmark compares, first found wins. */
    private static final List<String> IMPL_PARAMS = List.of("impl", "method", "path");

    /** The figure's unit. */
    enum Unit {
        /** Deltas per second (the {@code deltas} secondary result, or merges/s times the {@code deltas} param). */
        DELTAS_PER_S("deltas/s"),
        /** Operations per second (the primary result, for counts). */
        OPS_PER_S("ops/s");

        final String label;

        Unit(String label) {
            this.label = label;
        }
    }

    /**
     * One benchmark run.
     *
     * @param benchmark the simple class name ({@code RecordBenchmark})
     * @param impl the {@code impl} param
     * @param params the other params, in declaration order
     * @param median the median figure in {@code unit}
     * @param min the lowest iteration figure
     * @param max the highest iteration figure
     * @param unit the unit
     */
    record Row(
            String benchmark,
            String impl,
            Map<String, String> params,
            double median,
            double min,
            double max,
            Unit unit) {
        /** Returns the params as {@code k=v, k=v}. */
        String paramText() {
            StringBuilder sb = new StringBuilder();
            params.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ", ")
                    .append(k)
                    .append('=')
                    .append(v));
            return sb.toString();
        }
    }

    final List<Row> rows = new ArrayList<>();
    final String jdk;
    final String settings;

    private JmhResults(List<Row> rows, String jdk, String settings) {
        this.rows.addAll(rows);
        this.jdk = jdk;
        this.settings = settings;
    }

    /** Reads a JMH JSON file. */
    static JmhResults read(Path file) throws IOException {
        List<?> runs = (List<?>) MiniJson.parse(Files.readString(file));
        List<Row> rows = new ArrayList<>();
        String jdk = "unknown";
        StringBuilder settings = new StringBuilder();
        for (Object o : runs) {
            Map<?, ?> run = (Map<?, ?>) o;
            String name = (String) run.get("benchmark");
            String[] parts = name.split("\\.");
            String benchmark = parts[parts.length - 2];
            jdk = "JDK " + run.get("jdkVersion") + ", " + run.get("vmName") + " " + run.get("vmVersion");
            String setting = benchmark + ": forks " + run.get("forks") + ", warmup " + run.get("warmupIterations")
                    + " × " + run.get("warmupTime") + ", measurement " + run.get("measurementIterations") + " × "
                    + run.get("measurementTime") + ", JVM args " + run.get("jvmArgs");
            if (settings.indexOf(setting) < 0) {
                settings.append("- ").append(setting).append('\n');
            }
            Map<String, String> params = new LinkedHashMap<>();
            Map<?, ?> p = run.get("params") == null ? Map.of() : (Map<?, ?>) run.get("params");
            p.forEach((k, v) -> params.put((String) k, String.valueOf(v)));
            // The variants compared: the impl param, or what a benchmark calls it (ViewRefresh: method, Apply:
            // path); without one, the benchmark method (SyncRecordBenchmark).
            String impl = parts[parts.length - 1];
            for (String variant : IMPL_PARAMS) {
                if (params.containsKey(variant)) {
                    impl = params.remove(variant);
                    break;
                }
            }
            Map<?, ?> primary = (Map<?, ?>) run.get("primaryMetric");
            Map<?, ?> secondary = (Map<?, ?>) run.get("secondaryMetrics");
            Map<?, ?> metric = primary;
            double factor = 1;
            Unit unit = Unit.OPS_PER_S;
            if (secondary != null && secondary.get("deltas") != null) {
                metric = (Map<?, ?>) secondary.get("deltas");
                unit = Unit.DELTAS_PER_S;
            } else if (params.containsKey("deltas")) {
                factor = Double.parseDouble(params.get("deltas"));
                unit = Unit.DELTAS_PER_S;
            }
            if ("ss".equals(run.get("mode")) && params.containsKey("viewChanges")) {
                // Single-shot times (ms/op) of one operation over viewChanges rows, turned into rows per second,
                // so that higher is better here too and a ratio of two is the speed-up.
                double[] raw = rawData(primary);
                double changed = Double.parseDouble(params.get("viewChanges"));
                double median = number(((Map<?, ?>) primary.get("scorePercentiles")).get("50.0"));
                rows.add(new Row(
                        benchmark,
                        impl,
                        params,
                        changed * 1000 / median,
                        changed * 1000 / raw[1],
                        changed * 1000 / raw[0],
                        Unit.DELTAS_PER_S));
                continue;
            }
            double[] raw = rawData(metric);
            double median = number(((Map<?, ?>) metric.get("scorePercentiles")).get("50.0")) * factor;
            rows.add(new Row(benchmark, impl, params, median, raw[0] * factor, raw[1] * factor, unit));
        }
        return new JmhResults(rows, jdk, settings.toString());
    }

    private static double[] rawData(Map<?, ?> metric) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (Object fork : (List<?>) metric.get("rawData")) {
            for (Object v : (List<?>) fork) {
                min = Math.min(min, number(v));
                max = Math.max(max, number(v));
            }
        }
        return new double[] {min, max};
    }

    private static double number(Object v) {
        return v instanceof Number n ? n.doubleValue() : Double.parseDouble(String.valueOf(v));
    }

    /** Returns a benchmark's rows. */
    List<Row> of(String benchmark) {
        return rows.stream().filter(r -> r.benchmark.equals(benchmark)).toList();
    }

    /**
     * Returns the median of one run, or NaN if it is not in the file.
     *
     * @param benchmark the class name
     * @param impl the implementation
     * @param params params that must match (others are free; the first match wins)
     */
    double median(String benchmark, String impl, Map<String, String> params) {
        for (Row r : rows) {
            if (r.benchmark.equals(benchmark) && r.impl.equals(impl) && matches(r.params, params)) {
                return r.median;
            }
        }
        return Double.NaN;
    }

    private static boolean matches(Map<String, String> have, Map<String, String> want) {
        for (Map.Entry<String, String> e : want.entrySet()) {
            if (!e.getValue().equals(have.get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }
}
