package io.github.deltalog.cli;

import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code deltalog} command line. Exit codes: 0 success, 1 a check failed (a demo mismatch, corruption found
 * by {@code verify}), 2 a usage error or a file that cannot be used, 3 an export to Kafka failed. Errors are one
 * line on standard error, starting with {@code deltalog:}.
 */
@Command(
        name = "deltalog",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description =
                "Inspect and maintain deltalog files, export them to Kafka, or watch one at work with 'deltalog demo'.",
        subcommands = {
            DemoCommand.class,
            StatsCommand.class,
            DumpCommand.class,
            DiffCommand.class,
            PurgeCommand.class,
            VerifyCommand.class,
            BackupCommand.class,
            ExportKafkaCommand.class,
            CaptureCommand.class,
            ConsumersCommand.class,
            CompactCommand.class,
            CommandLine.HelpCommand.class
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:success",
            "1:a check failed (demo mismatch, corruption found)",
            "2:usage error, or a file that cannot be used",
            "3:an export to Kafka failed"
        })
public final class Main implements Callable<Integer> {
    /** Exit code of a successful run. */
    public static final int EXIT_OK = 0;

    /** Exit code when a check failed: the demo's view did not match, or {@code verify} found corruption. */
    public static final int EXIT_CHECK_FAILED = 1;

    /** Exit code of a usage error, or of a file that is missing, locked, encrypted or unreadable. */
    public static final int EXIT_ERROR = 2;

    /** Exit code when an export to Kafka failed: the broker was unreachable, refused access, or fenced it. */
    public static final int EXIT_EXPORT_FAILED = 3;

    @Spec
    private CommandSpec spec;

    /**
     * Runs the command line and exits the JVM with its exit code.
     *
     * @param args the arguments
     */
    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(
                new BufferedWriter(new OutputStreamWriter(StdoutStream.open(), StandardCharsets.UTF_8)));
        PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        System.exit(run(out, err, args));
    }

    /**
     * Runs the command line in this JVM, writing to the given streams (flushed before it returns).
     *
     * @param out standard output
     * @param err standard error
     * @param args the arguments
     * @return the exit code
     */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(out);
        cl.setErr(err);
        cl.setParameterExceptionHandler((ex, arguments) -> {
            CommandLine c = ex.getCommandLine();
            c.getErr()
                    .println("deltalog: " + Errors.oneLine(ex.getMessage()) + Suggestions.of(ex) + " (see '"
                            + c.getCommandSpec().qualifiedName() + " --help')");
            return EXIT_ERROR;
        });
        cl.setExecutionExceptionHandler((ex, c, parsed) -> {
            c.getErr().println("deltalog: " + Errors.describe(ex));
            return ex instanceof CliException ce ? ce.exitCode() : EXIT_ERROR;
        });
        try {
            return cl.execute(args);
        } finally {
            out.flush();
            err.flush();
        }
    }

    /** Without a subcommand: prints the usage and fails. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return EXIT_ERROR;
    }

    /** The version, from the jar's manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        /** Returns the version line. */
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"deltalog " + (v == null ? "(development build)" : v)};
        }
    }
}
