package io.github.deltalog;

/**
 * Thrown when a log file, its journal or a stored delta fails its checks (checksum, structure, truncation).
 */
public class CorruptLogException extends DeltaLogException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what went wrong, naming the table, row, file or value at fault
     */
    public CorruptLogException(String message) {
        super(message);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message what went wrong, naming the table, row, file or value at fault
     * @param cause the underlying failure
     */
    public CorruptLogException(String message, Throwable cause) {
        super(message, cause);
    }
}
