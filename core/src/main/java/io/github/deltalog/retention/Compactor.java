package io.github.deltalog.retention;

import java.time.Duration;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The background thread that applies a log's retention policy every interval. A failing round is logged and
 * retried at the next one; {@link #close()} stops the thread and waits for a round under way.
 */
public final class Compactor implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Compactor.class.getName());

    private final ScheduledThreadPoolExecutor executor;

    /**
     * Starts the thread.
     *
     * @param name what the thread works for, for its name and log messages
     * @param interval the time between rounds
     * @param round one round: purge and reclaim space
     */
    public Compactor(String name, Duration interval, Runnable round) {
        executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "deltalog-compactor " + name);
            t.setDaemon(true);
            return t;
        });
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        long millis = Math.max(1, interval.toMillis());
        executor.scheduleWithFixedDelay(
                () -> {
                    try {
                        round.run();
                    } catch (RuntimeException e) {
                        LOG.log(Level.WARNING, "compaction of " + name + " failed; retrying", e);
                    }
                },
                millis,
                millis,
                TimeUnit.MILLISECONDS);
    }

    /** Stops the thread; waits up to 10 s for a round under way. Idempotent. */
    @Override
    public void close() {
        executor.shutdown();
        try {
            executor.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
