package io.github.deltalog.cli;

import io.github.deltalog.Column;
import io.github.deltalog.Consumer;
import io.github.deltalog.DeltaCursor;
import io.github.deltalog.DeltaLog;
import io.github.deltalog.DeltaLogException;
import io.github.deltalog.LogStats;
import io.github.deltalog.TableSchema;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code deltalog stats FILE}: what a log holds, read-only. */
@Command(
        name = "stats",
        mixinStandardHelpOptions = true,
        description = {
            "Shows what a log holds.",
            "Its tables and their delta counts, the time range of the retained deltas, the consumers and how far"
                    + " behind each is, the low-water mark and the file size. Opens the file read-only."
        })
final class StatsCommand extends FileCommand {
    @Option(names = "--json", description = "print the figures as one JSON object")
    boolean json;

    /** A schema version's columns as {@code id LONG key, name STRING null, ...}. */
    static String columnsOf(TableSchema v) {
        StringBuilder sb = new StringBuilder();
        for (Column c : v.columns()) {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append(c.name()).append(' ').append(c.type());
            if (v.key().contains(c.name())) {
                sb.append(" key");
            }
            if (c.nullable()) {
                sb.append(" null");
            }
        }
        return sb.toString();
    }

    /** Prints the log's figures. */
    @Override
    public Integer call() {
        try (DeltaLog log = open(true)) {
            PrintWriter out = out();
            if (json) {
                out.println(StatsJson.of(log, file));
                return Main.EXIT_OK;
            }
            LogStats stats = log.stats();
            long from = LogFiles.start(log);
            List<String> tables = log.tables();
            out.printf("file            %s%n", file);
            out.printf("size            %s%n", Format.bytes(stats.fileSizeBytes()));
            out.printf("tables          %d%n", tables.size());
            long first = Long.MAX_VALUE;
            // Names longer than the usual column (the capture's bookkeeping tables) keep a space before the count.
            int width = 14;
            for (String table : tables) {
                width = Math.max(width, Format.printable(table).length() + 1);
            }
            String tableRow = "  %-" + width + "s%d deltas%s%s%n";
            for (String table : tables) {
                long n = log.count(table, from);
                long t = firstTimestamp(log, table, from);
                first = Math.min(first, t);
                out.printf(
                        tableRow,
                        Format.printable(table),
                        n,
                        t == Long.MAX_VALUE ? "" : ", first at " + Timestamps.format(t),
                        log.isTracked(table) ? "" : " (untracked)");
                for (TableSchema v : log.schemaHistory(table)) {
                    out.printf(
                            "    v%-3d since %s: %s%n",
                            v.version(), Timestamps.format(v.since()), Format.printable(columnsOf(v)));
                }
            }
            out.printf("deltas          %d%n", stats.deltas());
            if (first == Long.MAX_VALUE) {
                out.printf("time range      (no deltas)%n");
            } else {
                out.printf(
                        "time range      %s .. %s%n", Timestamps.format(first), Timestamps.format(log.lastCommitted()));
            }
            out.printf("last committed  %s%n", Timestamps.format(log.lastCommitted()));
            out.printf(
                    "low-water mark  %s%n",
                    stats.oldestRetained() == 0 ? "0 (nothing purged)" : Timestamps.format(stats.oldestRetained()));
            List<String> consumers = log.consumers();
            out.printf("consumers       %d%n", consumers.size());
            for (String name : consumers) {
                Consumer c = log.findConsumer(name).orElseThrow();
                String behind = c.isStale() ? "STALE: deltas it had not read were purged" : c.lag() + " deltas behind";
                out.printf("  %-14s at %s, %s%n", Format.printable(name), Timestamps.format(c.position()), behind);
            }
        }
        return Main.EXIT_OK;
    }

    /** The commit timestamp of a table's oldest retained delta, or Long.MAX_VALUE if it has none. */
    private static long firstTimestamp(DeltaLog log, String table, long from) {
        try (DeltaCursor c = log.changesAfter(table, from)) {
            return c.hasNext() ? c.next().commitTimestamp() : Long.MAX_VALUE;
        } catch (DeltaLogException e) {
            return Long.MAX_VALUE; // a corrupt first delta: 'verify' reports it
        }
    }
}
