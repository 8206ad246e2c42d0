package io.github.deltalog.store;

import java.time.Instant;

/** Converts instants to the log's time unit, microseconds since the epoch. */
public final class Micros {
    private Micros() {}

    /**
     * Converts an instant to microseconds since the epoch, saturating at the range of a long (so that
     * {@link Instant#MIN} and {@link Instant#MAX} do not overflow).
     *
     * @param instant the instant
     * @return microseconds since the epoch
     */
    public static long of(Instant instant) {
        long seconds = instant.getEpochSecond();
        if (seconds > Long.MAX_VALUE / 1_000_000L - 1) {
            return Long.MAX_VALUE;
        }
        if (seconds < Long.MIN_VALUE / 1_000_000L + 1) {
            return Long.MIN_VALUE;
        }
        return seconds * 1_000_000L + instant.getNano() / 1_000;
    }
}
