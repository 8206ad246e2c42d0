package io.github.deltalog.store;

import io.github.deltalog.CommitOutcomeUnknownException;
import io.github.deltalog.DeltaLogException;
import io.github.deltalog.LogFailedException;
import org.h2.mvstore.MVStore;

/**
 * Whether a log can go on after a failed write (DESIGN §8: no ghost commits, no dead log). A failed journal
 * append is taken back and the log goes on. A failed store write is retried by the next checkpoint, unless
 * MVStore closed the store (it does after a failed chunk write) or the journal can no longer be trusted (a
 * failed fsync, a rotation cut short): then the log is failed, and every later call throws one
 * {@link LogFailedException} naming the first cause and saying that the log must be reopened. Everything
 * acknowledged before is in the journal files, which that reopen replays. Thread-safe.
 */
final class StoreHealth {
    private final String label;
    private volatile LogFailedException failure;

    StoreHealth(String label) {
        this.label = label;
    }

    /**
     * Throws if the log has failed.
     *
     * @throws LogFailedException naming the first cause
     */
    void check() {
        LogFailedException f = failure;
        if (f != null) {
            throw new LogFailedException(f.getMessage(), f);
        }
    }

    /** Tells whether the log has failed. */
    boolean failed() {
        return failure != null;
    }

    /**
     * Marks the log failed after {@code what} failed with {@code cause}, unless it failed before (the first cause
     * is kept).
     *
     * @return the exception to throw
     */
    LogFailedException fail(String what, Throwable cause) {
        synchronized (this) {
            if (failure == null) {
                failure = new LogFailedException(
                        "log " + label + " failed and must be reopened: " + what + " (" + FileErrors.describeAny(cause)
                                + "); every commit acknowledged before is in its journal",
                        cause);
            }
        }
        return failure;
    }

    /**
     * Marks the log failed after a commit's journal record was written but its outcome cannot be known.
     *
     * @return the exception for the commit's caller
     */
    CommitOutcomeUnknownException outcomeUnknown(String what, Throwable cause) {
        LogFailedException f = fail(what, cause);
        return new CommitOutcomeUnknownException(
                "the outcome of this commit is unknown: " + what + " (" + FileErrors.describeAny(cause) + "); after"
                        + " the log " + label + " is reopened the transaction may or may not be present. "
                        + f.getMessage(),
                cause);
    }

    /**
     * Turns a failed store commit into the exception to throw: when MVStore closed the store after the failure,
     * the log fails; otherwise the failure is an I/O error (or corruption) the next checkpoint retries.
     */
    DeltaLogException storeWriteFailed(MVStore store, Throwable cause) {
        if (store.isClosed()) {
            return fail("a store write failed and the store closed itself", cause);
        }
        return FileErrors.of("cannot write the store file " + label, cause);
    }
}
