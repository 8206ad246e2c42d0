package io.github.deltalog.store;

import java.util.ArrayList;
import java.util.concurrent.locks.LockSupport;

/**
 * The committers waiting in {@link Journal#syncTo} for the fsync that covers their record, and the hand-off of the
 * next fsync from one group's leader to a committer it did not cover.
 *
 * <p>Why not {@code Object.wait}/{@code notifyAll}: after a notifyAll the woken committers take the journal's
 * monitor one after the other, and those that waited longest (the ones the fsync covered) come first, so the
 * committer that has to lead the next fsync ran last and the disk stood idle for several wake-ups. Here the
 * finishing leader picks the next leader itself and wakes it first; the covered committers learn from their own
 * {@link Waiter} that they are done and return without taking the monitor again.
 *
 * <p>Thread-safety: {@link #add}, {@link #remove}, {@link #afterForce} and {@link #signalAll} run under the
 * journal's monitor; {@link Waiter#await} and {@link #unpark} outside it (a waiter parks without the monitor).
 * O(waiting committers) per fsync.
 */
final class SyncWaiters {
    /** One committer waiting for the fsync of {@link #seq}. */
    static final class Waiter {
        private final Thread thread = Thread.currentThread();
        private final long seq;
        /** Set, under the journal's monitor, before the waiter is woken. */
        private volatile boolean signalled;
        /** The fsync that covers {@link #seq} has run: return. */
        private volatile boolean covered;
        /** The finishing leader handed the next fsync to this waiter: lead it. */
        private volatile boolean leads;

        private Waiter(long seq) {
            this.seq = seq;
        }

        /**
         * Parks until signalled. Notes an interrupt in {@code interrupted[0]} and clears it, or the park would return
         * at once, again and again.
         */
        void await(boolean[] interrupted) {
            while (!signalled) {
                LockSupport.park(this);
                if (Thread.interrupted()) {
                    interrupted[0] = true;
                }
            }
        }

        /** Whether an fsync covered this waiter's record. */
        boolean covered() {
            return covered;
        }

        /** Whether this waiter was handed the next fsync. */
        boolean leads() {
            return leads;
        }

        /** Waits again after a signal that neither covered it nor made it the leader; journal monitor. */
        void rearm() {
            signalled = false;
        }
    }

    private final ArrayList<Waiter> waiting = new ArrayList<>();

    /** Registers the calling committer as waiting for {@code seq}; journal monitor. */
    Waiter add(long seq) {
        Waiter w = new Waiter(seq);
        waiting.add(w);
        return w;
    }

    /** Forgets a waiter that stops waiting on its own (null: nothing); journal monitor. */
    void remove(Waiter w) {
        if (w != null) {
            waiting.remove(w);
        }
    }

    /**
     * After a successful fsync up to {@code durable}: marks the waiters it covered, and hands the next fsync to one
     * that it did not cover, if any; journal monitor.
     *
     * @return the threads to {@linkplain #unpark wake} once the monitor is released, the next leader first, or null
     *     if nobody waits
     */
    Thread[] afterForce(long durable) {
        if (waiting.isEmpty()) {
            return null;
        }
        Thread[] wake = new Thread[waiting.size() + 1]; // the next leader's place first
        int n = 1;
        Waiter next = null;
        for (Waiter w : waiting) {
            if (w.seq <= durable) {
                w.covered = true;
                w.signalled = true;
                wake[n++] = w.thread;
            } else if (next == null) {
                next = w;
            }
        }
        waiting.removeIf(w -> w.covered);
        if (next != null) {
            waiting.remove(next);
            next.leads = true;
            next.signalled = true;
            wake[0] = next.thread;
        }
        return wake;
    }

    /** Whether {@link #afterForce} handed the next fsync to a waiter: its result starts with a thread. */
    static boolean handedOff(Thread[] wake) {
        return wake != null && wake[0] != null;
    }

    /**
     * Signals every waiter to look again (the durable position moved outside a group, or an fsync failed); journal
     * monitor.
     *
     * @return the threads to {@linkplain #unpark wake} once the monitor is released, or null
     */
    Thread[] signalAll() {
        if (waiting.isEmpty()) {
            return null;
        }
        Thread[] wake = new Thread[waiting.size()];
        for (int i = 0; i < wake.length; i++) {
            Waiter w = waiting.get(i);
            w.signalled = true;
            wake[i] = w.thread;
        }
        return wake;
    }

    /** Wakes what {@link #afterForce} or {@link #signalAll} returned, in order; outside the monitor. */
    static void unpark(Thread[] wake) {
        if (wake != null) {
            for (Thread t : wake) {
                if (t != null) {
                    LockSupport.unpark(t);
                }
            }
        }
    }
}
