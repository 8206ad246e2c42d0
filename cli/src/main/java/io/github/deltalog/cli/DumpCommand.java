package io.github.deltalog.cli;

import io.github.deltalog.ChangeSet;
import io.github.deltalog.Delta;
import io.github.deltalog.DeltaCursor;
import io.github.deltalog.DeltaLog;
import io.github.deltalog.json.DeltaJson;
import io.github.deltalog.json.NamedEnvelope;
import io.github.deltalog.json.TableColumns;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.PriorityQueue;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code deltalog dump FILE}: the deltas as JSON Lines in Debezium's envelope, read-only. */
@Command(
        name = "dump",
        mixinStandardHelpOptions = true,
        description = {
            "Writes deltas as JSON Lines in Debezium's envelope, the form Flink's debezium-json format reads.",
            "One object per line, in commit order: before and after (the row images as objects keyed by column"
                    + " name, or null), source (db, table, rowId, commitTimestamp), op (c, u or d), ts_ms and ts_us."
                    + " Values are plain JSON: numbers, booleans, strings; decimals, dates and times as strings"
                    + " (as numbers with --decimals number, --times micros), bytes as base64 (the README has the table). Tables without a schema have columns c0, c1, ..."
                    + " Opens the file read-only.",
            "Example: deltalog dump app.deltas | jq -c 'select(.op == \"d\")'"
        })
final class DumpCommand extends FileCommand {
    @Option(
            names = "--table",
            paramLabel = "T",
            description =
                    "only this table (repeat for several; default: every table the log knows, tracked or untracked since,"
                            + " except the internal deltalog.* tables)")
    List<String> tables;

    @Option(
            names = "--internal",
            description = "also dump the internal deltalog.* tables (capture's positions and column names) when no"
                    + " --table is given")
    boolean internal;

    @Option(
            names = "--after",
            paramLabel = "TS",
            converter = Timestamps.class,
            description = "only deltas committed after this position: microseconds since the epoch, an ISO-8601"
                    + " instant or a date (midnight UTC); not negative, not beyond the last commit (default:"
                    + " everything retained)")
    Long after;

    @Option(
            names = "--merged",
            description = "collapse each row's changes into their net effect: at most one delta per row")
    boolean merged;

    @Mixin
    LineFormOptions form = new LineFormOptions();

    private String db;
    private DeltaLog source;

    private long written;
    private SlowProgress progress;

    /** Thrown when the reader of standard output closed it: ends the dump quietly. */
    private static final class ReaderGone extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ReaderGone() {
            super(null, null, false, false);
        }
    }

    /** Writes the selected deltas to standard output, one JSON object per line. */
    @Override
    public Integer call() {
        form.check();
        db = String.valueOf(file.getFileName());
        try (DeltaLog log = open(true)) {
            source = log;
            List<String> names = tables == null ? userTables(log) : new ArrayList<>(new LinkedHashSet<>(tables));
            if (after != null && after > log.lastCommitted()) {
                throw new CliException(
                        Main.EXIT_ERROR,
                        "--after " + after + " is beyond the log's last commit "
                                + Timestamps.format(log.lastCommitted())
                                + ": positions are microseconds since the epoch");
            }
            long from = after != null ? after : DeltaLog.FROM_OLDEST;
            PrintWriter out = out();
            StringBuilder line = new StringBuilder(256);
            long total = 0;
            for (String table : names) {
                total += log.count(table, from);
            }
            try (SlowProgress p = SlowProgress.steps(err(), "dumping", total)) {
                progress = p;
                if (merged) {
                    for (Delta d : log.mergedChangesAfter(names, from)) {
                        write(out, line, d);
                    }
                } else {
                    inCommitOrder(log, names, from, out, line);
                }
            }
            out.flush();
            if (out.checkError() && !StdoutStream.closedByReader()) {
                throw new CliException(Main.EXIT_ERROR, "cannot write the output (full disk?)");
            }
        } catch (ReaderGone e) {
            // The reader of the output went away (dump | head): what it wanted was written; end quietly.
            return Main.EXIT_OK;
        }
        return Main.EXIT_OK;
    }

    /**
     * The log's tables, without the bookkeeping tables libraries keep under the {@code deltalog.} prefix (capture's
     * positions and column names: rows a reader of the application's changes does not want) unless asked for.
     */
    private List<String> userTables(DeltaLog log) {
        List<String> names = new ArrayList<>(log.tables());
        if (!internal) {
            names.removeIf(t -> t.startsWith(INTERNAL_PREFIX));
        }
        return names;
    }

    /** The prefix of the tables deltalog's own modules keep in a log. */
    static final String INTERNAL_PREFIX = "deltalog.";

    private void write(PrintWriter out, StringBuilder line, Delta d) {
        line.setLength(0);
        if (form.positional) {
            DeltaJson.appendTo(line, d);
        } else {
            NamedEnvelope.appendValue(line, d, TableColumns.of(source, d), db, form.schema, form.encoding.encoding());
        }
        line.append('\n');
        out.append(line);
        // A PrintWriter swallows write errors; checkError() flushes, so look every 1024 lines: stop at a closed
        // pipe (deltalog dump ... | head) or a full disk instead of reading on.
        if (++written % 1024 == 0 && out.checkError()) {
            if (StdoutStream.closedByReader()) {
                throw new ReaderGone();
            }
            throw new CliException(Main.EXIT_ERROR, "cannot write the output (full disk?)");
        }
        progress.update(written);
    }

    /** Streams the tables' deltas, all at one watermark, merged into commit order. O(log t) per delta. */
    private void inCommitOrder(DeltaLog log, List<String> names, long from, PrintWriter out, StringBuilder line) {
        long watermark = log.lastCommitted();
        List<DeltaCursor> cursors = new ArrayList<>();
        PriorityQueue<Head> heads = new PriorityQueue<>();
        try {
            for (String table : names) {
                DeltaCursor c = log.changesAfter(table, from, watermark);
                cursors.add(c);
                if (c.hasNext()) {
                    heads.add(new Head(c.next(), c));
                }
            }
            while (!heads.isEmpty()) {
                Head h = heads.poll();
                write(out, line, h.delta);
                if (h.cursor.hasNext()) {
                    heads.add(new Head(h.cursor.next(), h.cursor));
                }
            }
        } finally {
            for (DeltaCursor c : cursors) {
                c.close();
            }
        }
    }

    /** The next delta of one table's cursor. */
    private record Head(Delta delta, DeltaCursor cursor) implements Comparable<Head> {
        @Override
        public int compareTo(Head o) {
            return ChangeSet.COMMIT_ORDER.compare(delta, o.delta);
        }
    }
}
