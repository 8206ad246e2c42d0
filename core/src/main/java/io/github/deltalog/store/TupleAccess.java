package io.github.deltalog.store;

import io.github.deltalog.Tuple;

/**
 * The codec's trusted way into {@link Tuple}: wrap an array of values the reader built (no copy, no re-check of
 * values the log wrote itself) and see a value without the defensive copy of {@code byte[]}. {@code Tuple}
 * installs its implementation when its class is initialised; nothing else may install one. Not an API.
 */
public final class TupleAccess {
    /** What {@code Tuple} lends the codec. */
    public interface Internals {
        /**
         * Wraps values without copying or checking them.
         *
         * @param values values of the supported types only, owned by the tuple from now on
         * @return the tuple
         */
        Tuple wrap(Object[] values);

        /**
         * Returns a value as stored, a {@code byte[]} not copied: the caller must not change nor keep it.
         *
         * @param tuple the tuple
         * @param index the position
         * @return the value
         */
        Object value(Tuple tuple, int index);

        /**
         * Wraps decoded values named by a schema, without copying.
         *
         * @param values the values; not copied
         * @param schema the schema they were written under
         * @return the tuple
         */
        Tuple wrap(Object[] values, io.github.deltalog.TableSchema schema);
    }

    private static volatile Internals internals;

    private TupleAccess() {}

    /**
     * Called once, by {@code Tuple}'s static initialiser.
     *
     * @param implementation the tuple's internals
     * @throws IllegalStateException if an implementation is installed already
     */
    public static synchronized void install(Internals implementation) {
        if (internals != null) {
            throw new IllegalStateException("tuple internals are installed already");
        }
        internals = implementation;
    }

    static Tuple wrap(Object[] values) {
        return internals().wrap(values);
    }

    static Tuple wrap(Object[] values, io.github.deltalog.TableSchema schema) {
        return internals().wrap(values, schema);
    }

    static Object value(Tuple tuple, int index) {
        return internals().value(tuple, index);
    }

    private static Internals internals() {
        Internals i = internals;
        if (i == null) {
            Tuple.of(); // initialises Tuple, which installs its internals
            i = internals;
        }
        return i;
    }
}
