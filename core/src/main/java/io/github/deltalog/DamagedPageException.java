package io.github.deltalog;

/**
 * Thrown by a cursor that met a damaged page of the log file: the deltas stored in it cannot be read. The
 * cursor has moved past them; calling it again goes on with the next readable delta (this is how {@code deltalog
 * verify} reports every damaged page and goes on).
 */
public class DamagedPageException extends CorruptLogException {
    private static final long serialVersionUID = 1L;

    /** What {@link #skippedDeltas()} returns when the number of hidden deltas cannot be known. */
    public static final long UNKNOWN = -1;

    /** How many deltas the damaged page hides, or {@link #UNKNOWN}. */
    private final long skippedDeltas;

    /**
     * Creates the exception.
     *
     * @param message what went wrong, naming the file, the table and where the damage starts
     * @param skippedDeltas how many deltas the cursor skipped, or {@link #UNKNOWN}
     * @param cause what the store threw while reading the page
     */
    public DamagedPageException(String message, long skippedDeltas, Throwable cause) {
        super(message, cause);
        this.skippedDeltas = skippedDeltas;
    }

    /**
     * Returns how many deltas of the cursor's range the damaged page held (the cursor skipped them), when that
     * can be known. The number comes from the counts the file's inner pages keep; when the damage reached those
     * counts (or the keys around it), they disagree with each other and the number is {@link #UNKNOWN} rather
     * than a wrong one.
     *
     * @return the number of deltas skipped, at least 1, or {@link #UNKNOWN}
     */
    public long skippedDeltas() {
        return skippedDeltas;
    }

    /**
     * Tells whether {@link #skippedDeltas()} is a count rather than {@link #UNKNOWN}.
     *
     * @return true if the number of deltas skipped is known
     */
    public boolean isSkippedKnown() {
        return skippedDeltas != UNKNOWN;
    }
}
