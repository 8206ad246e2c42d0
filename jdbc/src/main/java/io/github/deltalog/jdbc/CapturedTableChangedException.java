package io.github.deltalog.jdbc;

/**
 * Thrown when a captured table changed (DDL) in a way capture cannot follow: by the relay when the table was
 * dropped, lost its triggers, or had a column retyped (other than widened), moved or made part of another key;
 * by {@link Capture#install} for such a new shape. Nothing of the pending changes is moved then, so the log never
 * holds a row of the wrong shape. (Appended or dropped columns and widened types are followed: the relay
 * re-installs capture and the log records a new schema version.)
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
