package io.github.deltalog.sync;

import io.github.deltalog.DeltaLog;
import java.util.Objects;

/**
 * One side of a {@link TwoWaySync}: a name (unique among the peers it syncs with), the log its local changes are
 * recorded in, and the target its rows live in. The application writes a row to the target and records the
 * change in the log; changes that come from a peer are written to the target only, so they never echo back.
 *
 * @param name the replica's name; its peers keep its position as the consumer {@code "sync:" + name}
 * @param log the log of the replica's local changes
 * @param target the replica's rows
 */
public record Replica(String name, DeltaLog log, ApplyTarget target) {
    /**
     * Creates a replica; throws NullPointerException for a null part, IllegalArgumentException for a blank name.
     *
     * @param name the replica's name; its peers keep its position as the consumer {@code "sync:" + name}
     * @param log the log of the replica's local changes
     * @param target the replica's rows
     */
    public Replica {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(log, "log");
        Objects.requireNonNull(target, "target");
        if (name.trim().isEmpty()) {
            throw new IllegalArgumentException("a replica needs a non-blank name");
        }
    }

    /** Returns the name of the consumer, in a peer's log, that holds how far this replica has applied it. */
    String consumerName() {
        return "sync:" + name;
    }
}
