package io.github.deltalog.view;

import io.github.deltalog.DeltaLogException;

/**
 * A view cannot be built or kept: its definition does not fit the rows (a missing column, a value that cannot be
 * summed), it was opened with another definition, or its base rows are incomplete. The view is left as it was.
 */
public class ViewException extends DeltaLogException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what went wrong, naming the view, table, row and column
     */
    public ViewException(String message) {
        super(message);
    }

    /**
     * Creates the exception with a cause.
     *
     * @param message what went wrong
     * @param cause the underlying failure
     */
    public ViewException(String message, Throwable cause) {
        super(message, cause);
    }
}
