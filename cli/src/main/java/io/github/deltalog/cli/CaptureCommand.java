package io.github.deltalog.cli;

import io.github.deltalog.DeltaLog;
import io.github.deltalog.jdbc.Capture;
import io.github.deltalog.jdbc.CaptureException;
import io.github.deltalog.jdbc.CapturedTableChangedException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code deltalog capture install|uninstall|relay --jdbc URL [--table T]... FILE}: change capture from an H2 or
 * SQLite database into a log file, with {@link Capture}.
 */
@Command(
        name = "capture",
        mixinStandardHelpOptions = true,
        description = {
            "Captures the changes of H2 or SQLite tables into a log, exactly once.",
            "install puts triggers and an outbox table into the database; the application's transactions then"
                    + " record their changes there as they commit (SQLite writers must enlist their connections with"
                    + " Capture.enlist, H2 needs deltalog-jdbc on its class path). relay moves committed changes into"
                    + " FILE, one log transaction per database transaction; uninstall relays what is left and removes"
                    + " everything from the database."
        },
        subcommands = {CaptureCommand.Install.class, CaptureCommand.Uninstall.class, CaptureCommand.Relay.class})
final class CaptureCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    /** Without a subcommand: the usage. */
    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "name a subcommand: install, uninstall or relay");
    }

    /** The options every capture subcommand has. */
    abstract static class DatabaseCommand extends FileCommand {
        @Option(
                names = "--jdbc",
                required = true,
                paramLabel = "URL",
                description = "the database, e.g. jdbc:h2:/data/app or jdbc:sqlite:/data/app.db (it must exist)")
        String url;

        @Option(
                names = "--jdbc-property",
                paramLabel = "KEY=VALUE",
                description = "a connection property, e.g. user=sa or password=secret; repeatable")
        Map<String, String> properties = new LinkedHashMap<>();

        @Option(
                names = "--name",
                paramLabel = "NAME",
                description = "the capture's name in the log (default: ${DEFAULT-VALUE})")
        String name = "main";

        /** Connects; an H2 or SQLite URL must name an existing database (neither is created by mistake). */
        Connection connect() throws SQLException {
            Properties p = new Properties();
            p.putAll(properties);
            String u = url;
            if (u.startsWith("jdbc:h2:") && !u.toUpperCase(Locale.ROOT).contains("IFEXISTS")) {
                u += ";IFEXISTS=TRUE";
            }
            if (u.startsWith("jdbc:sqlite:")) {
                p.putIfAbsent("open_mode", "2"); // SQLITE_OPEN_READWRITE, without CREATE
                p.putIfAbsent("busy_timeout", "5000");
            }
            return DriverManager.getConnection(u, p);
        }

        Capture capture(DeltaLog log) {
            return Capture.builder(log, this::connect).name(name).build();
        }

        /**
         * Runs the work with a connection and the log (created if missing), turning failures into one-line errors.
         * The database is opened first, so a wrong URL leaves no new log file behind.
         */
        Integer withDatabase(Work work) {
            Connection c;
            try {
                c = connect();
            } catch (SQLException e) {
                throw new CliException(Main.EXIT_ERROR, "cannot open " + url + ": " + describe(e), e);
            }
            try (c) {
                if (!Files.exists(file) && keyFile == null) {
                    DeltaLog.open(file).close();
                }
                try (DeltaLog log = open(false);
                        Capture capture = capture(log)) {
                    return work.run(c, capture, log);
                }
            } catch (CapturedTableChangedException e) {
                throw new CliException(Main.EXIT_EXPORT_FAILED, Errors.oneLine(e.getMessage()), e);
            } catch (CaptureException e) {
                throw new CliException(Main.EXIT_ERROR, Errors.oneLine(e.getMessage()), e);
            } catch (SQLException e) {
                throw new CliException(Main.EXIT_ERROR, url + ": " + describe(e), e);
            }
        }

        private static String describe(SQLException e) {
            String m = Errors.oneLine(e.getMessage());
            String lower = m.toLowerCase(Locale.ROOT);
            if (lower.contains("no suitable driver")) {
                return "no JDBC driver for this URL (the command knows jdbc:h2: and jdbc:sqlite:)";
            }
            if (lower.contains("locked") || lower.contains("already in use") || lower.contains("busy")) {
                return "the database is locked by another process (" + m + ")";
            }
            return m;
        }

        /** The work of one subcommand. */
        interface Work {
            Integer run(Connection c, Capture capture, DeltaLog log) throws SQLException;
        }
    }

    /** {@code capture install}. */
    @Command(
            name = "install",
            mixinStandardHelpOptions = true,
            description = "Installs capture for tables (idempotent; again after a table's columns changed).")
    static final class Install extends DatabaseCommand {
        @Option(
                names = "--table",
                required = true,
                paramLabel = "TABLE",
                description = "a table to capture; repeat for several")
        List<String> tables;

        @Override
        public Integer call() {
            return withDatabase((c, capture, log) -> {
                List<String> names = capture.install(c, tables.toArray(new String[0]));
                PrintWriter out = out();
                out.printf(
                        Locale.ROOT,
                        "capture installed for %s in %s; log tables %s in %s%n",
                        String.join(", ", names),
                        url,
                        names,
                        file);
                out.flush();
                return Main.EXIT_OK;
            });
        }
    }

    /** {@code capture uninstall}. */
    @Command(
            name = "uninstall",
            mixinStandardHelpOptions = true,
            description = "Relays what is left, then removes capture from tables (all if none is named).")
    static final class Uninstall extends DatabaseCommand {
        @Option(names = "--table", paramLabel = "TABLE", description = "a table; repeat for several (default: all)")
        List<String> tables = List.of();

        @Override
        public Integer call() {
            return withDatabase((c, capture, log) -> {
                int moved = capture.uninstall(c, tables.toArray(new String[0]));
                PrintWriter out = out();
                out.printf(
                        Locale.ROOT,
                        "capture uninstalled from %s in %s; %,d transaction%s relayed on the way%n",
                        tables.isEmpty() ? "every table" : String.join(", ", tables),
                        url,
                        moved,
                        moved == 1 ? "" : "s");
                out.flush();
                return Main.EXIT_OK;
            });
        }
    }

    /** {@code capture relay}. */
    @Command(
            name = "relay",
            mixinStandardHelpOptions = true,
            description = {
                "Moves committed captured changes into FILE, one log transaction per database transaction.",
                "With --once, moves what is there and exits; otherwise keeps polling until Ctrl-C or SIGTERM."
                        + " Progress goes to standard error about once a second, the summary to standard output."
            })
    static final class Relay extends DatabaseCommand {
        @Option(names = "--once", description = "move what is there now, then exit")
        boolean once;

        @Option(
                names = "--table",
                paramLabel = "TABLE",
                description = "a table that must be captured (checked before relaying); repeat for several. The relay"
                        + " moves every captured table's changes: a database transaction that wrote several tables"
                        + " stays one log transaction")
        List<String> tables = List.of();

        @Option(
                names = "--poll-interval",
                paramLabel = "D",
                converter = Durations.class,
                description = "how often to look for new changes without --once (default: 200ms)")
        Duration pollInterval = Duration.ofMillis(200);

        private volatile boolean stop;

        @Override
        public Integer call() {
            PrintWriter err = spec.commandLine().getErr();
            AtomicLong transactions = new AtomicLong();
            AtomicLong deltas = new AtomicLong();
            long t0 = System.nanoTime();
            Thread hook = null;
            if (!once) {
                Thread main = Thread.currentThread();
                hook = new Thread(() -> {
                    stop = true;
                    try {
                        main.join(10_000);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
                Runtime.getRuntime().addShutdownHook(hook);
            }
            boolean done = false;
            try {
                withDatabase((c, capture, log) -> {
                    capture.requireCaptured(c, tables.toArray(new String[0]));
                    long[] lastPrint = {System.nanoTime()};
                    do {
                        capture.relayAvailable(c, n -> {
                            transactions.incrementAndGet();
                            deltas.addAndGet(n);
                            long now = System.nanoTime();
                            if (now - lastPrint[0] > 1_000_000_000L) {
                                lastPrint[0] = now;
                                err.printf(
                                        Locale.ROOT,
                                        "relayed %,d transactions, %,d deltas%n",
                                        transactions.get(),
                                        deltas.get());
                                err.flush();
                            }
                        });
                        if (!once && !stop) {
                            try {
                                Thread.sleep(pollInterval.toMillis());
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                                break;
                            }
                        }
                    } while (!once && !stop);
                    return Main.EXIT_OK;
                });
                done = true;
            } finally {
                // After a failure the summary matters only if something was moved: the error line says the rest.
                if (done || transactions.get() > 0) {
                    summary(done ? out() : err, transactions.get(), deltas.get(), System.nanoTime() - t0);
                }
                if (hook != null) {
                    try {
                        Runtime.getRuntime().removeShutdownHook(hook);
                    } catch (IllegalStateException shuttingDown) {
                        // the hook runs and waits for this thread, which ends now
                    }
                }
            }
            return Main.EXIT_OK;
        }

        private void summary(PrintWriter out, long transactions, long deltas, long nanos) {
            // A rate over a few milliseconds says nothing (connecting dominates it): shown from 100 ms on.
            out.printf(
                    Locale.ROOT,
                    "relayed %,d database transaction%s (%,d deltas) from %s into %s in %s%s%n",
                    transactions,
                    transactions == 1 ? "" : "s",
                    deltas,
                    url,
                    file,
                    Format.duration(nanos),
                    nanos < 100_000_000L ? "" : String.format(Locale.ROOT, ", %,.0f deltas/s", deltas / (nanos / 1e9)));
            out.flush();
        }
    }
}
