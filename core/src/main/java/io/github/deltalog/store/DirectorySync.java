package io.github.deltalog.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Forces a folder's entries to disk, so that a file just created or renamed in it survives a power cut: a
 * file's own fsync makes its bytes durable, not the name under which the folder lists it. Without it, a store
 * that names a new journal generation could come back from a power cut without that journal, and recovery would
 * refuse the log as one whose journal is missing.
 */
final class DirectorySync {
    private DirectorySync() {}

    /**
     * Forces the entries of the folder that holds {@code file}. File systems that cannot open a folder as a
     * channel (Windows) make a rename durable by themselves; there this does nothing.
     *
     * @throws IOException if the folder opens but cannot be forced (a failing disk)
     */
    static void syncParent(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        if (dir == null) {
            return;
        }
        FileChannel channel;
        try {
            channel = FileChannel.open(dir, StandardOpenOption.READ);
        } catch (IOException | UnsupportedOperationException notSupported) {
            return;
        }
        try (FileChannel c = channel) {
            c.force(true);
        }
    }
}
