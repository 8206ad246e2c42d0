package io.github.deltalog.cli;

import io.github.deltalog.DeltaLog;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code deltalog purge FILE}: removes old deltas and reclaims their space. */
@Command(
        name = "purge",
        mixinStandardHelpOptions = true,
        description = {
            "Removes old deltas and reclaims their space.",
            "With --before, removes every delta committed before that timestamp (consumers that had not read that"
                    + " far become stale). Without it, applies the retention policy: removes what every registered"
                    + " consumer has read (nothing if the log has no consumer)."
        })
final class PurgeCommand extends FileCommand {
    @Option(
            names = "--before",
            paramLabel = "TS",
            converter = Timestamps.class,
            description = "the oldest commit timestamp to keep: microseconds since the epoch or an ISO-8601 instant")
    Long before;

    /** Purges and reports how many deltas went and how many are left. */
    @Override
    public Integer call() {
        try (DeltaLog log = open(false)) {
            long removed = before == null ? log.purge() : log.purgeBefore(before);
            out().printf(
                            "purged %d deltas from %s; %d deltas left; low-water mark %s%n",
                            removed, file, log.countAll(), Timestamps.format(log.oldestRetained()));
        }
        return Main.EXIT_OK;
    }
}
