package io.github.deltalog.store;

import io.github.deltalog.ClockOutOfRangeException;
import java.time.Clock;
import java.time.Instant;

/**
 * Hands out commit timestamps: microseconds since the epoch from a wall clock, but always greater than every
 * timestamp handed out before, also when the clock goes back or the log was reopened (a hybrid logical clock).
 * Not thread-safe: used under the commit lock.
 *
 * <p>A clock reading above {@link #MAX_CLOCK_MICROS} (about year 148 000; {@code Instant.MAX} for example) is
 * refused before anything is recorded: a commit stamped near {@code Long.MAX_VALUE} would leave no room for the
 * strictly increasing timestamps of later commits. A log that already holds a timestamp above the limit (written
 * before it existed) still opens, and its later commits count up from it one microsecond at a time.
 */
final class HybridClock {
    /** The highest clock reading taken as a timestamp: leaves 2^62 timestamps of headroom below Long.MAX_VALUE. */
    static final long MAX_CLOCK_MICROS = Long.MAX_VALUE - (1L << 62);

    private final Clock clock;
    private long last;

    HybridClock(Clock clock, long lastIssued) {
        this.clock = clock;
        this.last = lastIssued;
    }

    /**
     * Returns the next commit timestamp, strictly greater than the previous one.
     *
     * @throws ClockOutOfRangeException if the clock is beyond the range a timestamp can hold with headroom, or
     *     the log already holds the highest timestamp there is
     */
    long next() {
        Instant reading = clock.instant();
        long now = Micros.of(reading);
        if (now > MAX_CLOCK_MICROS) {
            throw new ClockOutOfRangeException("cannot commit: the clock says " + reading + ", beyond the latest time a"
                    + " commit timestamp can hold with room for later commits ("
                    + Instant.ofEpochSecond(MAX_CLOCK_MICROS / 1_000_000L) + "); nothing was recorded");
        }
        if (now > last) {
            last = now;
        } else if (last == Long.MAX_VALUE) {
            throw new ClockOutOfRangeException("cannot commit: the log already holds the highest commit timestamp"
                    + " there is (Long.MAX_VALUE, written by a clock at Instant.MAX); it can be read but takes no"
                    + " more commits; nothing was recorded");
        } else {
            last++;
        }
        return last;
    }
}
