package io.github.deltalog.store;

import java.io.IOException;
import java.nio.channels.ClosedByInterruptException;
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
    /**
     * The system property that, set to {@code false}, skips the folder force. It gives up the power-cut guarantee
     * above and exists only to measure what the force costs ({@code CheckpointBenchmark} in {@code bench}); read
     * at each call.
     */
    static final String PROPERTY = "deltalog.folderSync";

    private DirectorySync() {}

    /**
     * Forces the entries of the folder that holds {@code file}. File systems that cannot open a folder as a
     * channel (Windows) make a rename durable by themselves; there this does nothing.
     *
     * <p>The folder's channel is a plain, interruptible one: a caller's interrupt would close it half-way and fail
     * the journal rotation for every thread. So it runs with the interrupt flag cleared, again if an interrupt
     * comes meanwhile, and the caller gets its flag back.
     *
     * @throws IOException if the folder opens but cannot be forced (a failing disk)
     */
    static void syncParent(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        if (dir == null || "false".equals(System.getProperty(PROPERTY))) {
            return;
        }
        boolean interrupted = Thread.interrupted();
        try {
            for (int attempt = 1; ; attempt++) {
                try {
                    force(dir);
                    return;
                } catch (ClosedByInterruptException e) {
                    interrupted |= Thread.interrupted();
                    if (attempt == 10) {
                        throw e;
                    }
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void force(Path dir) throws IOException {
        FileChannel channel;
        try {
            channel = FileChannel.open(dir, StandardOpenOption.READ);
        } catch (ClosedByInterruptException e) {
            throw e;
        } catch (IOException | UnsupportedOperationException notSupported) {
            return;
        }
        try (FileChannel c = channel) {
            c.force(true);
        }
    }
}
