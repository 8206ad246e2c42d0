package io.github.deltalog;

import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The subscribed commit listeners and the commits waiting to be told to them. Commits are queued under the
 * commit lock (so the queue is in commit order) and handed out once visible, one dispatcher at a time.
 */
final class CommitListeners {
    private static final Logger LOG = Logger.getLogger(CommitListeners.class.getName());

    private record Pending(long commitTimestamp, List<Delta> deltas) {}

    private final CopyOnWriteArrayList<CommitListener> listeners = new CopyOnWriteArrayList<>();
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    private final ReentrantLock dispatching = new ReentrantLock();

    Subscription add(CommitListener listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    boolean isEmpty() {
        return listeners.isEmpty();
    }

    /** Queues a commit; called under the commit lock. */
    void enqueue(long commitTimestamp, List<Delta> deltas) {
        synchronized (queue) {
            queue.addLast(new Pending(commitTimestamp, deltas));
        }
    }

    /**
     * Tells the listeners about every queued commit at or below the watermark, in order. The watermark is read
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
                for (CommitListener l : listeners) {
                    try {
                        l.onCommit(p.commitTimestamp, p.deltas);
                    } catch (RuntimeException | Error e) {
                        if (e instanceof VirtualMachineError vme) {
                            throw vme;
                        }
                        LOG.log(
                                Level.WARNING,
                                "commit listener " + l + " failed at " + p.commitTimestamp + "; the commit stands",
                                e);
                    }
                }
            }
        } finally {
            dispatching.unlock();
        }
    }
}
