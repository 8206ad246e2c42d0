package io.github.deltalog.cli;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * Progress of a long phase on standard error: a bar redrawn in place when a console is attached, otherwise the
 * phase's name and a mark at every tenth, on one line.
 */
final class Progress {
    private static final int WIDTH = 30;

    private final PrintWriter err;
    private final boolean console;
    private String phase;
    private long total;
    private int shown;
    private long lastDraw;

    Progress(PrintWriter err, boolean console) {
        this.err = err;
        this.console = console;
    }

    /** Starts a phase of {@code total} steps. */
    void start(String name, long steps) {
        this.phase = name;
        this.total = Math.max(1, steps);
        this.shown = console ? -1 : 0;
        this.lastDraw = 0;
        if (!console) {
            err.print(name + ":");
            err.flush();
        }
        update(0);
    }

    /** Reports that {@code done} steps are done. */
    void update(long done) {
        int percent = (int) Math.min(100, done * 100 / total);
        if (console) {
            long now = System.nanoTime();
            if (percent == shown && now - lastDraw < 200_000_000L) {
                return;
            }
            lastDraw = now;
            shown = percent;
            int filled = percent * WIDTH / 100;
            err.printf(
                    Locale.ROOT,
                    "\r%-8s [%s%s] %3d%%  %,d/%,d",
                    phase,
                    "#".repeat(filled),
                    "-".repeat(WIDTH - filled),
                    percent,
                    done,
                    total);
            err.flush();
        } else if (percent / 10 * 10 > shown) {
            shown = percent / 10 * 10;
            err.print(" " + shown + "%");
            err.flush();
        }
    }

    /** Ends the phase. */
    void finish() {
        update(total);
        err.println();
        err.flush();
    }
}
