package io.github.deltalog;

/**
 * The handle of a {@link CommitListener}; closing it unsubscribes the listener.
 *
 * <p>A listener subscribed on an executor ({@link DeltaLog#subscribe(CommitListener, java.util.concurrent.Executor,
 * int)}) can stop on its own, when it falls so far behind that its queue is full or when its executor refuses
 * work: {@link #isActive()} then turns false and {@link #check()} throws a {@link SubscriptionFailedException}
 * that says after which commit the listener was no longer told.
 */
public interface Subscription extends AutoCloseable {
    /** Stops calls to the listener. Idempotent; never throws. A call already under way finishes. */
    @Override
    void close();

    /**
     * Tells whether the listener is still told about new commits: false after {@link #close()} and after the
     * subscription failed.
     *
     * @return true while subscribed and healthy
     */
    boolean isActive();

    /**
     * Throws if the subscription stopped on its own. A listener called on the committing thread never does.
     *
     * @throws SubscriptionFailedException if the listener's queue overflowed or its executor refused work; the
     *     exception names the last commit the listener was (or will still be) told about
     */
    void check();
}
