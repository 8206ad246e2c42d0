package io.github.deltalog.jdbc;

import io.github.deltalog.DeltaLogException;

/**
 * Thrown when change capture cannot install, uninstall or relay: a wrong URL, a missing table, a table without a
 * usable row id, a column type the log cannot hold, a locked database. The message names the table or column.
 */
public class CaptureException extends DeltaLogException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what went wrong, naming the table or column at fault
     */
    public CaptureException(String message) {
        super(message);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message what went wrong, naming the table or column at fault
     * @param cause the underlying failure
     */
    public CaptureException(String message, Throwable cause) {
        super(message, cause);
    }
}
