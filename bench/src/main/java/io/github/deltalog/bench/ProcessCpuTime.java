package io.github.deltalog.bench;

import java.lang.management.ManagementFactory;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * The CPU time of the whole benchmark JVM (every thread: the benchmark thread, the log's checkpoint thread, garbage
 * collection, compilation), reported as the secondary result {@code processCpuNanos} in nanoseconds of CPU per second
 * of the iteration. Divided by the {@code deltas} rate of the same iteration it gives CPU nanoseconds per delta
 * including background work, which other processes' load moves far less than wall-clock throughput. The CPU clock
 * is read at most every 10 ms of wall time ({@link #sample} otherwise costs one {@code System.nanoTime()}): reading it
 * sums every thread of the JVM in the kernel and took, read every 64 transactions of one delta, more time than
 * deltalog's journal writes (JFR). The CPU time since the last reading at an iteration's end (at most 10 ms of wall
 * time, 0.5 % of a 2 s iteration) counts in the next iteration.
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.OPERATIONS)
public class ProcessCpuTime {
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    /** CPU nanoseconds of the JVM in the current iteration. */
    public long processCpuNanos;

    private static final long READ_EVERY_NANOS = 10_000_000;

    private long last = OS.getProcessCpuTime();
    private long lastRead = System.nanoTime();

    /** Adds the JVM's CPU time since the last reading, if that reading is 10 ms old or more. */
    void sample() {
        long wall = System.nanoTime();
        if (wall - lastRead >= READ_EVERY_NANOS) {
            long now = OS.getProcessCpuTime();
            processCpuNanos += now - last;
            last = now;
            lastRead = wall;
        }
    }
}
