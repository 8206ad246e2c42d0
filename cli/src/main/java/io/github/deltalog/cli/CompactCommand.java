package io.github.deltalog.cli;

import io.github.deltalog.DeltaLog;
import picocli.CommandLine.Command;

/** {@code deltalog compact FILE}: shrinks the file to about its live data. */
@Command(
        name = "compact",
        mixinStandardHelpOptions = true,
        description = {
            "Shrinks a log file to about the size of its live data.",
            "Purges free the space of the deltas they remove for later commits, but the file keeps its size;"
                    + " compact moves the live data to the start of the file and truncates it. Safe to interrupt:"
                    + " a crash during compaction loses nothing. Prints the size before and after."
        })
final class CompactCommand extends FileCommand {

    /** Compacts and prints the sizes. */
    @Override
    public Integer call() {
        try (DeltaLog log = open(false)) {
            long before = log.stats().fileSizeBytes();
            long after;
            try (SlowProgress ignored = SlowProgress.ticker(err(), "compacting " + file)) {
                after = log.compact();
            }
            out().printf(
                            "compacted %s: %s -> %s (%s)%n",
                            file,
                            Format.bytes(before),
                            Format.bytes(after),
                            before == 0 ? "empty" : Math.round(100.0 * (before - after) / before) + "% smaller");
        }
        return Main.EXIT_OK;
    }
}
