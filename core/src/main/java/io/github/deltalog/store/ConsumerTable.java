package io.github.deltalog.store;

import io.github.deltalog.Durability;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code consumers} map: name to position. Reads are lock-free on the map; changes are journaled like
 * commits, under the write lock, and as durable as the log's level says. Holds no lock of its own.
 */
final class ConsumerTable {
    private final StoreState s;

    ConsumerTable(StoreState s) {
        this.s = s;
    }

    /** Returns a consumer's position, or null if there is no such consumer. */
    Long position(String name) {
        s.checkOpen();
        try {
            return s.consumers.get(name);
        } catch (RuntimeException | OutOfMemoryError | StackOverflowError e) {
            throw s.rethrow(e);
        }
    }

    /** Returns the names of all consumers, sorted. */
    List<String> names() {
        s.checkOpen();
        try {
            return new ArrayList<>(s.consumers.keySet());
        } catch (RuntimeException | OutOfMemoryError | StackOverflowError e) {
            throw s.rethrow(e);
        }
    }

    /** Returns every consumer's position by name. */
    Map<String, Long> positions() {
        s.checkOpen();
        try {
            return new TreeMap<>(s.consumers);
        } catch (RuntimeException | OutOfMemoryError | StackOverflowError e) {
            throw s.rethrow(e);
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
            } catch (RuntimeException | OutOfMemoryError | StackOverflowError e) {
                throw s.rethrow(e);
            }
            if (exists == (change == Change.CREATE)) {
                return false;
            }
            long journaled = change == Change.DROP ? JournalFiles.DROPPED : position;
            if (s.journal != null) {
                s.record.consumer(name, journaled);
                seq = s.journal.append(s.record.finish(), 0, s.record.length());
            }
            if (change == Change.DROP) {
                s.consumers.remove(name);
            } else {
                s.consumers.put(name, position);
            }
        } finally {
            s.writeLock.unlock();
        }
        if (s.journal != null && s.durability == Durability.SYNC) {
            s.journal.syncTo(seq);
        }
        return true;
    }
}
