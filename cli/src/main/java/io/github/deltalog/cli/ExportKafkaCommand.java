package io.github.deltalog.cli;

import io.github.deltalog.DeltaLog;
import io.github.deltalog.kafka.ExportStats;
import io.github.deltalog.kafka.KafkaExportException;
import io.github.deltalog.kafka.KafkaExporter;
import io.github.deltalog.kafka.KafkaExporterBuilder;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code deltalog export-kafka FILE --bootstrap HOST:PORT}: publishes a log's deltas to Kafka exactly once with a
 * {@link KafkaExporter}, either what is there ({@code --once}) or continuously until Ctrl-C or SIGTERM, with a
 * progress line on standard error and a summary on standard output.
 */
@Command(
        name = "export-kafka",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Publishes a log's deltas to Kafka, exactly once.",
            "One topic per table (<prefix>.<table>), records in Debezium's envelope, a tombstone after each delete;"
                    + " each batch is one Kafka transaction that also records the export's position, and the log's"
                    + " consumer (--consumer) advances only after Kafka committed it, so a crash or a restart"
                    + " publishes nothing twice and loses nothing. Opens the file read-write (the consumer's"
                    + " position moves) and exclusively.",
            "With --once, exports what the log holds and exits. Otherwise exports what it holds, then keeps"
                    + " running (retrying through broker outages) until Ctrl-C or SIGTERM, then finishes the batch"
                    + " under way and closes cleanly. The file stays locked while the command runs, so no application"
                    + " can commit to it meanwhile: an application exports its own commits as they happen with"
                    + " KafkaExporter.start(). Progress goes to standard error about once a second, the summary to"
                    + " standard output."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:success",
            "2:usage error, or a file that cannot be used",
            "3:the export failed (broker unreachable, access refused, fenced by another exporter)"
        })
final class ExportKafkaCommand extends FileCommand {
    @Option(
            names = "--bootstrap",
            required = true,
            paramLabel = "HOST:PORT[,...]",
            description = "the Kafka brokers to connect to (bootstrap.servers)")
    String bootstrap;

    @Option(
            names = "--consumer",
            paramLabel = "NAME",
            description = "the log's consumer whose position says what was exported (default: ${DEFAULT-VALUE})")
    String consumer = KafkaExporterBuilder.DEFAULT_CONSUMER;

    @Option(
            names = "--topic-prefix",
            paramLabel = "P",
            description = "the first part of every topic name (default: ${DEFAULT-VALUE})")
    String topicPrefix = KafkaExporterBuilder.DEFAULT_PREFIX;

    @Option(
            names = "--log-name",
            paramLabel = "NAME",
            description = "the log's name in the records' source.name, the position key and the transactional id;"
                    + " unique per Kafka cluster (default: the file's name without its extension)")
    String logName;

    @Option(
            names = "--no-schema",
            description = "leave Kafka Connect's schema block out of the records (read them with schemas.enable=false,"
                    + " Flink's debezium-json without schema-include)")
    boolean noSchema;

    @Mixin
    EncodingOptions encoding = new EncodingOptions();

    @Option(
            names = "--table",
            paramLabel = "TABLE",
            description = "a table to export; repeat for several (default: every tracked table)")
    List<String> tables;

    @Option(
            names = "--batch-size",
            paramLabel = "N",
            description = "deltas at which a Kafka transaction is cut; a deltalog transaction is never split"
                    + " (default: ${DEFAULT-VALUE})")
    int batchSize = 10_000;

    @Option(
            names = "--linger",
            paramLabel = "D",
            converter = Durations.class,
            description = "how long a commit waits for more to fill a batch, e.g. 100ms (default: 100ms)")
    Duration linger = Duration.ofMillis(100);

    @Option(
            names = "--timeout",
            paramLabel = "D",
            converter = Durations.class,
            description = "how long a Kafka call may take before the broker counts as unreachable (default: 10s)")
    Duration timeout = Duration.ofSeconds(10);

    @Option(
            names = "--from-now",
            description = "a consumer that does not exist yet starts at the last commit: only later commits are"
                    + " exported (default: everything the log retains)")
    boolean fromNow;

    @Option(
            names = "--replication-factor",
            paramLabel = "N",
            description = "replication factor of the topics the export creates (default: ${DEFAULT-VALUE})")
    int replicationFactor = 1;

    @Option(
            names = "--partitions",
            paramLabel = "N",
            description = "partitions of the table topics the export creates (default: ${DEFAULT-VALUE})")
    int partitions = 1;

    @Option(
            names = "--kafka-property",
            paramLabel = "KEY=VALUE",
            description = "a Kafka client setting for every client, e.g. security.protocol=SSL; repeatable")
    Map<String, String> kafkaProperties = new LinkedHashMap<>();

    @Option(names = "--once", description = "export what the log holds now, then exit")
    boolean once;

    /** Counted down once the exporter and the log are closed; the shutdown hook waits for it. */
    private final CountDownLatch closed = new CountDownLatch(1);

    /** Exports; returns 0, or fails with a one-line message (exit code 3 when Kafka failed). */
    @Override
    public Integer call() {
        checkOptions();
        PrintWriter out = out();
        PrintWriter err = spec.commandLine().getErr();
        Thread hook = null;
        try (DeltaLog log = open(false)) {
            KafkaExporter exporter;
            try {
                exporter = builder(log).build();
            } catch (IllegalArgumentException e) {
                throw new CliException(Main.EXIT_ERROR, Errors.oneLine(e.getMessage()), e);
            }
            try (exporter) {
                ProgressLine progress = new ProgressLine(err, System.console() != null, exporter);
                long t0 = System.nanoTime();
                if (once) {
                    runOnce(exporter, progress);
                } else {
                    Object wake = new Object();
                    boolean[] stop = {false};
                    hook = shutdownHook(wake, stop);
                    runUntilStopped(exporter, progress, err, wake, stop);
                }
                progress.end();
                exporter.close();
                summary(out, exporter, System.nanoTime() - t0);
            }
        } finally {
            out.flush();
            err.flush();
            // Only now is the consumer's last position on disk: the hook may let the JVM end.
            closed.countDown();
            if (hook != null) {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // The hook is running: it returns now that closed is counted down.
                }
            }
        }
        return Main.EXIT_OK;
    }

    /**
     * Registers the hook that Ctrl-C and SIGTERM run: it asks the export to stop and waits until the exporter and
     * the log are closed (bounded), so that the process ends with the consumer's position saved and no Kafka
     * transaction half done.
     */
    private Thread shutdownHook(Object wake, boolean[] stop) {
        Thread hook = new Thread(
                () -> {
                    synchronized (wake) {
                        stop[0] = true;
                        wake.notifyAll();
                    }
                    try {
                        closed.await(2 * timeout.toMillis() + 10_000, TimeUnit.MILLISECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                },
                "deltalog-export-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        return hook;
    }

    private KafkaExporterBuilder builder(DeltaLog log) {
        KafkaExporterBuilder b = KafkaExporter.builder(log)
                .bootstrapServers(bootstrap)
                .logName(logName != null ? logName : defaultLogName(file))
                .consumer(consumer)
                .topicPrefix(topicPrefix)
                .batchSize(batchSize)
                .linger(linger)
                .timeout(timeout)
                .exportExisting(!fromNow)
                .replicationFactor(replicationFactor)
                .partitions(partitions)
                .schemaBlock(!noSchema)
                .valueEncoding(encoding.encoding());
        if (tables != null) {
            b.tables(tables);
        }
        kafkaProperties.forEach(b::clientProperty);
        return b;
    }

    /** Exports what is there in this thread; a daemon thread prints the progress meanwhile. */
    private void runOnce(KafkaExporter exporter, ProgressLine progress) {
        Thread ticker = new Thread(
                () -> {
                    try {
                        while (!Thread.currentThread().isInterrupted()) {
                            Thread.sleep(1000);
                            progress.print();
                        }
                    } catch (InterruptedException e) {
                        // exportAvailable returned: the summary follows
                    }
                },
                "deltalog-export-progress");
        ticker.setDaemon(true);
        ticker.start();
        try {
            exporter.exportAvailable();
        } catch (KafkaExportException e) {
            throw exportFailed(e);
        } finally {
            ticker.interrupt();
            joinQuietly(ticker);
        }
    }

    /**
     * Exports what is there first (so that an unreachable broker fails the command at once), then runs the
     * background loop until the shutdown hook sets {@code stop}, printing the progress about once a second.
     */
    private void runUntilStopped(
            KafkaExporter exporter, ProgressLine progress, PrintWriter err, Object wake, boolean[] stop) {
        try {
            exporter.exportAvailable();
        } catch (KafkaExportException e) {
            throw exportFailed(e);
        }
        exporter.start();
        KafkaExportException reported = null;
        while (true) {
            synchronized (wake) {
                if (!stop[0]) {
                    try {
                        wake.wait(1000);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
                if (stop[0]) {
                    return;
                }
            }
            ExportStats s = progress.print();
            if (s.state() == KafkaExporter.State.FAILED) {
                progress.end();
                throw exportFailed(s.lastError());
            }
            KafkaExportException e = s.lastError();
            if (e != null && e != reported) {
                // The loop retries on its own; say why it is stuck, once per failure.
                progress.end();
                err.println("deltalog: warning: " + Errors.oneLine(e.getMessage()));
                err.flush();
            }
            reported = e;
        }
    }

    private void summary(PrintWriter out, KafkaExporter exporter, long nanos) {
        ExportStats s = exporter.stats();
        double seconds = Math.max(1e-9, nanos / 1e9);
        out.printf(
                Locale.ROOT,
                "exported %,d deltas in %,d Kafka transaction%s to %s (topics %s.*) in %s, %,.0f deltas/s%n",
                s.exportedDeltas(),
                s.batches(),
                s.batches() == 1 ? "" : "s",
                exporter.bootstrapServers(),
                exporter.topicNames().prefix(),
                Format.duration(nanos),
                s.exportedDeltas() / seconds);
        out.printf(
                Locale.ROOT,
                "consumer '%s' of log '%s' at %s, %s deltas behind%n",
                exporter.consumerName(),
                exporter.logName(),
                Timestamps.format(s.position()),
                s.lag() < 0 ? "?" : Format.count(s.lag()));
        out.flush();
    }

    /** The export failed: one line naming the brokers (the exporter's message does), exit code 3. */
    private static CliException exportFailed(KafkaExportException e) {
        String message = Errors.oneLine(e.getMessage());
        // This command does not retry by itself: say how to.
        message = message.replace(" and a later export retries from there", "; run the command again to retry");
        return new CliException(Main.EXIT_EXPORT_FAILED, message, e);
    }

    private void checkOptions() {
        if (batchSize < 1) {
            throw new ParameterException(spec.commandLine(), "--batch-size must be at least 1, was " + batchSize);
        }
        if (timeout.toMillis() < 100) {
            throw new ParameterException(spec.commandLine(), "--timeout must be at least 100ms");
        }
        if (partitions < 1 || replicationFactor < 1) {
            throw new ParameterException(
                    spec.commandLine(), "--partitions and --replication-factor must be at least 1");
        }
    }

    /** The file's name up to its last dot: {@code shop.deltas} exports as log {@code shop}. */
    static String defaultLogName(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }

    private static void joinQuietly(Thread t) {
        try {
            t.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The progress line: exported deltas, the rate over the last interval, the lag and the batches. Redrawn in place
     * with {@code \r} on a console, one line per call otherwise. Thread-safe.
     */
    static final class ProgressLine {
        private final PrintWriter err;
        private final boolean console;
        private final KafkaExporter exporter;
        private long lastCount;
        private long lastNanos = System.nanoTime();
        private boolean open;

        ProgressLine(PrintWriter err, boolean console, KafkaExporter exporter) {
            this.err = err;
            this.console = console;
            this.exporter = exporter;
        }

        /** Prints the figures now and returns them. */
        synchronized ExportStats print() {
            ExportStats s = exporter.stats();
            long now = System.nanoTime();
            double rate = (s.exportedDeltas() - lastCount) / Math.max(1e-9, (now - lastNanos) / 1e9);
            lastCount = s.exportedDeltas();
            lastNanos = now;
            String line = String.format(
                    Locale.ROOT,
                    "export-kafka: %,d deltas exported, %,.0f deltas/s, lag %s deltas, %,d batches%s",
                    s.exportedDeltas(),
                    rate,
                    s.lag() < 0 ? "?" : Format.count(s.lag()),
                    s.batches(),
                    s.lastError() == null ? "" : ", retrying");
            if (console) {
                err.print("\r" + line + "\033[K");
                open = true;
            } else {
                err.println(line);
            }
            err.flush();
            return s;
        }

        /** Ends a line redrawn in place, so that what follows starts on its own line. */
        synchronized void end() {
            if (open) {
                err.println();
                err.flush();
                open = false;
            }
        }
    }
}
