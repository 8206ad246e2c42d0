package io.github.deltalog.sync;

import io.github.deltalog.Tuple;

/**
 * Where a {@link ChangeApplier} writes: rows identified by (table, row id), changed inside a transaction that
 * commits all of its writes or none. Implementations: {@link MapTarget} (in memory), {@link MVMapTarget} (an
 * application's MVStore), {@link JdbcTarget} (tables of a JDBC database).
 */
public interface ApplyTarget {
    /**
     * Starts a transaction. One applier uses one transaction at a time, from one thread.
     *
     * @return the transaction; closing it without {@link Transaction#commit()} rolls it back
     */
    Transaction begin();

    /** The writes of one apply. Reads see the transaction's own writes. */
    interface Transaction extends AutoCloseable {
        /**
         * Reads a row.
         *
         * @param table the table
         * @param rowId the row
         * @return its current image (including this transaction's writes), or null if there is none
         */
        Tuple read(String table, long rowId);

        /**
         * Creates a row that does not exist.
         *
         * @param table the table
         * @param rowId the row
         * @param row its image
         * @throws TargetConstraintException if the target refuses the row
         */
        void insert(String table, long rowId, Tuple row);

        /**
         * Overwrites an existing row.
         *
         * @param table the table
         * @param rowId the row
         * @param row its new image
         * @throws TargetConstraintException if the target refuses the row
         */
        void update(String table, long rowId, Tuple row);

        /**
         * Removes an existing row.
         *
         * @param table the table
         * @param rowId the row
         * @throws TargetConstraintException if the target refuses (a foreign key still points at it)
         */
        void delete(String table, long rowId);

        /** Makes every write of the transaction visible and durable as the target defines it, at once. */
        void commit();

        /** Discards the writes if not committed. Idempotent. */
        @Override
        void close();
    }
}
