package io.github.deltalog.store;

import io.github.deltalog.CorruptLogException;
import io.github.deltalog.DeltaLogException;
import io.github.deltalog.LogClosedException;

/**
 * Turns what MVStore and the JVM throw while reading a damaged file into the log's typed exceptions. MVStore
 * checks its chunk headers, not page contents, so a damaged page surfaces lazily, wherever a read first touches
 * it (a cursor step, a count, a purge, a checkpoint), as an {@code MVStoreException}, an index or buffer
 * exception, or an {@code OutOfMemoryError} when a damaged length or count inside a page is allocated as is; with
 * assertions enabled ({@code -ea}), MVStore's own checks of a page's shape throw an {@code AssertionError} (the log's
 * code has no assertions). (Found by HostileFileTest and SalvageCopyTest.)
 */
final class StoreFailures {
    private StoreFailures() {}

    /** Tells whether a failure of a store call is one {@link #translate} turns into a typed exception. */
    static boolean translatable(Throwable t) {
        return t instanceof RuntimeException
                || t instanceof OutOfMemoryError
                || t instanceof StackOverflowError
                || t instanceof AssertionError;
    }

    /**
     * Maps a failure of a store call: typed exceptions stay as they are; on a closed log it is a
     * {@link LogClosedException}; an I/O failure is a {@link io.github.deltalog.LogIOException} naming its cause;
     * anything else means the file is damaged.
     *
     * @param e what the store call threw
     * @param label the file, for the message
     * @param closed whether the log was closed meanwhile
     */
    static DeltaLogException translate(Throwable e, String label, boolean closed) {
        if (e instanceof DeltaLogException d) {
            return d;
        }
        if (closed) {
            return new LogClosedException("log " + label + " is closed", e);
        }
        if (FileErrors.ioCause(e) != null) {
            // A full disk, a denied permission, a device error: not the file's content.
            return FileErrors.of("cannot access log file " + label, e);
        }
        if (e instanceof OutOfMemoryError) {
            // A single array of a damaged size failed to allocate; the heap itself is fine.
            return new CorruptLogException(
                    "log file " + label + " is corrupt: a stored length or count asks for more memory than the"
                            + " heap has (" + e.getMessage() + ")",
                    e);
        }
        return new CorruptLogException("log file " + label + " is corrupt: " + e, e);
    }

    /** Rethrows a failure of a store call, translated if it is {@link #translatable}. */
    static RuntimeException rethrow(Throwable e, String label, boolean closed) {
        if (translatable(e)) {
            throw translate(e, label, closed);
        }
        if (e instanceof Error error) {
            throw error;
        }
        throw new IllegalStateException(e);
    }
}
