package io.github.deltalog;

/**
 * The root of every failure deltalog reports. Unchecked. A failed operation leaves the log as it was.
 */
public class DeltaLogException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what went wrong, naming the table, row, file or value at fault
     */
    public DeltaLogException(String message) {
        super(message);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message what went wrong, naming the table, row, file or value at fault
     * @param cause the underlying failure
     */
    public DeltaLogException(String message, Throwable cause) {
        super(message, cause);
    }
}
