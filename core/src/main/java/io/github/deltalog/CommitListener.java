package io.github.deltalog;

import java.util.List;

/**
 * Told about every commit after it is visible to readers, in commit order. A listener that throws does not
 * undo the commit and does not keep other listeners from being told; its exception is logged.
 */
@FunctionalInterface
public interface CommitListener {
    /**
     * Called once per committed transaction, one call at a time: on the committing thread, or on the executor
     * given to {@link DeltaLog#subscribe(CommitListener, java.util.concurrent.Executor)}.
     *
     * @param commitTimestamp the transaction's commit timestamp
     * @param deltas the transaction's deltas, ordered by (table, rowId); unmodifiable
     */
    void onCommit(long commitTimestamp, List<Delta> deltas);
}
