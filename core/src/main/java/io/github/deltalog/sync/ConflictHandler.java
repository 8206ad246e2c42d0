package io.github.deltalog.sync;

import io.github.deltalog.Tuple;

/**
 * Decides what to do with a change that does not fit the target (SQLite's {@code xConflict} callback). The ready
 * policies: {@link #abort()} (the default), {@link #omit()}, {@link #replace()} and {@link #laterCommitWins()}.
 */
@FunctionalInterface
public interface ConflictHandler {
    /**
     * Answers a conflict.
     *
     * @param conflict the conflict: its type, the change, the target's row and the row's local timestamp
     * @return OMIT, REPLACE or ABORT; REPLACE is not an answer to a refusal ({@link ConflictType#isRefusal()})
     */
    Resolution resolve(Conflict conflict);

    /**
     * Stops at the first conflict: nothing is applied and the apply throws {@link ApplyConflictException} naming
     * it.
     *
     * @return the policy
     */
    static ConflictHandler abort() {
        return c -> Resolution.ABORT;
    }

    /**
     * Skips every conflicting change; the target keeps its rows.
     *
     * @return the policy
     */
    static ConflictHandler omit() {
        return c -> Resolution.OMIT;
    }

    /**
     * Forces every conflicting change onto the target; a change the target refuses (a constraint) aborts.
     *
     * @return the policy
     */
    static ConflictHandler replace() {
        return c -> c.type().isRefusal() ? Resolution.ABORT : Resolution.REPLACE;
    }

    /**
     * Keeps whichever side committed later: the incoming change replaces the target's row if its commit timestamp
     * is greater than the row's local timestamp ({@link Conflict#localTimestamp()}), else it is omitted. On equal
     * timestamps the greater image wins (a missing row is the least), so two replicas that resolve the same pair
     * from opposite sides pick the same winner. A refused write (a constraint) aborts.
     *
     * @return the policy
     */
    static ConflictHandler laterCommitWins() {
        return c -> {
            if (c.type().isRefusal()) {
                return Resolution.ABORT;
            }
            long remote = c.change().commitTimestamp();
            long local = c.localTimestamp();
            int order = remote != local
                    ? Long.compare(remote, local)
                    : compareImages(c.change().op().after(), c.current());
            return order > 0 ? Resolution.REPLACE : Resolution.OMIT;
        };
    }

    private static int compareImages(Tuple a, Tuple b) {
        if (a == null || b == null) {
            return a == null ? (b == null ? 0 : -1) : 1;
        }
        int byText = a.toString().compareTo(b.toString());
        return byText != 0 ? byText : Integer.compare(a.hashCode(), b.hashCode());
    }
}
