package io.github.deltalog.cli;

import io.github.deltalog.DeltaLog;
import io.github.deltalog.PurgeResult;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code deltalog purge FILE}: removes old deltas; their space is reused, or given back with --compact. */
@Command(
        name = "purge",
        mixinStandardHelpOptions = true,
        description = {
            "Removes old deltas; later commits reuse their space (--compact gives it back to the disk).",
            "With --before, removes every delta committed before that timestamp (consumers that had not read that"
                    + " far become stale). Without it, applies the retention policy: removes what every registered"
                    + " consumer has read (nothing if the log has no consumer), and says which consumer holds back"
                    + " the rest.",
            "Prints the file size before and after; 'deltalog compact' shrinks the file further."
        })
final class PurgeCommand extends FileCommand {
    @Option(
            names = "--before",
            paramLabel = "TS",
            converter = Timestamps.class,
            description = "the oldest commit timestamp to keep: microseconds since the epoch, an ISO-8601 instant"
                    + " or a date (midnight UTC)")
    Long before;

    @Option(
            names = "--compact",
            description = "then shrink the file to about its live data, as 'deltalog compact' does (without it the"
                    + " freed space is reused by later commits, and the file keeps its size)")
    boolean compact;

    /** Purges and reports how many deltas went, how many are left, why, and the file size. */
    @Override
    public Integer call() {
        try (DeltaLog log = open(false)) {
            PrintWriter out = out();
            long sizeBefore = log.stats().fileSizeBytes();
            PurgeResult result = null;
            long removed;
            try (SlowProgress ignored = SlowProgress.ticker(err(), "purging " + file)) {
                if (before == null) {
                    result = log.applyRetention();
                    removed = result.removed();
                } else {
                    removed = log.purgeBefore(before);
                }
            }
            if (compact && removed > 0) {
                try (SlowProgress ignored = SlowProgress.ticker(err(), "compacting " + file)) {
                    log.compact();
                }
            }
            long left = log.countAll();
            out.printf(
                    "purged %s from %s; %s left; low-water mark %s%n",
                    deltas(removed), file, deltas(left), Timestamps.format(log.oldestRetained()));
            if (result != null && left > 0) {
                out.println(holdBack(result));
            }
            long sizeAfter = log.stats().fileSizeBytes();
            out.printf(
                    "file size %s -> %s%s%n",
                    Format.bytes(sizeBefore),
                    Format.bytes(sizeAfter),
                    compact || removed == 0
                            ? ""
                            : " (the freed space is reused by new deltas; --compact shrinks the file)");
        }
        return Main.EXIT_OK;
    }

    /** Says why deltas were kept. */
    private static String holdBack(PurgeResult r) {
        if (r.heldBackBy() != null) {
            return "consumer " + PrintableNames.printable(r.heldBackBy()) + " holds back " + deltas(r.heldBack())
                    + " it has not read (see 'deltalog consumers'; drop it if it no longer reads)";
        }
        if (r.consumers() == 0) {
            return "the log has no consumers: the retention policy keeps deltas until a consumer has read them;"
                    + " purge with --before TS to remove them anyway";
        }
        return "every consumer has read everything retained";
    }

    private static String deltas(long n) {
        return Format.count(n) + (n == 1 ? " delta" : " deltas");
    }
}
