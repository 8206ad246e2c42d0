package io.github.deltalog;

/**
 * Thrown when a change is recorded into, or read from, a table the log does not know or no longer tracks.
 */
public class UntrackedTableException extends DeltaLogException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what went wrong, naming the table, row, file or value at fault
     */
    public UntrackedTableException(String message) {
        super(message);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message what went wrong, naming the table, row, file or value at fault
     * @param cause the underlying failure
     */
    public UntrackedTableException(String message, Throwable cause) {
        super(message, cause);
    }
}
