package io.github.deltalog;

/**
 * Thrown when a log opened read-only is asked to change.
 */
public class ReadOnlyLogException extends DeltaLogException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what went wrong, naming the table, row, file or value at fault
     */
    public ReadOnlyLogException(String message) {
        super(message);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message what went wrong, naming the table, row, file or value at fault
     * @param cause the underlying failure
     */
    public ReadOnlyLogException(String message, Throwable cause) {
        super(message, cause);
    }
}
