package io.github.deltalog;

/**
 * Thrown when the clock gives a time that a commit timestamp cannot hold with headroom (after year 100 000,
 * for example {@code Instant.MAX}); nothing is recorded. The log keeps working with a sane clock.
 */
public class ClockOutOfRangeException extends DeltaLogException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what went wrong, naming the file and the cause
     */
    public ClockOutOfRangeException(String message) {
        super(message);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message what went wrong, naming the file and the cause
     * @param cause the underlying failure
     */
    public ClockOutOfRangeException(String message, Throwable cause) {
        super(message, cause);
    }
}
