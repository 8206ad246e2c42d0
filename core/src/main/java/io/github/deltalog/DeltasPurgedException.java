package io.github.deltalog;

/**
 * Thrown when a read starts before {@code oldestRetained()}: the history asked for was purged, and the log never
 * returns an incomplete answer.
 */
public class DeltasPurgedException extends DeltaLogException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what went wrong, naming the table, row, file or value at fault
     */
    public DeltasPurgedException(String message) {
        super(message);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message what went wrong, naming the table, row, file or value at fault
     * @param cause the underlying failure
     */
    public DeltasPurgedException(String message, Throwable cause) {
        super(message, cause);
    }
}
