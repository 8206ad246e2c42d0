package io.github.deltalog.sync;

import io.github.deltalog.DeltaLogException;

/**
 * Thrown by an {@link ApplyTarget} when it refuses a write: a unique, check, not-null or foreign-key constraint.
 * The applier turns it into a {@link ConflictType#CONSTRAINT} conflict; the transaction stays usable.
 */
public class TargetConstraintException extends DeltaLogException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what was refused, naming the table, row and constraint
     */
    public TargetConstraintException(String message) {
        super(message);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message what was refused, naming the table, row and constraint
     * @param cause the target's own exception
     */
    public TargetConstraintException(String message, Throwable cause) {
        super(message, cause);
    }
}
