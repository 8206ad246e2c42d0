package io.github.deltalog.store;

import java.nio.file.Path;
import org.h2.mvstore.MVStore;

/**
 * An MVStore just opened for a log, with what the engine needs to know about where it came from.
 *
 * @param store the store
 * @param owns whether the log closes the store (false when attached to an application's store)
 * @param label the file or namespace, for messages
 * @param registered the canonical path held in the open-file registry, or null
 * @param journalPath the journal file, or null when there is no journal
 * @param journalKey the journal's encryption key bytes, or null
 * @param namespace the map name prefix when attached, or null
 */
record Opened(
        MVStore store,
        boolean owns,
        String label,
        Path registered,
        Path journalPath,
        byte[] journalKey,
        String namespace) {

    /** Releases what a failed open holds: the store (without writing) and the registry entry. */
    void abandon() {
        try {
            if (owns) {
                store.closeImmediately();
            }
        } finally {
            if (registered != null) {
                OpenFiles.release(registered);
            }
        }
    }
}
