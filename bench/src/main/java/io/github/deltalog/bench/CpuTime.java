package io.github.deltalog.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * The CPU time the benchmark thread spent in its operations, reported as the secondary result {@code cpuNanos}
 * (nanoseconds of CPU per second of the iteration). Divided by the {@code deltas} rate of the same iteration it
 * gives CPU nanoseconds per delta, which other processes' load barely moves, unlike wall-clock throughput on a
 * shared machine. Only for single-threaded work: background threads are not counted.
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.OPERATIONS)
public class CpuTime {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /** CPU nanoseconds of the benchmark thread in the current iteration. */
    public long cpuNanos;

    /** Returns the benchmark thread's CPU time so far, in nanoseconds. */
    static long now() {
        return THREADS.getCurrentThreadCpuTime();
    }
}
