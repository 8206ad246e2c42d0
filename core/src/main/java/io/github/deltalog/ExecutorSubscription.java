package io.github.deltalog;

import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A listener called on an executor: the committing thread only appends the commit to this subscription's
 * bounded queue; a drain task on the executor tells the listener, one commit at a time and in commit order
 * (at most one drain task per subscription runs at a time, whatever the executor's threads).
 *
 * <p>When the queue is full, the subscription fails rather than blocking the committer or dropping quietly:
 * what was queued is still told, later commits are not, and {@link #check()} throws a
 * {@link SubscriptionFailedException} naming the last commit told. Blocking would hand a slow listener's latency
 * back to every committer (what an executor is chosen to avoid) and, with a listener that commits, could
 * deadlock; the log keeps every commit, so a failed listener loses nothing it cannot read back.
 */
final class ExecutorSubscription implements Subscription, CommitListeners.Sink {
    private static final Logger LOG = Logger.getLogger(ExecutorSubscription.class.getName());

    private record Pending(long commitTimestamp, List<Delta> deltas) {}

    private final CommitListener listener;
    private final Executor executor;
    private final int capacity;
    private final Runnable onClose;

    /** Guarded by this. */
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    /** Whether a drain task is submitted or running; guarded by this. */
    private boolean draining;
    /** The last commit queued; guarded by this. */
    private long lastQueued;
    /** The last commit whose call returned (or threw); written by the drain task only. */
    private volatile long lastTold;

    private volatile boolean closed;
    private volatile String failure;
    private volatile long resumeAfter;

    ExecutorSubscription(CommitListener listener, Executor executor, int capacity, long watermark, Runnable onClose) {
        this.listener = listener;
        this.executor = executor;
        this.capacity = capacity;
        this.onClose = onClose;
        this.lastQueued = watermark;
        this.lastTold = watermark;
    }

    /** Queues a commit; called by the dispatcher, one commit at a time, in commit order. O(1), never blocks. */
    @Override
    public void deliver(long commitTimestamp, List<Delta> deltas) {
        synchronized (this) {
            if (closed || failure != null) {
                return;
            }
            if (queue.size() >= capacity) {
                fail(
                        "commit listener " + listener + " fell behind: its queue of " + capacity
                                + " commits was full at commit " + commitTimestamp
                                + "; it is told every commit up to " + lastQueued
                                + " (those queued still) and no later one",
                        lastQueued);
                return;
            }
            queue.addLast(new Pending(commitTimestamp, deltas));
            lastQueued = commitTimestamp;
            if (draining) {
                return;
            }
            draining = true;
        }
        try {
            executor.execute(this::drain);
        } catch (RejectedExecutionException e) {
            synchronized (this) {
                queue.clear();
                draining = false;
                fail(
                        "commit listener " + listener + " stopped: its executor " + executor
                                + " refused to run it at commit " + commitTimestamp + " (" + e.getMessage()
                                + "); it was told every commit up to " + lastTold + " and no later one",
                        lastTold);
            }
        }
    }

    private void fail(String message, long resumeAt) {
        resumeAfter = resumeAt;
        failure = message;
        LOG.warning(message);
        onClose.run();
    }

    private void drain() {
        while (true) {
            Pending p;
            synchronized (this) {
                p = closed ? null : queue.pollFirst();
                if (p == null) {
                    queue.clear();
                    draining = false;
                    return;
                }
            }
            try {
                listener.onCommit(p.commitTimestamp, p.deltas);
            } catch (RuntimeException | Error e) {
                if (e instanceof VirtualMachineError vme) {
                    synchronized (this) {
                        draining = false;
                    }
                    throw vme;
                }
                LOG.log(
                        Level.WARNING,
                        "commit listener " + listener + " failed at " + p.commitTimestamp + "; the commit stands",
                        e);
            }
            lastTold = p.commitTimestamp;
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            queue.clear();
        }
        onClose.run();
    }

    @Override
    public boolean isActive() {
        return !closed && failure == null;
    }

    @Override
    public void check() {
        String f = failure;
        if (f != null) {
            throw new SubscriptionFailedException(f, resumeAfter);
        }
    }
}
