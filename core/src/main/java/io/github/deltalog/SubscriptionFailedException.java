package io.github.deltalog;

/**
 * Thrown by {@link Subscription#check()} when a listener subscribed on an executor stopped being told about
 * commits: it fell behind until its bounded queue was full, or its executor refused to run it. The commits
 * themselves are unaffected; the listener catches up by reading the log after {@link #resumeAfter()} and
 * subscribing again.
 */
public class SubscriptionFailedException extends DeltaLogException {
    private static final long serialVersionUID = 1L;

    /** The last commit told (or still queued to be told) to the listener. */
    private final long resumeAfter;

    /**
     * Creates the exception.
     *
     * @param message what went wrong, naming the listener and the queue or executor
     * @param resumeAfter the commit timestamp of the last commit the listener was or will be told about
     */
    public SubscriptionFailedException(String message, long resumeAfter) {
        super(message);
        this.resumeAfter = resumeAfter;
    }

    /**
     * Returns the position to read on from: every commit up to it was (or, still queued, will be) told to the
     * listener; none after it will be.
     *
     * @return a commit timestamp, usable as the exclusive lower bound of {@link DeltaLog#changesAfter}
     */
    public long resumeAfter() {
        return resumeAfter;
    }
}
