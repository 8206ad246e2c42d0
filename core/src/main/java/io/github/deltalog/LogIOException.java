package io.github.deltalog;

/**
 * Thrown when reading or writing the log's files fails for a reason other than corruption: no space left on
 * the device, permission denied, an I/O error of the device. The message names the file and the cause. The call
 * that throws it has not happened; the log stays usable unless a {@link LogFailedException} says otherwise.
 */
public class LogIOException extends DeltaLogException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what went wrong, naming the file and the cause
     */
    public LogIOException(String message) {
        super(message);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message what went wrong, naming the file and the cause
     * @param cause the underlying failure
     */
    public LogIOException(String message, Throwable cause) {
        super(message, cause);
    }
}
