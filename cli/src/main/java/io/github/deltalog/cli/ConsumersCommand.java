package io.github.deltalog.cli;

import io.github.deltalog.Consumer;
import io.github.deltalog.DeltaLog;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code deltalog consumers FILE}, {@code consumers drop FILE NAME}, {@code consumers reset FILE NAME}. */
@Command(
        name = "consumers",
        mixinStandardHelpOptions = true,
        subcommands = {ConsumersCommand.Drop.class, ConsumersCommand.Reset.class},
        description = {
            "Lists a log's consumers, or drops or resets one.",
            "A consumer is a named reader position (a view, a sync peer, an export): retention keeps every delta a"
                    + " consumer has not read, so a consumer that no longer reads holds back every purge until it is"
                    + " dropped.",
            "For each consumer: its position and that commit's time, its lag in deltas (how many it has not read),"
                    + " and when it last advanced. Opens the file read-only."
        })
final class ConsumersCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "FILE", description = "the log file")
    Path file;

    @Option(
            names = "--key-file",
            paramLabel = "KEYFILE",
            description = "a file whose first line is the password of an encrypted log")
    Path keyFile;

    /** Prints one line per consumer. */
    @Override
    public Integer call() {
        if (file == null) {
            throw new CliException(
                    Main.EXIT_ERROR, "missing FILE: deltalog consumers FILE (see 'deltalog consumers --help')");
        }
        try (DeltaLog log = LogFiles.open(file, keyFile, true)) {
            PrintWriter out = spec.commandLine().getOut();
            List<String> names = log.consumers();
            out.printf("%s: %s%n", file, names.size() == 1 ? "1 consumer" : names.size() + " consumers");
            for (String name : names) {
                Consumer c = log.findConsumer(name).orElseThrow();
                String lag = c.isStale()
                        ? "STALE (deltas it had not read were purged; reset it after a full refresh)"
                        : Format.count(c.lag()) + (c.lag() == 1 ? " delta behind" : " deltas behind");
                String advanced = c.lastAdvanced().map(Instant::toString).orElse("unknown");
                out.printf(
                        "  %s%n    position      %s%n    lag           %s%n    last advance  %s%n",
                        PrintableNames.printable(name), Timestamps.format(c.position()), lag, advanced);
            }
        }
        return Main.EXIT_OK;
    }

    /** {@code consumers drop FILE NAME}. */
    @Command(
            name = "drop",
            mixinStandardHelpOptions = true,
            description = {
                "Removes a consumer: retention stops waiting for it.",
                "Whatever read through it (a view, an export) must start again from scratch if it comes back."
            })
    static final class Drop extends FileCommand {
        @Parameters(index = "1", paramLabel = "NAME", description = "the consumer")
        String name;

        /** Drops the consumer, or fails if there is none of that name. */
        @Override
        public Integer call() {
            try (DeltaLog log = open(false)) {
                Consumer c = existing(log, name, file);
                long lag = c.isStale() ? -1 : c.lag();
                long position = c.position();
                log.dropConsumer(name);
                out().printf(
                                "dropped consumer %s of %s (it was at %s%s)%n",
                                PrintableNames.printable(name),
                                file,
                                Timestamps.format(position),
                                lag < 0 ? ", stale" : ", " + Format.count(lag) + " deltas behind");
            }
            return Main.EXIT_OK;
        }
    }

    /** {@code consumers reset FILE NAME}. */
    @Command(
            name = "reset",
            mixinStandardHelpOptions = true,
            description = {
                "Moves a consumer to the last commit and clears its staleness.",
                "It skips every delta it had not read: do it after rebuilding what the consumer feeds from the base"
                        + " data."
            })
    static final class Reset extends FileCommand {
        @Parameters(index = "1", paramLabel = "NAME", description = "the consumer")
        String name;

        /** Resets the consumer, or fails if there is none of that name. */
        @Override
        public Integer call() {
            try (DeltaLog log = open(false)) {
                Consumer c = existing(log, name, file);
                long from = c.position();
                long to = c.reset();
                out().printf(
                                "reset consumer %s of %s from %s to %s%n",
                                PrintableNames.printable(name), file, Timestamps.format(from), Timestamps.format(to));
            }
            return Main.EXIT_OK;
        }
    }

    private static Consumer existing(DeltaLog log, String name, Path file) {
        return log.findConsumer(name).orElseThrow(() -> {
            List<String> names = log.consumers();
            return new CliException(
                    Main.EXIT_ERROR,
                    "no consumer " + PrintableNames.printable(name) + " in " + file
                            + (names.isEmpty()
                                    ? " (it has no consumers)"
                                    : "; its consumers: " + PrintableNames.list(names)));
        });
    }
}
