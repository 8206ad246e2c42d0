package io.github.deltalog.cli;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import picocli.CommandLine;

/**
 * Commit timestamps on the command line: microseconds since the epoch, or an ISO-8601 instant such as {@code
 * 2024-05-06T07:08:09Z}.
 */
final class Timestamps implements CommandLine.ITypeConverter<Long> {

    /** Converts an option's text; throws a picocli conversion error that says what is accepted. */
    @Override
    public Long convert(String text) {
        return parse(text);
    }

    /** Parses microseconds since the epoch or an ISO-8601 instant. */
    static long parse(String text) {
        String s = text.trim();
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException notANumber) {
            try {
                Instant i = Instant.parse(s);
                return Math.addExact(Math.multiplyExact(i.getEpochSecond(), 1_000_000L), i.getNano() / 1_000L);
            } catch (DateTimeParseException | ArithmeticException e) {
                throw new CommandLine.TypeConversionException("'" + text + "' is not a timestamp: give microseconds"
                        + " since the epoch or an ISO-8601 instant such as 2024-05-06T07:08:09Z");
            }
        }
    }

    /** Formats a commit timestamp as its number and its instant, or "none" for 0. */
    static String format(long micros) {
        if (micros == 0) {
            return "0 (none)";
        }
        Instant i =
                Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L);
        return micros + " (" + i + ")";
    }
}
