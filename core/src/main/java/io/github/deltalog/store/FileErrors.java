package io.github.deltalog.store;

import io.github.deltalog.CorruptLogException;
import io.github.deltalog.DeltaLogException;
import io.github.deltalog.LogIOException;
import java.io.IOException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.util.Locale;

/**
 * Names the real cause of a failed file operation, so that a full disk, a denied permission or an interrupt is
 * never reported as corruption (DESIGN §8): the JDK reports them as an {@link IOException} whose message is the
 * operating system's ({@code "No space left on device"}, {@code "Permission denied"}), possibly wrapped by
 * MVStore.
 */
final class FileErrors {
    private FileErrors() {}

    /**
     * Returns the I/O failure in a throwable's cause chain, or null if there is none (then the failure is about
     * the data, not the file system).
     */
    static IOException ioCause(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof InterruptedException) {
                return new java.io.InterruptedIOException("interrupted");
            }
            if (c instanceof IOException io && !(c instanceof java.io.EOFException)) {
                return io;
            }
            if (c.getCause() == c) {
                break;
            }
        }
        return null;
    }

    /** Describes an I/O failure in plain words: "no space left on device", "permission denied", "interrupted". */
    static String describe(IOException e) {
        if (e instanceof ClosedByInterruptException || e instanceof java.io.InterruptedIOException) {
            return "interrupted";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        String m = e.getMessage() == null ? "" : e.getMessage();
        String lower = m.toLowerCase(Locale.ROOT);
        if (lower.contains("no space left")) {
            return "no space left on device";
        }
        if (lower.contains("permission denied") || lower.contains("access is denied")) {
            return "permission denied";
        }
        if (lower.contains("disk quota exceeded")) {
            return "disk quota exceeded";
        }
        if (lower.contains("file too large")) {
            return "file too large (a file size limit)";
        }
        if (lower.contains("read-only file system")) {
            return "read-only file system";
        }
        if (e instanceof FileSystemException fs && fs.getReason() != null) {
            return fs.getReason();
        }
        return m.isEmpty() ? e.getClass().getSimpleName() : m;
    }

    /** Describes any failure: the I/O cause in plain words if there is one, else its message. */
    static String describeAny(Throwable e) {
        if (e == null) {
            return "unknown cause";
        }
        IOException io = ioCause(e);
        if (io != null) {
            return describe(io);
        }
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }

    /**
     * Returns the exception for a failed operation on a log file: a {@link LogIOException} naming the cause when
     * the file system failed, else a {@link CorruptLogException}.
     *
     * @param what what was being done, e.g. "cannot write journal x.deltas.journal"
     * @param e what was thrown
     */
    static DeltaLogException of(String what, Throwable e) {
        if (e instanceof DeltaLogException d) {
            return d;
        }
        IOException io = ioCause(e);
        if (io != null) {
            return new LogIOException(what + ": " + describe(io), e);
        }
        return new CorruptLogException(what + ": " + e.getMessage(), e);
    }
}
