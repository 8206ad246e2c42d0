package io.github.deltalog.cli;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import picocli.CommandLine;

/** Durations on the command line: {@code 250ms}, {@code 2s}, {@code 1m}, a number of milliseconds, or ISO-8601. */
final class Durations implements CommandLine.ITypeConverter<Duration> {

    /** Converts an option's text; throws a picocli conversion error that says what is accepted. */
    @Override
    public Duration convert(String text) {
        String s = text.trim().toLowerCase(Locale.ROOT);
        try {
            Duration d;
            if (s.startsWith("p")) {
                d = Duration.parse(s.toUpperCase(Locale.ROOT));
            } else if (s.endsWith("ms")) {
                d = Duration.ofMillis(
                        Long.parseLong(s.substring(0, s.length() - 2).trim()));
            } else if (s.endsWith("s")) {
                d = Duration.ofSeconds(
                        Long.parseLong(s.substring(0, s.length() - 1).trim()));
            } else if (s.endsWith("m")) {
                d = Duration.ofMinutes(
                        Long.parseLong(s.substring(0, s.length() - 1).trim()));
            } else {
                d = Duration.ofMillis(Long.parseLong(s));
            }
            if (d.isNegative()) {
                throw new CommandLine.TypeConversionException("'" + text + "' is negative");
            }
            return d;
        } catch (NumberFormatException | DateTimeParseException | ArithmeticException e) {
            throw new CommandLine.TypeConversionException(
                    "'" + text + "' is not a duration: give e.g. 250ms, 2s, 1m or a number of milliseconds");
        }
    }
}
