package io.github.deltalog.sync;

import io.github.deltalog.DeltaLogException;

/**
 * Thrown by an {@link ApplyTarget} when it refuses a write: a unique, check, not-null or foreign-key constraint.
 * The applier turns it into a {@link ConflictType#CONSTRAINT} or {@link ConflictType#FOREIGN_KEY} conflict; the
 * transaction stays usable.
 */
public class TargetConstraintException extends DeltaLogException {
    private static final long serialVersionUID = 1L;

    /** Whether a foreign key refused the write. */
    private final boolean foreignKey;

    /**
     * Creates the exception.
     *
     * @param message what was refused, naming the table, row and constraint
     */
    public TargetConstraintException(String message) {
        super(message);
        this.foreignKey = false;
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message what was refused, naming the table, row and constraint
     * @param cause the target's own exception
     */
    public TargetConstraintException(String message, Throwable cause) {
        this(message, false, cause);
    }

    /**
     * Creates the exception for a unique, check or not-null constraint, or for a foreign key.
     *
     * @param message what was refused, naming the table, row and constraint
     * @param foreignKey whether a foreign key refused the write
     * @param cause the target's own exception
     */
    public TargetConstraintException(String message, boolean foreignKey, Throwable cause) {
        super(message, cause);
        this.foreignKey = foreignKey;
    }

    /**
     * Returns the conflict type this refusal is: {@link ConflictType#FOREIGN_KEY} or {@link ConflictType#CONSTRAINT}.
     *
     * @return the conflict type
     */
    public ConflictType conflictType() {
        return foreignKey ? ConflictType.FOREIGN_KEY : ConflictType.CONSTRAINT;
    }
}
