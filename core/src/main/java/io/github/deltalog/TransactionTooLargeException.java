package io.github.deltalog;

/**
 * Thrown when one transaction's encoded deltas exceed the 256 MiB limit of a journal record
 * ({@link #MAX_TRANSACTION_BYTES}); nothing is recorded. Split the work into smaller transactions.
 */
public class TransactionTooLargeException extends DeltaLogException {
    private static final long serialVersionUID = 1L;

    /** The most bytes the encoded deltas of one transaction may take, with their keys: 256 MiB. */
    public static final int MAX_TRANSACTION_BYTES = 256 << 20;

    /**
     * Creates the exception.
     *
     * @param message what went wrong, naming the file and the cause
     */
    public TransactionTooLargeException(String message) {
        super(message);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message what went wrong, naming the file and the cause
     * @param cause the underlying failure
     */
    public TransactionTooLargeException(String message, Throwable cause) {
        super(message, cause);
    }
}
