package io.github.deltalog.store;

import java.time.Clock;
import java.time.Instant;

/**
 * Hands out commit timestamps: microseconds since the epoch from a wall clock, but always greater than every
 * timestamp handed out before, also when the clock goes back or the log was reopened (a hybrid logical clock).
 * Not thread-safe: used under the commit lock.
 */
final class HybridClock {
    private final Clock clock;
    private long last;

    HybridClock(Clock clock, long lastIssued) {
        this.clock = clock;
        this.last = lastIssued;
    }

    /** Returns the next commit timestamp, strictly greater than the previous one. */
    long next() {
        long now = micros(clock.instant());
        last = now > last ? now : Math.addExact(last, 1);
        return last;
    }

    /** Converts an instant to microseconds since the epoch, saturating at the range of a long. */
    static long micros(Instant instant) {
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
