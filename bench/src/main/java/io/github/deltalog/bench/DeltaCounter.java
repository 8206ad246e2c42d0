package io.github.deltalog.bench;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * Counts the deltas a benchmark handled; JMH resets it before each iteration and reports it as the secondary
 * result {@code deltas}, normalised like the primary one (deltas per second in throughput mode), whatever the
 * number of deltas per operation.
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.OPERATIONS)
public class DeltaCounter {
    /** Deltas handled in the current iteration. */
    public long deltas;
}
