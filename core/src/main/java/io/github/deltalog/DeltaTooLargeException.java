package io.github.deltalog;

/**
 * Thrown when one encoded delta is larger than the 16 MiB limit; nothing is recorded.
 */
public class DeltaTooLargeException extends DeltaLogException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what went wrong, naming the table, row, file or value at fault
     */
    public DeltaTooLargeException(String message) {
        super(message);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message what went wrong, naming the table, row, file or value at fault
     * @param cause the underlying failure
     */
    public DeltaTooLargeException(String message, Throwable cause) {
        super(message, cause);
    }
}
