package io.github.deltalog.cli;

import io.github.deltalog.Delta;
import io.github.deltalog.DeltaLog;
import io.github.deltalog.json.DeltaJson;
import io.github.deltalog.json.NamedEnvelope;
import io.github.deltalog.json.TableColumns;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code deltalog diff FILE --from T1 --to T2}: the net change between two positions as JSON Lines, read-only. */
@Command(
        name = "diff",
        mixinStandardHelpOptions = true,
        description = {
            "Writes the net change between two positions (time travel) as JSON Lines in Debezium's envelope, like"
                    + " 'dump --merged': at most one line per row, what turned the rows at --from into the rows at --to"
                    + " (deltas committed after --from, up to and including --to). The lines are in dump's form"
                    + " (images as objects keyed by column name, plain values; --schema and --positional as in dump)."
                    + " Opens the file read-only.",
            "Example: deltalog diff app.deltas --from 2026-12-01T00:00:00Z --to 2026-12-02T00:00:00Z"
        })
final class DiffCommand extends FileCommand {
    @Option(
            names = "--from",
            required = true,
            paramLabel = "T1",
            converter = Timestamps.class,
            description = "the earlier position (exclusive): microseconds since the epoch or an ISO-8601 instant")
    long from;

    @Option(
            names = "--to",
            paramLabel = "T2",
            converter = Timestamps.class,
            description = "the later position (inclusive), as --from (default: the last commit)")
    Long to;

    @Option(
            names = "--table",
            paramLabel = "T",
            description = "only this table (repeat for several; default: every table the log knows)")
    List<String> tables;

    @Mixin
    LineFormOptions form = new LineFormOptions();

    /** Writes the net changes to standard output, one JSON object per line, in commit order. */
    @Override
    public Integer call() {
        form.check();
        String db = String.valueOf(file.getFileName());
        try (DeltaLog log = open(true)) {
            List<String> names = tables == null ? log.tables() : new ArrayList<>(new LinkedHashSet<>(tables));
            long upTo = to != null ? to : log.lastCommitted();
            if (from > upTo) {
                throw new CliException(Main.EXIT_ERROR, "--from " + from + " is after --to " + upTo);
            }
            PrintWriter out = out();
            StringBuilder line = new StringBuilder(256);
            for (Delta d : log.diff(names, from, upTo)) {
                line.setLength(0);
                if (form.positional) {
                    DeltaJson.appendTo(line, d);
                } else {
                    NamedEnvelope.appendValue(
                            line, d, TableColumns.of(log, d), db, form.schema, form.encoding.encoding());
                }
                out.append(line).append('\n');
            }
            if (out.checkError()) {
                throw new CliException(Main.EXIT_ERROR, "cannot write the output (closed pipe or full disk)");
            }
        }
        return Main.EXIT_OK;
    }
}
