package io.github.deltalog;

/**
 * Thrown when an encrypted log is opened without a key or with the wrong key, or a plain one with a key.
 */
public class EncryptionKeyException extends DeltaLogException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what went wrong, naming the table, row, file or value at fault
     */
    public EncryptionKeyException(String message) {
        super(message);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message what went wrong, naming the table, row, file or value at fault
     * @param cause the underlying failure
     */
    public EncryptionKeyException(String message, Throwable cause) {
        super(message, cause);
    }
}
