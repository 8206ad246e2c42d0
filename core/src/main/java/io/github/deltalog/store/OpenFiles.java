package io.github.deltalog.store;

import io.github.deltalog.FileLockedException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The log files this process has open. MVStore's file lock is per process: a second open of the same file in
 * one JVM would be refused by the OS lock only after MVStore had already released it. So a second open is
 * refused here, before MVStore touches the file.
 */
final class OpenFiles {
    private static final Set<Path> OPEN = ConcurrentHashMap.newKeySet();

    private OpenFiles() {}

    /** Registers a file as open; returns the canonical path to {@link #release} later. */
    static Path acquire(Path file) {
        Path canonical = canonical(file);
        if (!OPEN.add(canonical)) {
            throw new FileLockedException("log file " + file + " is already open in this process");
        }
        return canonical;
    }

    /** Forgets a file registered by {@link #acquire}. */
    static void release(Path canonical) {
        OPEN.remove(canonical);
    }

    private static Path canonical(Path file) {
        Path abs = file.toAbsolutePath().normalize();
        try {
            Path dir = abs.getParent();
            return dir == null ? abs : dir.toRealPath().resolve(abs.getFileName());
        } catch (IOException e) {
            return abs; // the folder does not exist yet; opening will say so
        }
    }
}
