package io.github.deltalog.cli;

import io.github.deltalog.DeltaLog;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code deltalog backup FILE DEST}: a consistent copy of a log. */
@Command(
        name = "backup",
        mixinStandardHelpOptions = true,
        description = {
            "Writes a consistent copy of the log FILE to DEST (and its journal to DEST.journal).",
            "The log must not be open in another process (it is locked); an application backs up a log it has open"
                    + " with DeltaLog.backup(Path). Copying the files of an open log by hand (cp, tar, rsync) is not"
                    + " a backup: a checkpoint between the store file and its journal leaves a copy with a hole,"
                    + " which deltalog refuses to open."
        })
final class BackupCommand extends FileCommand {
    @Parameters(index = "1", paramLabel = "DEST", description = "the backup's file; must not exist")
    Path dest;

    /** Opens the log read-only (nothing in it changes) and copies it. */
    @Override
    public Integer call() {
        try (DeltaLog log = open(true)) {
            log.backup(dest);
            out().printf(
                            "backed up %s to %s: %d deltas, last commit %s%n",
                            file, dest, log.countAll(), Timestamps.format(log.lastCommitted()));
        }
        return Main.EXIT_OK;
    }
}
