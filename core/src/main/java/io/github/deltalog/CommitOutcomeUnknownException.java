package io.github.deltalog;

/**
 * Thrown by a commit whose journal record was written but could not be made durable (a failed fsync with
 * {@link Durability#SYNC}), or whose outcome cannot be known for another reason: after the log is reopened the
 * transaction may or may not be present, and the application must check before retrying. The log fails every
 * later call (see {@link LogFailedException}).
 */
public class CommitOutcomeUnknownException extends LogFailedException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what went wrong, naming the file and the cause
     */
    public CommitOutcomeUnknownException(String message) {
        super(message);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message what went wrong, naming the file and the cause
     * @param cause the underlying failure
     */
    public CommitOutcomeUnknownException(String message, Throwable cause) {
        super(message, cause);
    }
}
