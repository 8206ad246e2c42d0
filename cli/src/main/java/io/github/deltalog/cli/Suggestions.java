package io.github.deltalog.cli;

import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.UnmatchedArgumentException;

/** "Did you mean" for a mistyped command or option, from picocli's suggestions. */
final class Suggestions {
    private Suggestions() {}

    /** Returns {@code "; did you mean 'x'?"} for an unmatched argument with close matches, else "". */
    static String of(CommandLine.ParameterException ex) {
        if (!(ex instanceof UnmatchedArgumentException u)) {
            return "";
        }
        List<String> close = u.getSuggestions();
        if (close.isEmpty()) {
            return "";
        }
        StringBuilder b = new StringBuilder("; did you mean ");
        for (int i = 0; i < Math.min(3, close.size()); i++) {
            if (i > 0) {
                b.append(i == Math.min(3, close.size()) - 1 ? " or " : ", ");
            }
            b.append('\'').append(close.get(i)).append('\'');
        }
        return b.append('?').toString();
    }
}
