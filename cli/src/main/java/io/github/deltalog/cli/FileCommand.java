package io.github.deltalog.cli;

import io.github.deltalog.DeltaLog;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** A command on one existing log file, with the options every such command has. */
abstract class FileCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "the log file")
    Path file;

    @Option(
            names = "--key-file",
            paramLabel = "KEYFILE",
            description = "a file whose first line is the password of an encrypted log")
    Path keyFile;

    /** Opens the log; failures become one-line errors with exit code 2. */
    DeltaLog open(boolean readOnly) {
        return LogFiles.open(file, keyFile, readOnly);
    }

    /** Returns standard output. */
    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    /** Returns standard error, where progress goes. */
    PrintWriter err() {
        return spec.commandLine().getErr();
    }
}
