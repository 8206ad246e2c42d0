package io.github.deltalog.bench;

import java.lang.management.ManagementFactory;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * The CPU time of the whole benchmark JVM (every thread: the benchmark thread, the log's checkpoint, garbage
 * collection, compilation) from {@link #start} to {@link #stop}, reported as the secondary result {@code
 * processCpuMs}: milliseconds summed over the iteration's operations, so per operation in single-shot mode. For
 * operations whose work goes on after they return (a view refresh whose pages the next checkpoint writes), the
 * benchmark calls {@link #stop} after that work, outside the timed part.
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.EVENTS)
public class RefreshCpu {
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    /** CPU milliseconds of the JVM in the current iteration's operations. */
    public double processCpuMs;

    private long started = -1;

    /** Reads the JVM's CPU clock at the start of an operation. */
    void start() {
        started = OS.getProcessCpuTime();
    }

    /** Adds the JVM's CPU time since {@link #start}, once per start. */
    void stop() {
        if (started >= 0) {
            processCpuMs += (OS.getProcessCpuTime() - started) / 1e6;
            started = -1;
        }
    }
}
