package io.github.deltalog.jdbc;

import java.time.Duration;

/**
 * The daemon thread behind {@link Capture#start()}: runs a relay pass after each commit that wakes it and every
 * poll interval, keeps the last failure, and stops for good on a {@link CapturedTableChangedException} (moving
 * nothing more until the table is installed again).
 */
final class BackgroundRelay {
    /**
     * How long a pass woken by a commit waits for further commits to join it (never longer than the poll
     * interval): the delay a background-relayed change may gain, for one pass per window instead of per commit.
     */
    private static final Duration GATHER_LIMIT = Duration.ofMillis(10);

    private final String threadName;
    private final Duration pollInterval;
    private final Runnable pass;
    private final Duration gather;
    private final Object wake = new Object();
    private boolean woken;
    private Thread thread;
    private volatile boolean running;
    private volatile Throwable failure;

    /**
     * @param threadName the thread's name
     * @param pollInterval the longest wait between two passes
     * @param pass one relay pass; its exceptions are kept as {@link #failure()}
     */
    BackgroundRelay(String threadName, Duration pollInterval, Runnable pass) {
        this.threadName = threadName;
        this.pollInterval = pollInterval;
        this.pass = pass;
        this.gather = pollInterval.compareTo(GATHER_LIMIT) < 0 ? pollInterval : GATHER_LIMIT;
    }

    /** Starts the thread unless it runs. */
    synchronized void start() {
        if (thread != null && thread.isAlive()) {
            return;
        }
        running = true;
        failure = null;
        thread = new Thread(this::run, threadName);
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        while (running) {
            try {
                pass.run();
                failure = null;
            } catch (CapturedTableChangedException e) {
                failure = e;
                running = false;
                return;
            } catch (RuntimeException e) {
                failure = e;
            }
            synchronized (wake) {
                long deadline = System.nanoTime() + pollInterval.toNanos();
                while (running && !woken) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        break;
                    }
                    try {
                        wake.wait(Math.max(1, left / 1_000_000));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        running = false;
                    }
                }
                if (woken && running) {
                    // Woken by a commit: let the commits of the next few milliseconds join the same pass. A pass has
                    // a fixed cost (a read, a log commit, a clean-up transaction in the database); paid per commit it
                    // took a core from the application. Later wakes do not cut the window short, only stop() does.
                    long gatherEnd = System.nanoTime() + gather.toNanos();
                    long left;
                    while (running && (left = gatherEnd - System.nanoTime()) > 0) {
                        try {
                            wake.wait(Math.max(1, left / 1_000_000));
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            running = false;
                        }
                    }
                }
                woken = false;
            }
        }
    }

    /** Makes the thread run a pass soon (a commit happened). */
    void wake() {
        synchronized (wake) {
            woken = true;
            wake.notifyAll();
        }
    }

    boolean isRunning() {
        Thread t = thread;
        return running && t != null && t.isAlive();
    }

    Throwable failure() {
        return failure;
    }

    /** Stops the thread and waits for its current pass; keeps the caller's interrupt status. */
    void stop() {
        Thread t;
        synchronized (this) {
            running = false;
            t = thread;
            thread = null;
        }
        wake();
        if (t != null) {
            boolean interrupted = false;
            while (t.isAlive()) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
