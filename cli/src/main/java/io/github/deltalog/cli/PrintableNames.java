package io.github.deltalog.cli;

import java.util.List;
import java.util.stream.Collectors;

/** Names from a log file (tables, consumers) made safe to print: quoted, control characters escaped. */
final class PrintableNames {
    private PrintableNames() {}

    /** Quotes a name and escapes its control characters ({@link Format#printable}), so that it cannot forge lines. */
    static String printable(String name) {
        return '\'' + Format.printable(name) + '\'';
    }

    /** The printable names, comma-separated. */
    static String list(List<String> names) {
        return names.stream().map(PrintableNames::printable).collect(Collectors.joining(", "));
    }
}
