package io.github.deltalog.cli;

import io.github.deltalog.json.ValueEncoding;
import picocli.CommandLine.Option;

/** The value-encoding options of dump, diff and export-kafka: decimals and dates/times as strings or numbers. */
final class EncodingOptions {
    /** How decimals are written, as the option spells it. */
    enum DecimalsOption {
        string,
        number
    }

    /** How dates and times are written, as the option spells it. */
    enum TimesOption {
        iso,
        micros
    }

    @Option(
            names = "--decimals",
            paramLabel = "string|number",
            description = "decimals as strings with their scale (\"9.50\", Debezium's decimal.handling.mode=string) or"
                    + " as JSON numbers (9.50, like decimal.handling.mode=double: Connect type double; Flink reads"
                    + " a DECIMAL column exactly) (default: ${DEFAULT-VALUE})")
    DecimalsOption decimals = DecimalsOption.string;

    @Option(
            names = "--times",
            paramLabel = "iso|micros",
            description = "dates and times as ISO-8601 strings, or as numbers like Debezium's"
                    + " time.precision.mode=adaptive_time_microseconds: dates as int32 days (io.debezium.time.Date),"
                    + " times and timestamps as int64 microseconds (MicroTime, MicroTimestamp); instants stay"
                    + " ZonedTimestamp strings (default: ${DEFAULT-VALUE})")
    TimesOption times = TimesOption.iso;

    /** Returns the encoding the options ask for. */
    ValueEncoding encoding() {
        return new ValueEncoding(
                decimals == DecimalsOption.number ? ValueEncoding.Decimals.NUMBER : ValueEncoding.Decimals.STRING,
                times == TimesOption.micros ? ValueEncoding.Times.MICROS : ValueEncoding.Times.ISO);
    }

    /** Tells whether an option other than the default was given (the positional form has no encodings). */
    boolean changed() {
        return decimals != DecimalsOption.string || times != TimesOption.iso;
    }
}
