package io.github.deltalog.sync;

import io.github.deltalog.DeltaLogException;

/**
 * Thrown when bytes are not a valid SQLite changeset or patchset, or hold something deltalog cannot represent (a
 * table whose key is not one integer column). The message names the byte offset, the table and what was wrong.
 */
public class SqliteFormatException extends DeltaLogException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what was wrong, naming the offset and the table
     */
    public SqliteFormatException(String message) {
        super(message);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message what was wrong, naming the offset and the table
     * @param cause the underlying failure
     */
    public SqliteFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
