package io.github.deltalog;

import java.util.Objects;

/**
 * What one delta did to its row: {@link Insert}, {@link Update} or {@link Delete}. Immutable values.
 */
public sealed interface DeltaOp permits DeltaOp.Insert, DeltaOp.Update, DeltaOp.Delete {

    /**
     * Returns the operation that undoes this one: an insert becomes a delete of the same image, a delete an
     * insert, and an update swaps its images. O(1).
     *
     * @return the inverse operation
     */
    DeltaOp invert();

    /**
     * Returns the row image before the change, or null for an insert.
     *
     * @return the image before, or null
     */
    Tuple before();

    /**
     * Returns the row image after the change, or null for a delete.
     *
     * @return the image after, or null
     */
    Tuple after();

    /**
     * A row that did not exist before and exists afterwards.
     *
     * @param after the new row image, not null
     */
    record Insert(Tuple after) implements DeltaOp {
        /**
         * Creates an insert.
         *
         * @param after the new row image
         * @throws NullPointerException if {@code after} is null
         */
        public Insert {
            Objects.requireNonNull(after, "after");
        }

        @Override
        public DeltaOp invert() {
            return new Delete(after);
        }

        @Override
        public Tuple before() {
            return null;
        }
    }

    /**
     * A row that existed before and after, with a changed image.
     *
     * @param before the image before the change, not null
     * @param after the image after the change, not null
     */
    record Update(Tuple before, Tuple after) implements DeltaOp {
        /**
         * Creates an update.
         *
         * @param before the image before the change
         * @param after the image after the change
         * @throws NullPointerException if an image is null
         */
        public Update {
            Objects.requireNonNull(before, "before");
            Objects.requireNonNull(after, "after");
        }

        @Override
        public DeltaOp invert() {
            return new Update(after, before);
        }
    }

    /**
     * A row that existed before and does not exist afterwards.
     *
     * @param before the removed row image, not null
     */
    record Delete(Tuple before) implements DeltaOp {
        /**
         * Creates a delete.
         *
         * @param before the removed row image
         * @throws NullPointerException if {@code before} is null
         */
        public Delete {
            Objects.requireNonNull(before, "before");
        }

        @Override
        public DeltaOp invert() {
            return new Insert(before);
        }

        @Override
        public Tuple after() {
            return null;
        }
    }
}
