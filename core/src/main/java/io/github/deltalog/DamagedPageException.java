package io.github.deltalog;

/**
 * Thrown by a cursor that met a damaged page of the log file: the deltas stored in it cannot be read. The
 * cursor has moved past them; calling it again goes on with the next readable delta (this is how {@code deltalog
 * verify} reports every damaged page and goes on).
 */
public class DamagedPageException extends CorruptLogException {
    private static final long serialVersionUID = 1L;

    /** How many deltas the damaged page hides. */
    private final long skippedDeltas;

    /**
     * Creates the exception.
     *
     * @param message what went wrong, naming the file, the table and where the damage starts
     * @param skippedDeltas how many deltas the cursor skipped, as the log's counts know them
     * @param cause what the store threw while reading the page
     */
    public DamagedPageException(String message, long skippedDeltas, Throwable cause) {
        super(message, cause);
        this.skippedDeltas = skippedDeltas;
    }

    /**
     * Returns how many deltas of the cursor's range the damaged page held (the cursor skipped them).
     *
     * @return the number of deltas skipped, at least 1
     */
    public long skippedDeltas() {
        return skippedDeltas;
    }
}
