package io.github.deltalog;

/**
 * Thrown when a stale consumer reads: a hard retention cap purged deltas it had not read yet. Call {@code
 * reset()} on it after rebuilding whatever it feeds from the base data.
 */
public class StaleConsumerException extends DeltaLogException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what went wrong, naming the table, row, file or value at fault
     */
    public StaleConsumerException(String message) {
        super(message);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message what went wrong, naming the table, row, file or value at fault
     * @param cause the underlying failure
     */
    public StaleConsumerException(String message, Throwable cause) {
        super(message, cause);
    }
}
