package io.github.deltalog.cli;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/** The CPU time of the current thread, to tell work from waiting (fsync, a busy machine) in the demo's timings. */
final class CpuClock {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /** Whether this JVM measures thread CPU time; if not, {@link #now()} returns 0. */
    static final boolean SUPPORTED = THREADS.isCurrentThreadCpuTimeSupported();

    private CpuClock() {}

    /** Returns the current thread's CPU time in nanoseconds, or 0 if it cannot be measured. */
    static long now() {
        return SUPPORTED ? THREADS.getCurrentThreadCpuTime() : 0;
    }
}
