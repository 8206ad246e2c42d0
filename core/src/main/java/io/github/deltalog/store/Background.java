package io.github.deltalog.store;

import io.github.deltalog.Durability;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The log's one background thread: the ASYNC journal flush, the periodic checkpoint (and the one a large
 * journal asks for early), the retention compaction round (purge by the policy, then reclaim space), and the
 * compaction of a file that purges left mostly free ({@link Checkpoints#compactIfSparse()}). The tasks run one
 * after another, so they never compete with each other for the cores or the locks; a compaction round under way
 * delays a due ASYNC flush by its length (the journal still writes its buffer inline once it holds 1 MiB, which
 * bounds what a crash can lose meanwhile). A failing task is logged and retried at its next turn. Holds no lock
 * of its own.
 */
final class Background {
    private static final Logger LOG = Logger.getLogger(Background.class.getName());

    /** How often the thread looks whether the file is mostly free space (after purges) and compacts it. */
    static final long SPARSE_CHECK_MILLIS = 5000;

    private final StoreState s;
    private final ScheduledThreadPoolExecutor executor;
    private final Checkpoints checkpoints;
    private final AtomicBoolean checkpointQueued = new AtomicBoolean();

    private Background(StoreState s, Checkpoints checkpoints) {
        this.s = s;
        this.checkpoints = checkpoints;
        this.executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "deltalog-background " + s.label);
            t.setDaemon(true);
            return t;
        });
        // close() drops what is scheduled and waits only for a task under way.
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    /**
     * Starts the thread if the log has work for it: a journal to flush and checkpoint, or a compaction round.
     *
     * @param compaction one retention round, or null for none
     * @param compactionMillis the time between rounds
     * @param sparseCompaction compacts the file if it is mostly free space ({@link Checkpoints#compactIfSparse()})
     * @return the running thread's owner, or null if there is nothing to do in the background
     */
    static Background start(
            StoreState s,
            StoreOptions options,
            Checkpoints checkpoints,
            Runnable compaction,
            long compactionMillis,
            Runnable sparseCompaction) {
        boolean journaled = s.journal != null;
        if (!journaled && compaction == null) {
            return null;
        }
        Background b = new Background(s, checkpoints);
        if (journaled && s.durability == Durability.ASYNC) {
            b.every(options.journalFlushMillis(), s.journal::flush, "journal flush");
        }
        if (journaled) {
            b.every(options.checkpointMillis(), checkpoints::checkpoint, "checkpoint");
            // Purges free space inside the file; once most of the file is free, give it back to the disk.
            b.every(SPARSE_CHECK_MILLIS, sparseCompaction, "compaction of a sparse file");
        }
        if (compaction != null) {
            b.every(Math.max(1, compactionMillis), compaction, "compaction");
        }
        return b;
    }

    private void every(long millis, Runnable task, String what) {
        executor.scheduleWithFixedDelay(() -> guarded(task, what), millis, millis, TimeUnit.MILLISECONDS);
    }

    /** Queues a checkpoint now unless one is queued already (the journal grew past its size trigger). */
    void requestCheckpoint() {
        if (!checkpointQueued.compareAndSet(false, true)) {
            return;
        }
        try {
            executor.execute(() -> {
                checkpointQueued.set(false);
                guarded(checkpoints::checkpoint, "checkpoint");
            });
        } catch (RejectedExecutionException closing) {
            // close() stopped the thread after the commit that asked was made; the final checkpoint covers that
            // commit, so there is nothing to queue (guarded by CloseTest).
        }
    }

    private void guarded(Runnable task, String what) {
        try {
            if (!s.isClosed()) {
                task.run();
            }
        } catch (RuntimeException e) {
            if (!s.isClosed()) {
                LOG.log(Level.WARNING, s.label + ": background " + what + " failed; retrying", e);
            }
        }
    }

    /**
     * Stops the thread and waits up to 10 s for a task under way. Not by interrupting it: interrupting a
     * journal flush mid-write closes the FileChannel (it is interruptible), and close() then failed writing the
     * journal.
     */
    void stop() {
        executor.shutdown();
        try {
            executor.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
