package io.github.deltalog;

/**
 * Thrown by every call of a log whose store file could not be written (a checkpoint failed: disk full, I/O
 * error). The log cannot go on in this process: close it and open it again once the cause is gone. Every commit
 * acknowledged before the failure is in the journal and is recovered by that open; the message names the
 * original cause.
 */
public class LogFailedException extends DeltaLogException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what went wrong, naming the file and the cause
     */
    public LogFailedException(String message) {
        super(message);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message what went wrong, naming the file and the cause
     * @param cause the underlying failure
     */
    public LogFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
