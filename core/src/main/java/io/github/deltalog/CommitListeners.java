package io.github.deltalog;

import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The subscribed commit listeners and the commits waiting to be told to them. Commits are queued under the
 * commit lock (so the queue is in commit order) and handed out once visible, one dispatcher at a time: a
 * listener on the committing thread is called there, a listener on an executor gets the commit appended to its
 * own queue ({@link ExecutorSubscription}).
 */
final class CommitListeners {
    private static final Logger LOG = Logger.getLogger(CommitListeners.class.getName());

    /** Where the dispatcher hands a commit: called one commit at a time, in commit order. */
    interface Sink {
        void deliver(long commitTimestamp, List<Delta> deltas);
    }

    private record Pending(long commitTimestamp, List<Delta> deltas) {}

    private final CopyOnWriteArrayList<Sink> sinks = new CopyOnWriteArrayList<>();
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    private final ReentrantLock dispatching = new ReentrantLock();

    /** Subscribes a listener called on the committing thread. */
    Subscription add(CommitListener listener) {
        DirectSink sink = new DirectSink(listener);
        sinks.add(sink);
        return sink;
    }

    /** Subscribes a listener called on an executor, with a queue of at most {@code capacity} commits. */
    Subscription add(CommitListener listener, Executor executor, int capacity, long watermark) {
        ExecutorSubscription[] self = new ExecutorSubscription[1];
        self[0] = new ExecutorSubscription(listener, executor, capacity, watermark, () -> sinks.remove(self[0]));
        sinks.add(self[0]);
        return self[0];
    }

    boolean isEmpty() {
        return sinks.isEmpty();
    }

    /** Queues a commit; called under the commit lock. */
    void enqueue(long commitTimestamp, List<Delta> deltas) {
        synchronized (queue) {
            queue.addLast(new Pending(commitTimestamp, deltas));
        }
    }

    /**
     * Hands every queued commit at or below the watermark to the listeners, in order. The watermark is read
     * afresh for each commit, so that a commit made by a listener is told in this same loop.
     */
    void dispatch(LongSupplier watermark) {
        if (dispatching.isHeldByCurrentThread()) {
            // A listener committed: its commit stays queued and the loop under way tells it after the current
            // one, so that later listeners still see commits in order.
            return;
        }
        dispatching.lock();
        try {
            while (true) {
                Pending p;
                synchronized (queue) {
                    p = queue.peekFirst();
                    if (p == null || p.commitTimestamp > watermark.getAsLong()) {
                        return;
                    }
                    queue.removeFirst();
                }
                for (Sink s : sinks) {
                    s.deliver(p.commitTimestamp, p.deltas);
                }
            }
        } finally {
            dispatching.unlock();
        }
    }

    /** A listener called on the committing thread; its failures are logged and go no further. */
    private final class DirectSink implements Sink, Subscription {
        private final CommitListener listener;
        private volatile boolean closed;

        DirectSink(CommitListener listener) {
            this.listener = listener;
        }

        @Override
        public void deliver(long commitTimestamp, List<Delta> deltas) {
            if (closed) {
                return;
            }
            try {
                listener.onCommit(commitTimestamp, deltas);
            } catch (RuntimeException | Error e) {
                if (e instanceof VirtualMachineError vme) {
                    throw vme;
                }
                LOG.log(
                        Level.WARNING,
                        "commit listener " + listener + " failed at " + commitTimestamp + "; the commit stands",
                        e);
            }
        }

        @Override
        public void close() {
            closed = true;
            sinks.remove(this);
        }

        @Override
        public boolean isActive() {
            return !closed;
        }

        @Override
        public void check() {
            // Called on the committing thread, this listener cannot fall behind.
        }
    }
}
