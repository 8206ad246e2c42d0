package io.github.deltalog.bench;

import java.lang.management.ManagementFactory;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * The CPU time of the whole benchmark JVM (every thread: the benchmark thread, the log's checkpoint thread, garbage
 * collection, compilation), reported as the secondary result {@code processCpuNanos} in nanoseconds of CPU per second
 * of the iteration. Divided by the {@code deltas} rate of the same iteration it gives CPU nanoseconds per delta
 * including background work, which other processes' load moves far less than wall-clock throughput. The clock is
 * read every {@code every} calls of {@link #sample}, so a cheap operation does not pay a system call each time; the
 * time since the last reading at an iteration's end counts in the next iteration.
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.OPERATIONS)
public class ProcessCpuTime {
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    /** CPU nanoseconds of the JVM in the current iteration. */
    public long processCpuNanos;

    private long last = OS.getProcessCpuTime();
    private int calls;

    /**
     * Adds the JVM's CPU time since the last reading, every {@code every} calls.
     *
     * @param every a power of two
     */
    void sample(int every) {
        if ((++calls & (every - 1)) == 0) {
            long now = OS.getProcessCpuTime();
            processCpuNanos += now - last;
            last = now;
        }
    }
}
