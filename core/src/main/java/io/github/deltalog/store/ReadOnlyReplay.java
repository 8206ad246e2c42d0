package io.github.deltalog.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Where a read-only open replays its journal. A small journal is replayed into the store's maps in memory, as
 * MVStore keeps what a read-only store is given. A journal larger than {@link #inMemoryLimit()} is replayed
 * through a copy-on-write view of the store file ({@link OverlayFilePath}): recovery then stores what it replayed
 * every few MiB, as a read-write open does, but into a private overlay file in the temporary folder, so memory
 * stays bounded whatever the journal's size and the log's files are never written. The overlay holds about what
 * the replay stores (the journal's deltas in store pages) and is deleted when the log closes.
 */
final class ReadOnlyReplay {
    private static final Logger LOG = Logger.getLogger(ReadOnlyReplay.class.getName());

    private ReadOnlyReplay() {}

    /** Journal bytes up to which a read-only open replays in memory: a sixteenth of the heap. */
    static long inMemoryLimit() {
        return Runtime.getRuntime().maxMemory() / 16;
    }

    /**
     * Decides how a read-only open replays a journal.
     *
     * @param journal the journal path (its rotated {@code .old} generation counts too)
     * @return a new empty overlay file to replay through, or null to replay in memory (a small journal, or no
     *     temporary file could be created: then recovery refuses a journal too large for the heap)
     */
    static Path overlayFor(Path journal) {
        long bytes = size(journal) + size(Journal.oldPath(journal));
        if (bytes <= inMemoryLimit()) {
            return null;
        }
        try {
            // Owner-only permissions on POSIX systems; with an encryption key the overlay holds encrypted blocks.
            return Files.createTempFile("deltalog-replay-", ".overlay");
        } catch (IOException | SecurityException | UnsupportedOperationException e) {
            LOG.log(
                    Level.WARNING,
                    "cannot create a temporary file to replay {0} read-only ({1}): replaying it in memory",
                    new Object[] {journal, e.toString()});
            return null;
        }
    }

    private static long size(Path file) {
        try {
            return Files.isRegularFile(file) ? Files.size(file) : 0;
        } catch (IOException e) {
            return 0; // recovery reads the file and reports what is wrong with it
        }
    }
}
