package io.github.deltalog.store;

import java.security.SecureRandom;

/**
 * The identity of a log: 128 random bits chosen when the log is created, stored in its {@code meta} map and in
 * the header of every journal generation, so that a journal is never replayed into another log's store.
 *
 * @param high the upper 64 bits
 * @param low the lower 64 bits
 */
record LogId(long high, long low) {
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Creates a new random identity. */
    static LogId random() {
        return new LogId(RANDOM.nextLong(), RANDOM.nextLong());
    }

    @Override
    public String toString() {
        return String.format("%016x%016x", high, low);
    }
}
