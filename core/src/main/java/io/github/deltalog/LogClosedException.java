package io.github.deltalog;

/**
 * Thrown by any operation on a log (or one of its transactions or cursors) after the log was closed.
 */
public class LogClosedException extends DeltaLogException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what went wrong, naming the table, row, file or value at fault
     */
    public LogClosedException(String message) {
        super(message);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message what went wrong, naming the table, row, file or value at fault
     * @param cause the underlying failure
     */
    public LogClosedException(String message, Throwable cause) {
        super(message, cause);
    }
}
