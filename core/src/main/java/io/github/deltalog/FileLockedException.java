package io.github.deltalog;

/**
 * Thrown when a log file is already open, in this process or another one.
 */
public class FileLockedException extends DeltaLogException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what went wrong, naming the table, row, file or value at fault
     */
    public FileLockedException(String message) {
        super(message);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message what went wrong, naming the table, row, file or value at fault
     * @param cause the underlying failure
     */
    public FileLockedException(String message, Throwable cause) {
        super(message, cause);
    }
}
