package io.github.deltalog.sync;

import io.github.deltalog.DeltaLogException;

/**
 * Thrown when an apply stops at a conflict (the handler answered {@link Resolution#ABORT}, or an answer the
 * conflict does not allow): nothing of the change set was applied.
 */
public class ApplyConflictException extends DeltaLogException {
    private static final long serialVersionUID = 1L;

    private final transient Conflict conflict;

    /**
     * Creates the exception.
     *
     * @param message what went wrong, naming the table and row
     * @param conflict the conflict that stopped the apply
     */
    public ApplyConflictException(String message, Conflict conflict) {
        super(message);
        this.conflict = conflict;
    }

    /**
     * Returns the conflict that stopped the apply (null after deserialization).
     *
     * @return the conflict that stopped the apply (null after deserialization)
     */
    public Conflict conflict() {
        return conflict;
    }
}
