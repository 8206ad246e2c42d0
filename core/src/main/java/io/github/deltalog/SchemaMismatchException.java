package io.github.deltalog;

/**
 * A recorded tuple does not fit its table's schema (arity, a value's type, or null in a non-null column), or a
 * schema change does not apply to the current version. Names the table, the column and the value's type; the
 * log is unchanged.
 */
public class SchemaMismatchException extends DeltaLogException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what does not fit, naming table, column and type
     */
    public SchemaMismatchException(String message) {
        super(message);
    }
}
