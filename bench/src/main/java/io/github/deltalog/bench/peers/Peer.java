package io.github.deltalog.bench.peers;

import io.github.deltalog.Delta;
import io.github.deltalog.bench.Workload;
import java.util.function.Consumer;

/**
 * A peer implementation of the change log that the benchmarks run next to deltalog (DESIGN §9): it records the
 * workload's transactions, reads one table's changes after a position decoded into {@link Delta}s, and counts
 * them. Positions are the peer's own commit timestamps (microseconds, strictly increasing per transaction).
 */
public interface Peer extends AutoCloseable {
    /**
     * Records one transaction.
     *
     * @param tx the changes
     * @param rowShift added to every row id (the benchmarks replay a workload with shifted ids)
     * @return the transaction's timestamp
     */
    long record(Workload.Transaction tx, long rowShift);

    /**
     * Returns the position after which exactly the last {@code range} changes of a table follow (set-up code,
     * not timed; {@code range} a multiple of the transaction size).
     *
     * @param table the table
     * @param range how many changes
     * @return the exclusive lower bound
     */
    long afterLast(String table, long range);

    /**
     * Reads and decodes a table's changes after a position, in the peer's order.
     *
     * @param table the table
     * @param after the exclusive lower bound
     * @param sink receives every decoded change
     * @return how many changes were read
     */
    long scan(String table, long after, Consumer<? super Delta> sink);

    /**
     * Counts a table's changes after a position.
     *
     * @param table the table
     * @param after the exclusive lower bound
     * @return the count
     */
    long count(String table, long after);

    /** Releases the store; the data stays on disk. */
    @Override
    void close();
}
