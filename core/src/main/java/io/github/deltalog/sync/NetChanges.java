package io.github.deltalog.sync;

import io.github.deltalog.ChangeSet;
import io.github.deltalog.Delta;
import io.github.deltalog.DeltaOp;
import io.github.deltalog.Tuple;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The net change of each row of a replica's log: the row as it was before its first change to the row as it is
 * after its last one, with the last timestamp. Unlike the strict merge, it accepts chains with gaps (an insert
 * after an insert), which a replica's log has when a peer's changes were applied to its rows without being
 * recorded. Also keeps the latest timestamp per row, what "later commit wins" compares. O(1) per delta, memory
 * O(distinct rows).
 */
final class NetChanges {
    private final Map<BufferedTransaction.RowKey, Chain> chains = new HashMap<>();

    private static final class Chain {
        final Tuple before;
        Tuple lastBefore;
        Tuple after;
        long timestamp;

        Chain(Tuple before) {
            this.before = before;
        }
    }

    void add(Delta d) {
        Chain chain = chains.computeIfAbsent(
                new BufferedTransaction.RowKey(d.table(), d.rowId()), k -> new Chain(d.op().before()));
        chain.lastBefore = d.op().before();
        chain.after = d.op().after();
        chain.timestamp = Math.max(chain.timestamp, d.commitTimestamp());
    }

    /** The timestamps of the rows' latest changes, as a lookup. */
    RowTimestamps timestamps() {
        return (table, rowId) -> {
            Chain c = chains.get(new BufferedTransaction.RowKey(table, rowId));
            return c == null ? RowTimestamps.UNKNOWN : c.timestamp;
        };
    }

    /**
     * The net changes in timestamp order, one per row that changed at all, even where the chain ends where it
     * began: a peer that applied part of the chain before a crash must still be brought to its end. A chain from
     * no row to no row is a delete of the last image it had (a no-op to a peer that never saw the row).
     */
    ChangeSet toChangeSet(long watermark) {
        List<Delta> deltas = new ArrayList<>();
        chains.forEach((row, c) -> {
            DeltaOp op;
            if (c.after == null) {
                op = new DeltaOp.Delete(c.before != null ? c.before : c.lastBefore);
            } else if (c.before == null) {
                op = new DeltaOp.Insert(c.after);
            } else {
                op = new DeltaOp.Update(c.before, c.after);
            }
            deltas.add(new Delta(row.table(), row.rowId(), c.timestamp, op));
        });
        deltas.sort(ChangeSet.COMMIT_ORDER);
        return new ChangeSet(deltas, watermark);
    }
}
