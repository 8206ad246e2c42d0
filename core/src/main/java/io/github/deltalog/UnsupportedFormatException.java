package io.github.deltalog;

/**
 * Thrown when a log file was written in a format version this version of deltalog does not know.
 */
public class UnsupportedFormatException extends DeltaLogException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what went wrong, naming the table, row, file or value at fault
     */
    public UnsupportedFormatException(String message) {
        super(message);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message what went wrong, naming the table, row, file or value at fault
     * @param cause the underlying failure
     */
    public UnsupportedFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
