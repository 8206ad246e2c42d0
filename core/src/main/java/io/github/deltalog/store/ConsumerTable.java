package io.github.deltalog.store;

import io.github.deltalog.Durability;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.h2.mvstore.MVMap;

/**
 * The {@code consumers} map: name to position. Reads are lock-free on the map; changes are journaled like
 * commits, under the write lock, and as durable as the log's level says. Holds no lock of its own.
 *
 * <p>Beside it, the {@code consumerAdvanced} map keeps when each consumer was created or last moved (microseconds
 * of the log's clock). It is informational: not journaled, so stored by the next checkpoint; after a crash it may
 * be as old as the last checkpoint. Files written before it existed have no such map and report no time.
 */
final class ConsumerTable {
    /** The name (after the namespace prefix) of the map of last-advance times. */
    static final String ADVANCED_MAP = "consumerAdvanced";

    private final StoreState s;
    /** Name to the time of the last change, or null in a read-only open of a file without the map. */
    private final MVMap<String, Long> advanced;

    private final Clock clock;

    ConsumerTable(StoreState s, MVMap<String, Long> advanced, Clock clock) {
        this.s = s;
        this.advanced = advanced;
        this.clock = clock;
    }

    /**
     * Returns when a consumer was created or last moved, in microseconds since the epoch, or null if unknown (a
     * file written before these times were kept, or no such consumer).
     */
    Long lastAdvanced(String name) {
        s.checkOpen();
        if (advanced == null) {
            return null;
        }
        try {
            return advanced.get(name);
        } catch (RuntimeException | OutOfMemoryError | StackOverflowError | AssertionError e) {
            throw s.rethrow(e);
        }
    }

    /** Returns a consumer's position, or null if there is no such consumer. */
    Long position(String name) {
        s.checkOpen();
        try {
            return s.consumers.get(name);
        } catch (RuntimeException | OutOfMemoryError | StackOverflowError | AssertionError e) {
            throw s.rethrow(e);
        }
    }

    /** Returns the names of all consumers, sorted. */
    List<String> names() {
        s.checkOpen();
        try {
            return new ArrayList<>(s.consumers.keySet());
        } catch (RuntimeException | OutOfMemoryError | StackOverflowError | AssertionError e) {
            throw s.rethrow(e);
        }
    }

    /** Returns every consumer's position by name. */
    Map<String, Long> positions() {
        s.checkOpen();
        try {
            return new TreeMap<>(s.consumers);
        } catch (RuntimeException | OutOfMemoryError | StackOverflowError | AssertionError e) {
            throw s.rethrow(e);
        }
    }

    /**
     * Sets (or with null removes) a consumer's position and its last-advance time without a journal record; only
     * under the checkpoint and write locks, inside a step a checkpoint stores.
     */
    void setInCheckpoint(String name, Long position) {
        if (position == null) {
            s.consumers.remove(name);
            if (advanced != null) {
                advanced.remove(name);
            }
        } else {
            s.consumers.put(name, position);
            if (advanced != null) {
                advanced.put(name, Micros.of(clock.instant()));
            }
        }
    }

    /** What a change does to the consumer of its name. */
    enum Change {
        /** Creates it unless it exists. */
        CREATE,
        /** Moves it if it exists. */
        MOVE,
        /** Drops it if it exists. */
        DROP
    }

    /**
     * Creates, moves or drops a consumer, journaled like a commit.
     *
     * @return false if the consumer existed (create) or did not (move, drop): nothing changed
     */
    boolean change(String name, long position, Change change) {
        s.checkWritable("change consumer '" + name + "'");
        long seq = 0;
        s.writeLock.lock();
        try {
            s.checkOpen();
            boolean exists;
            try {
                exists = s.consumers.containsKey(name);
            } catch (RuntimeException | OutOfMemoryError | StackOverflowError | AssertionError e) {
                throw s.rethrow(e);
            }
            if (exists == (change == Change.CREATE)) {
                return false;
            }
            long journaled = change == Change.DROP ? JournalFiles.DROPPED : position;
            if (s.journal != null) {
                s.record.consumer(name, journaled);
                seq = s.append();
            }
            if (change == Change.DROP) {
                s.consumers.remove(name);
                advanced.remove(name);
            } else {
                s.consumers.put(name, position);
                advanced.put(name, Micros.of(clock.instant()));
            }
        } finally {
            s.writeLock.unlock();
        }
        if (s.journal != null && s.durability == Durability.SYNC) {
            s.syncTo(seq);
        }
        return true;
    }
}
