package io.github.deltalog.retention;

import java.util.Collection;
import java.util.function.LongUnaryOperator;

/**
 * Works out where a purge under a policy cuts: the timestamp below which deltas may go. The consumers' rule
 * allows up to the slowest live consumer's position; each hard cap may force further. The result is the
 * furthest of them.
 */
public final class RetentionPlan {
    private RetentionPlan() {}

    /**
     * Computes the cut.
     *
     * @param policy the policy
     * @param livePositions the positions of consumers that are not stale
     * @param nowMicros the log clock's current time, in microseconds since the epoch
     * @param lowWater the current low-water mark
     * @param watermark the current watermark
     * @param countFrom the number of retained deltas with a commit timestamp at or above its argument
     * @return the timestamp below which deltas may be purged; at most {@code watermark + 1}, and
     *     {@link Long#MIN_VALUE} if nothing may be
     */
    public static long cut(
            RetentionPolicy policy,
            Collection<Long> livePositions,
            long nowMicros,
            long lowWater,
            long watermark,
            LongUnaryOperator countFrom) {
        long cut = Long.MIN_VALUE;
        if (!livePositions.isEmpty()) {
            long slowest = Long.MAX_VALUE;
            for (long p : livePositions) {
                slowest = Math.min(slowest, p);
            }
            cut = slowest == Long.MAX_VALUE ? slowest : slowest + 1;
        }
        if (policy.maxAge() != null) {
            long age = saturatedMicros(policy.maxAge());
            cut = Math.max(cut, nowMicros - Math.min(age, nowMicros - Long.MIN_VALUE / 2));
        }
        long cap = policy.maxDeltasCap();
        if (cap != Long.MAX_VALUE && countFrom.applyAsLong(Math.max(lowWater, 0)) > cap) {
            // The smallest cut that leaves at most cap deltas; the count falls as the cut rises.
            long lo = Math.max(lowWater, 0);
            long hi = watermark + 1;
            while (lo < hi) {
                long mid = lo + (hi - lo) / 2;
                if (countFrom.applyAsLong(mid) <= cap) {
                    hi = mid;
                } else {
                    lo = mid + 1;
                }
            }
            cut = Math.max(cut, lo);
        }
        return Math.min(cut, watermark + 1);
    }

    private static long saturatedMicros(java.time.Duration d) {
        try {
            return Math.multiplyExact(d.getSeconds(), 1_000_000L) + d.getNano() / 1_000;
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE / 2;
        }
    }
}
