package io.github.deltalog.cli;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import picocli.CommandLine;

/**
 * Commit timestamps on the command line: microseconds since the epoch, an ISO-8601 instant such as {@code
 * 2024-05-06T07:08:09Z}, or a date such as {@code 2024-05-06} (its midnight, UTC).
 */
final class Timestamps implements CommandLine.ITypeConverter<Long> {

    /** Converts an option's text; throws a picocli conversion error that says what is accepted. */
    @Override
    public Long convert(String text) {
        return parse(text);
    }

    /**
     * Parses microseconds since the epoch, an ISO-8601 instant, or a date (its midnight, UTC). Refuses a negative
     * number, a number too large for a long, and an instant before the epoch: commit timestamps are positive.
     */
    static long parse(String text) {
        String s = text.trim();
        long micros;
        if (s.matches("[+-]?[0-9]+")) {
            try {
                micros = Long.parseLong(s);
            } catch (NumberFormatException e) {
                throw new CommandLine.TypeConversionException(
                        "'" + text + "' is out of range: a timestamp is at most " + Long.MAX_VALUE + " microseconds");
            }
        } else {
            try {
                Instant i = s.length() == 10
                        ? LocalDate.parse(s).atStartOfDay(ZoneOffset.UTC).toInstant()
                        : Instant.parse(s);
                micros = Math.addExact(Math.multiplyExact(i.getEpochSecond(), 1_000_000L), i.getNano() / 1_000L);
            } catch (DateTimeParseException | ArithmeticException e) {
                throw new CommandLine.TypeConversionException("'" + text + "' is not a timestamp: give microseconds"
                        + " since the epoch, an ISO-8601 instant such as 2024-05-06T07:08:09Z or a date such as"
                        + " 2024-05-06");
            }
        }
        if (micros < 0) {
            throw new CommandLine.TypeConversionException(
                    "'" + text + "' is negative: commit timestamps are microseconds since the epoch, from 0");
        }
        return micros;
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
