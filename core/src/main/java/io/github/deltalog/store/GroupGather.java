package io.github.deltalog.store;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntSupplier;

/**
 * When a SYNC group commit's leader stops waiting for its group and forces ({@link Journal#syncTo}). Without a
 * wait, a leader that committed alone forced alone while the others buffered, and groups alternated one and three
 * of four threads. So a committer {@linkplain #announce announces} itself before it takes the commit lock, and the
 * leader {@linkplain #await waits} while announced committers have not appended, or while fewer records are
 * buffered than recent groups held: at most half the last fsync's duration and {@link #MAX_WAIT_NANOS}. The
 * expected group size tunes itself: a group that did not fill in time lowers it to what it reached, so a single
 * committer (groups of one, nothing announced while it syncs) never waits.
 *
 * <p>Thread-safety: {@link #announce}, {@link #withdraw} and {@link #arrived} from any thread, lock-free; {@link
 * #await} and {@link #forced} by the one leader at a time, and its group-size state is read and written under the
 * journal's monitor (passed to {@link #await}; {@link #forced} is called holding it).
 */
final class GroupGather {
    /** The longest a leader waits for its group. */
    private static final long MAX_WAIT_NANOS = 2_000_000L;

    /** Committers that announced a record and did not append it yet. */
    private final AtomicInteger announced = new AtomicInteger();
    /** The leader waiting for its group, woken by each arrival. */
    private volatile Thread waiter;
    /** The group size the leader waits for; journal monitor. */
    private int expectedGroup = 1;
    /** How long the last fsync took; journal monitor. */
    private long lastForceNanos;

    /**
     * Tells that a committer is on its way to append a SYNC record. It must then pass {@code wasAnnounced} to
     * {@link #arrived}, or call {@link #withdraw} if it never appends.
     */
    void announce() {
        announced.incrementAndGet();
    }

    /** Takes back an {@link #announce} whose record will not be appended (the commit failed before). */
    void withdraw() {
        announced.decrementAndGet();
        wake();
    }

    /**
     * Called by each append, under the journal's monitor, before the record is buffered: the leader, woken, sees
     * it once the append releases the monitor.
     *
     * @param wasAnnounced whether the appending committer {@linkplain #announce announced} itself
     */
    void arrived(boolean wasAnnounced) {
        if (wasAnnounced) {
            announced.decrementAndGet();
        }
        wake();
    }

    private void wake() {
        Thread leader = waiter;
        if (leader != null) {
            LockSupport.unpark(leader);
        }
    }

    /**
     * The leader's wait for its group, outside the journal's monitor (committers need it to append). Parks with
     * {@link LockSupport#parkNanos}, because {@code Object.wait} rounds a timeout up to a millisecond.
     *
     * @param monitor the journal's monitor, under which {@code buffered} is read
     * @param buffered the records buffered for this group
     * @param interrupted notes in element 0 an interrupt while it waited (cleared here, or the park would return
     *     at once)
     * @return whether the wait ran out before the group filled
     */
    boolean await(Object monitor, IntSupplier buffered, boolean[] interrupted) {
        long deadline;
        synchronized (monitor) {
            if (filled(buffered.getAsInt())) {
                return false;
            }
            deadline = System.nanoTime() + Math.min(lastForceNanos / 2, MAX_WAIT_NANOS);
            waiter = Thread.currentThread();
        }
        try {
            while (true) {
                synchronized (monitor) {
                    if (filled(buffered.getAsInt())) {
                        return false;
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return true;
                }
                LockSupport.parkNanos(this, left);
                if (Thread.interrupted()) {
                    interrupted[0] = true;
                }
            }
        } finally {
            waiter = null;
        }
    }

    private boolean filled(int buffered) {
        return announced.get() <= 0 && buffered >= expectedGroup;
    }

    /**
     * Records a group's successful fsync, under the journal's monitor: wait next time for as many as came this
     * time, or, if the wait ran out, for what the group reached.
     *
     * @param nanos how long the fsync took
     * @param group how many records the group held
     * @param timedOut what {@link #await} returned for it
     */
    void forced(long nanos, int group, boolean timedOut) {
        lastForceNanos = nanos;
        expectedGroup = timedOut ? Math.max(1, group) : Math.max(expectedGroup, group);
    }
}
