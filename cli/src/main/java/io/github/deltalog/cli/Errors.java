package io.github.deltalog.cli;

import io.github.deltalog.DeltaLogException;

/** Turns exceptions into the one-line messages the command prints. */
final class Errors {
    private Errors() {}

    /** Describes a failure in one line: the message of an expected failure, the type too for an unexpected one. */
    static String describe(Throwable e) {
        if (e instanceof CliException || e instanceof DeltaLogException || e instanceof IllegalArgumentException) {
            return oneLine(e.getMessage());
        }
        return "unexpected " + e.getClass().getName() + ": " + oneLine(e.getMessage());
    }

    /** Returns the first line of a message, or a placeholder for none. */
    static String oneLine(String message) {
        if (message == null || message.isEmpty()) {
            return "(no message)";
        }
        int nl = message.indexOf('\n');
        String line = nl < 0 ? message : message.substring(0, nl);
        return line.replace('\r', ' ').trim();
    }
}
