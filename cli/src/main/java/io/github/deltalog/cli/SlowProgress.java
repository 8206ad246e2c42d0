package io.github.deltalog.cli;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * Progress for maintenance commands that are usually quick: nothing is printed unless the work runs longer than
 * a second, so that scripts and short runs stay quiet. Two forms: counted steps ({@link #steps}, shown as {@link
 * Progress} shows them) and a single long call ({@link #ticker}, shown as the time it has been running).
 */
final class SlowProgress implements AutoCloseable {
    /** How long work runs before progress is shown. */
    static final long QUIET_NANOS = 1_000_000_000L;

    private final PrintWriter err;
    private final boolean console;
    private final String name;
    private final long total;
    private final long started = System.nanoTime();
    private Progress shown;
    private long lastCheck;
    private Thread ticker;
    private volatile boolean done;

    private SlowProgress(PrintWriter err, String name, long total) {
        this.err = err;
        this.console = System.console() != null;
        this.name = name;
        this.total = total;
    }

    /**
     * Progress of work of {@code total} steps; call {@link #update} as steps are done, then {@link #close()}.
     *
     * @param err where progress goes (standard error)
     * @param name the phase, such as "verifying"
     * @param total the number of steps
     */
    static SlowProgress steps(PrintWriter err, String name, long total) {
        return new SlowProgress(err, name, total);
    }

    /**
     * Progress of one long call: once it has run a second, prints its name and (on a console) the seconds it has
     * run, until {@link #close()}.
     *
     * @param err where progress goes (standard error)
     * @param name what runs, such as "compacting app.deltas"
     */
    static SlowProgress ticker(PrintWriter err, String name) {
        SlowProgress p = new SlowProgress(err, name, 0);
        Thread t = new Thread(p::tick, "deltalog-progress");
        t.setDaemon(true);
        p.ticker = t;
        t.start();
        return p;
    }

    /** Reports that {@code done} steps are done. Cheap when called for every step. */
    void update(long doneSteps) {
        if (shown == null) {
            // System.nanoTime() every 4096 steps only: dump and verify call this per delta.
            if ((++lastCheck & 4095) != 0 || System.nanoTime() - started < QUIET_NANOS) {
                return;
            }
            shown = new Progress(err, console);
            shown.start(name, total);
        }
        shown.update(doneSteps);
    }

    private void tick() {
        try {
            Thread.sleep(QUIET_NANOS / 1_000_000L);
            synchronized (this) {
                if (done) {
                    return;
                }
                err.print(name + " ...");
                err.flush();
                shown = new Progress(err, console);
            }
            while (console) {
                Thread.sleep(1000);
                synchronized (this) {
                    if (done) {
                        return;
                    }
                    err.printf(Locale.ROOT, "\r%s ... %d s", name, (System.nanoTime() - started) / 1_000_000_000L);
                    err.flush();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Ends the progress line, if one was shown. */
    @Override
    public void close() {
        synchronized (this) {
            done = true;
            if (shown == null) {
                return;
            }
            if (ticker != null) {
                err.printf(
                        Locale.ROOT,
                        "%s done in %s%n",
                        console ? "\r" + name + " ..." : "",
                        Format.duration(System.nanoTime() - started));
                err.flush();
            } else {
                shown.finish();
            }
        }
    }
}
