package io.github.deltalog.jdbc;

/**
 * Thrown by the relay when a captured table's columns changed (DDL) since capture was installed for it: nothing of
 * the pending changes is moved until {@link Capture#install} runs again for the table's new shape, so the log never
 * holds a row of the wrong shape.
 */
public class CapturedTableChangedException extends CaptureException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message names the table and its old and new columns
     */
    public CapturedTableChangedException(String message) {
        super(message);
    }
}
