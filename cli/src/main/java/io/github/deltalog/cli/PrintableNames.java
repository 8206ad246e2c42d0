package io.github.deltalog.cli;

import java.util.List;
import java.util.stream.Collectors;

/** Names from a log file (tables, consumers) made safe to print: quoted, control characters escaped. */
final class PrintableNames {
    private PrintableNames() {}

    /** Quotes a name and escapes its control characters, so that a name cannot break or forge output lines. */
    static String printable(String name) {
        StringBuilder b = new StringBuilder(name.length() + 2).append('\'');
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('\'').toString();
    }

    /** The printable names, comma-separated. */
    static String list(List<String> names) {
        return names.stream().map(PrintableNames::printable).collect(Collectors.joining(", "));
    }
}
