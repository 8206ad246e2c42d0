package io.github.deltalog.cli;

import io.github.deltalog.CorruptLogException;
import io.github.deltalog.DeltaCursor;
import io.github.deltalog.DeltaLog;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Command;

/** {@code deltalog verify FILE}: reads and checks every delta, read-only. */
@Command(
        name = "verify",
        mixinStandardHelpOptions = true,
        description = {
            "Reads and checks every delta; exit code 1 if anything is corrupt.",
            "Checks every retained delta of every tracked table (checksum, format, structure), reports each corrupt"
                    + " one with its table, row and commit timestamp, and goes on past it.",
            "Also checks that each table's counted and walked deltas agree, and that every consumer is readable.",
            "Opens the file read-only."
        })
final class VerifyCommand extends FileCommand {

    /** Walks and checks every delta; returns 1 if any is corrupt. */
    @Override
    public Integer call() {
        long corrupt = 0;
        long total = 0;
        try (DeltaLog log = open(true)) {
            PrintWriter out = out();
            long from = LogFiles.start(log);
            List<String> tables = log.tables();
            SlowProgress progress = SlowProgress.steps(spec.commandLine().getErr(), "verifying", log.countAll());
            for (String table : tables) {
                long counted = log.count(table, from);
                long walked = 0;
                long bad = 0;
                boolean broken = false;
                try (DeltaCursor c = log.changesAfter(table, from)) {
                    while (c.hasNext()) {
                        walked++;
                        progress.update(total + walked);
                        try {
                            c.next(); // decodes and checks; on failure the cursor is already past the entry
                        } catch (CorruptLogException e) {
                            bad++;
                            out.println("corrupt: " + Errors.oneLine(e.getMessage()));
                        }
                    }
                } catch (IllegalStateException e) { // MVStore's own checks: chunk checksums, page structure
                    bad++;
                    broken = true;
                    out.printf(
                            "corrupt: table '%s' cannot be read on after %d deltas: %s%n",
                            table, walked, Errors.oneLine(e.getMessage()));
                }
                if (!broken && walked != counted) {
                    bad++;
                    out.printf("corrupt: table '%s' counts %d deltas but %d could be walked%n", table, counted, walked);
                }
                out.printf("table %-14s %d deltas, %d corrupt%n", "'" + table + "'", walked, bad);
                total += walked;
                corrupt += bad;
            }
            progress.close();
            for (String name : log.consumers()) {
                log.findConsumer(name).orElseThrow().position();
            }
            out.printf(
                    "verified %s in %s and %s of %s: %s%n",
                    Format.plural(total, "delta"),
                    Format.plural(tables.size(), "table"),
                    Format.plural(log.consumers().size(), "consumer"),
                    file,
                    corrupt == 0 ? "no corruption" : corrupt + " corrupt");
        }
        return corrupt == 0 ? Main.EXIT_OK : Main.EXIT_CHECK_FAILED;
    }
}
