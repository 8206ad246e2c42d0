package io.github.deltalog;

/** The handle of a {@link CommitListener}; closing it unsubscribes the listener. */
public interface Subscription extends AutoCloseable {
    /** Stops calls to the listener. Idempotent. A call already under way finishes. */
    @Override
    void close();
}
