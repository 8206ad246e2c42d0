package io.github.deltalog.cli;

import io.github.deltalog.CorruptLogException;
import io.github.deltalog.DamagedPageException;
import io.github.deltalog.DeltaCursor;
import io.github.deltalog.DeltaLog;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code deltalog verify FILE}: reads and checks every delta, read-only. */
@Command(
        name = "verify",
        mixinStandardHelpOptions = true,
        description = {
            "Reads and checks every delta; exit code 1 if anything is corrupt.",
            "Checks every retained delta of every tracked table (checksum, format, structure), reports each corrupt"
                    + " one with its table, row and commit timestamp, and goes on past it.",
            "Reports each damaged page of the file with the deltas it hides, and goes on past it.",
            "Also checks that each table's counted and walked deltas agree, and that every consumer is readable.",
            "A file that is corrupt as a whole (older than its journal, not readable) also exits with code 1.",
            "Opens the file read-only, unless --salvage is given and needed."
        })
final class VerifyCommand extends FileCommand {
    @Option(
            names = "--salvage",
            description = "if the store is older than its journal (cut short, an older copy put back), open it as it"
                    + " is instead: the journal files are moved aside (never deleted), what only they held is"
                    + " dropped, and a new checkpoint is written; then verify as usual. If no version of the store"
                    + " opens at all, copy every delta its readable pages (and its journal) still hold into a new"
                    + " log FILE.salvaged beside it, leaving the original files as they are, and report per table"
                    + " what was recovered")
    boolean salvage;

    /** Whether MVStore itself could not read the store (rather than the log refusing a journal that does not fit). */
    private static boolean storeUnreadable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof org.h2.mvstore.MVStoreException) {
                return true;
            }
        }
        return false;
    }

    /** Walks and checks every delta; returns 1 if any is corrupt. */
    @Override
    public Integer call() {
        long corrupt = 0;
        long total = 0;
        DeltaLog opened;
        try {
            opened = open(true);
        } catch (CliException e) {
            if (!(e.getCause() instanceof CorruptLogException)) {
                throw e;
            }
            out().println("corrupt: " + Errors.oneLine(e.getCause().getMessage()));
            if (!salvage) {
                out().printf(
                                "verified nothing of %s: it cannot be opened as it is (--salvage opens what the store holds)%n",
                                file);
                return Main.EXIT_CHECK_FAILED;
            }
            char[] key = keyFile == null ? null : LogFiles.readKey(keyFile);
            try {
                // No version of the store opens as the log (not even an empty store where its headers were): copy
                // what its pages still hold into a new log beside it, never write to it.
                if (storeUnreadable(e.getCause()) || !StoreCheck.opensAsLog(file, key)) {
                    SalvageCopy.copy(file, key, out());
                    return Main.EXIT_CHECK_FAILED;
                }
            } finally {
                if (key != null) {
                    java.util.Arrays.fill(key, '\0');
                }
            }
            opened = LogFiles.open(file, keyFile, false, true);
            out().printf(
                            "salvaged %s: opened the store as it is (last commit %d); the store as it was is copied and the"
                                    + " journal files moved aside beside it (*.salvaged-*), and a new checkpoint"
                                    + " was written%n",
                            file, opened.lastCommitted());
        }
        try (DeltaLog log = opened) {
            PrintWriter out = out();
            long from = LogFiles.start(log);
            List<String> tables = log.tables();
            SlowProgress progress = SlowProgress.steps(spec.commandLine().getErr(), "verifying", log.countAll());
            for (String table : tables) {
                long counted = log.count(table, from);
                long walked = 0;
                long hidden = 0;
                long uncounted = 0; // damaged pages whose number of deltas cannot be known
                long bad = 0;
                boolean broken = false;
                try (DeltaCursor c = log.changesAfter(table, from)) {
                    while (true) {
                        boolean more;
                        try {
                            more = c.hasNext(); // reads the next page, where a damaged page shows
                        } catch (DamagedPageException e) {
                            hidden += e.isSkippedKnown() ? e.skippedDeltas() : 0;
                            uncounted += e.isSkippedKnown() ? 0 : 1;
                            bad++;
                            out.println("corrupt: " + Errors.oneLine(e.getMessage()));
                            continue; // the cursor goes on after the damaged page
                        }
                        if (!more) {
                            break;
                        }
                        walked++;
                        progress.update(total + walked);
                        try {
                            c.next(); // decodes and checks; on failure the cursor is already past the entry
                        } catch (DamagedPageException e) {
                            walked--; // hasNext() saw the damage, not a delta
                            hidden += e.isSkippedKnown() ? e.skippedDeltas() : 0;
                            uncounted += e.isSkippedKnown() ? 0 : 1;
                            bad++;
                            out.println("corrupt: " + Errors.oneLine(e.getMessage()));
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
                if (!broken && uncounted == 0 && walked + hidden != counted) {
                    bad++;
                    out.printf("corrupt: table '%s' counts %d deltas but %d could be walked%n", table, counted, walked);
                }
                if (uncounted > 0) {
                    out.printf(
                            "table %-14s %d deltas, %d corrupt, at least %d unreadable in damaged pages (%d of them"
                                    + " hide an unknown number: the damage reached the file's counts)%n",
                            "'" + table + "'", walked, bad, hidden + uncounted, uncounted);
                } else if (hidden > 0) {
                    out.printf(
                            "table %-14s %d deltas, %d corrupt, %d unreadable in damaged pages%n",
                            "'" + table + "'", walked, bad, hidden);
                } else {
                    out.printf("table %-14s %d deltas, %d corrupt%n", "'" + table + "'", walked, bad);
                }
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
