package io.github.deltalog.retention;

import java.time.Duration;
import java.util.Objects;

/**
 * Which deltas a log may forget. By default ({@link #untilConsumed()}) a delta is kept until every registered
 * consumer has read it; with no consumer registered nothing is purged by this rule. Hard caps ({@link
 * #maxAge}, {@link #maxDeltas}) purge regardless of consumers, and the consumers they leave behind become
 * stale. Immutable; combine with {@link #withMaxAge} and {@link #withMaxDeltas}.
 */
public final class RetentionPolicy {
    private static final RetentionPolicy UNTIL_CONSUMED = new RetentionPolicy(null, Long.MAX_VALUE);

    private final Duration maxAge;
    private final long maxDeltas;

    private RetentionPolicy(Duration maxAge, long maxDeltas) {
        this.maxAge = maxAge;
        this.maxDeltas = maxDeltas;
    }

    /**
     * Keeps every delta until all registered consumers have read it. The default.
     *
     * @return the policy
     */
    public static RetentionPolicy untilConsumed() {
        return UNTIL_CONSUMED;
    }

    /**
     * Keeps deltas until consumed, and never longer than an age (a hard cap).
     *
     * @param age the oldest commit age to keep, positive
     * @return the policy
     */
    public static RetentionPolicy maxAge(Duration age) {
        return UNTIL_CONSUMED.withMaxAge(age);
    }

    /**
     * Keeps deltas until consumed, and never more than a number of them, all tables together (a hard cap).
     *
     * @param count the most deltas to keep, at least 0
     * @return the policy
     */
    public static RetentionPolicy maxDeltas(long count) {
        return UNTIL_CONSUMED.withMaxDeltas(count);
    }

    /**
     * Returns this policy with an age cap added (or replaced).
     *
     * @param age the oldest commit age to keep, positive
     * @return the combined policy
     * @throws IllegalArgumentException if the age is not positive
     */
    public RetentionPolicy withMaxAge(Duration age) {
        Objects.requireNonNull(age, "age");
        if (age.isNegative() || age.isZero()) {
            throw new IllegalArgumentException("max age must be positive, was " + age);
        }
        return new RetentionPolicy(age, maxDeltas);
    }

    /**
     * Returns this policy with a count cap added (or replaced).
     *
     * @param count the most deltas to keep, at least 0
     * @return the combined policy
     * @throws IllegalArgumentException if the count is negative
     */
    public RetentionPolicy withMaxDeltas(long count) {
        if (count < 0) {
            throw new IllegalArgumentException("max deltas must not be negative, was " + count);
        }
        return new RetentionPolicy(maxAge, count);
    }

    /**
     * Returns the age cap, or null if there is none.
     *
     * @return the age cap, or null if there is none
     */
    public Duration maxAge() {
        return maxAge;
    }

    /**
     * Returns the count cap, or {@link Long#MAX_VALUE} if there is none.
     *
     * @return the count cap, or {@link Long#MAX_VALUE} if there is none
     */
    public long maxDeltasCap() {
        return maxDeltas;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RetentionPolicy p && Objects.equals(p.maxAge, maxAge) && p.maxDeltas == maxDeltas;
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(maxAge) * 31 + Long.hashCode(maxDeltas);
    }

    @Override
    public String toString() {
        return "RetentionPolicy(untilConsumed" + (maxAge == null ? "" : ", maxAge=" + maxAge)
                + (maxDeltas == Long.MAX_VALUE ? "" : ", maxDeltas=" + maxDeltas) + ")";
    }
}
