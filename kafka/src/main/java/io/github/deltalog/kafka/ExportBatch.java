package io.github.deltalog.kafka;

import io.github.deltalog.Delta;
import io.github.deltalog.DeltaCursor;
import io.github.deltalog.DeltaLog;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.PriorityQueue;

/**
 * The deltas one Kafka transaction carries: whole deltalog transactions after a position, in commit order
 * (timestamp, table, row), read at one watermark, and the position the log's consumer moves to once Kafka has
 * committed them.
 *
 * @param deltas the deltas, in commit order
 * @param upTo the position after the batch: the last delta's timestamp when the batch was cut at the size limit,
 *     else the watermark it was read at (nothing of these tables lies between the last delta and it)
 */
record ExportBatch(List<Delta> deltas, long upTo) {

    /**
     * Reads the next batch: one cursor per table at one watermark, merged by commit order; once {@code maxDeltas}
     * are taken it goes on to the end of the current commit timestamp, so a deltalog transaction is never split
     * across Kafka transactions. Memory O(batch); time O(k log t) for k deltas over t tables.
     *
     * @param log the log
     * @param tables the tables to read
     * @param after the position to read after
     * @param maxDeltas the size at which the batch is cut (at a timestamp boundary), at least 1
     * @return the batch; empty with {@code upTo} at the watermark when there is nothing to export
     */
    static ExportBatch read(DeltaLog log, Collection<String> tables, long after, int maxDeltas) {
        long watermark = log.lastCommitted();
        if (watermark <= after) {
            return new ExportBatch(Collections.emptyList(), after);
        }
        List<DeltaCursor> cursors = new ArrayList<>(tables.size());
        try {
            PriorityQueue<Head> heads = new PriorityQueue<>();
            for (String table : tables) {
                DeltaCursor c = log.changesAfter(table, after, watermark);
                cursors.add(c);
                if (c.hasNext()) {
                    heads.add(new Head(c.next(), c));
                }
            }
            List<Delta> out = new ArrayList<>(Math.min(maxDeltas, 1024));
            while (!heads.isEmpty()) {
                Head h = heads.peek();
                if (out.size() >= maxDeltas
                        && h.delta.commitTimestamp() != out.get(out.size() - 1).commitTimestamp()) {
                    return new ExportBatch(out, out.get(out.size() - 1).commitTimestamp());
                }
                heads.poll();
                out.add(h.delta);
                if (h.cursor.hasNext()) {
                    heads.add(new Head(h.cursor.next(), h.cursor));
                }
            }
            return new ExportBatch(out, watermark);
        } finally {
            for (DeltaCursor c : cursors) {
                c.close();
            }
        }
    }

    /** Tells whether the batch has no delta. */
    boolean isEmpty() {
        return deltas.isEmpty();
    }

    private static final class Head implements Comparable<Head> {
        final Delta delta;
        final DeltaCursor cursor;

        Head(Delta delta, DeltaCursor cursor) {
            this.delta = delta;
            this.cursor = cursor;
        }

        @Override
        public int compareTo(Head o) {
            return io.github.deltalog.ChangeSet.COMMIT_ORDER.compare(delta, o.delta);
        }
    }
}
