package io.github.deltalog.store;

import java.time.Clock;

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
        long now = Micros.of(clock.instant());
        last = now > last ? now : Math.addExact(last, 1);
        return last;
    }
}
