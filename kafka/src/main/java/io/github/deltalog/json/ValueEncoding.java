package io.github.deltalog.json;

import java.util.Objects;

/**
 * How the named envelope ({@link NamedEnvelope}) writes decimals and dates/times, for the readers that expect
 * Debezium's other modes. The default ({@link #DEFAULT}) writes them as strings; every other value type has one
 * encoding. deltalog's own reader reads every encoding back exactly, with or without being told which.
 *
 * @param decimals how BigDecimal values are written
 * @param times how LocalDate, LocalTime and LocalDateTime values are written (Instant is always Debezium's {@code
 *     ZonedTimestamp} string, as Debezium writes time-zoned timestamps in every mode)
 */
public record ValueEncoding(Decimals decimals, Times times) {
    /** Decimals as strings, dates and times as ISO-8601 strings. */
    public static final ValueEncoding DEFAULT = new ValueEncoding(Decimals.STRING, Times.ISO);

    /** How BigDecimal values are written. */
    public enum Decimals {
        /**
         * A JSON string with the scale kept ({@code "9.50"}), Connect type {@code string}, as Debezium's {@code
         * decimal.handling.mode=string}.
         */
        STRING,
        /**
         * A JSON number with the exact digits and scale ({@code 9.50}), Connect type {@code double}, as Debezium's
         * {@code decimal.handling.mode=double}: Flink reads a DECIMAL column exactly, Connect the nearest Double
         * (17 significant digits at most).
         */
        NUMBER
    }

    /** How LocalDate, LocalTime and LocalDateTime values are written. */
    public enum Times {
        /** ISO-8601 strings ({@code io.debezium.time.IsoDate}, {@code IsoTime}, {@code IsoTimestamp}). */
        ISO,
        /**
         * Numbers, as Debezium's {@code time.precision.mode=adaptive_time_microseconds}: a LocalDate as the days
         * since 1970-01-01 ({@code int32}, {@code io.debezium.time.Date}), a LocalTime as the microseconds of the
         * day ({@code int64}, {@code io.debezium.time.MicroTime}), a LocalDateTime as the microseconds since
         * 1970-01-01T00:00 ({@code int64}, {@code io.debezium.time.MicroTimestamp}). A value with a fraction finer
         * than a microsecond cannot be written so (the writer throws instead of dropping the nanoseconds).
         */
        MICROS
    }

    /**
     * Checks the parts.
     *
     * @param decimals how BigDecimal values are written
     * @param times how dates and times are written
     * @throws NullPointerException if a part is null
     */
    public ValueEncoding {
        Objects.requireNonNull(decimals, "decimals");
        Objects.requireNonNull(times, "times");
    }

    /**
     * Returns this encoding with another decimal encoding.
     *
     * @param d how BigDecimal values are written
     * @return the encoding
     */
    public ValueEncoding withDecimals(Decimals d) {
        return new ValueEncoding(d, times);
    }

    /**
     * Returns this encoding with another date/time encoding.
     *
     * @param t how dates and times are written
     * @return the encoding
     */
    public ValueEncoding withTimes(Times t) {
        return new ValueEncoding(decimals, t);
    }
}
