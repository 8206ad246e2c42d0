package io.github.deltalog.store;

import java.util.ArrayList;
import java.util.List;
import org.h2.mvstore.Cursor;
import org.h2.mvstore.MVMap;

/**
 * Removes a table's oldest deltas: the key range from the table's first key up to a timestamp, in bounded
 * batches so that no single step holds up readers or writers (MVMap removals are lock-free; each batch reads a
 * fresh snapshot). Readers that opened a cursor earlier keep their snapshot and finish consistently.
 */
final class RangeRemoval {
    private static final int BATCH = 4096;

    private RangeRemoval() {}

    /**
     * Removes every delta of a table with a commit timestamp below {@code cut}. O(k log n) for k removed.
     *
     * @return how many deltas were removed
     */
    static long removeBefore(MVMap<DeltaKey, byte[]> deltas, int tableId, long cut) {
        if (cut == Long.MIN_VALUE) {
            return 0;
        }
        DeltaKey from = DeltaKey.first(tableId, Long.MIN_VALUE);
        DeltaKey to = DeltaKey.last(tableId, cut - 1);
        List<DeltaKey> batch = new ArrayList<>(BATCH);
        long removed = 0;
        while (true) {
            Cursor<DeltaKey, byte[]> c = deltas.cursor(from, to, false);
            while (batch.size() < BATCH && c.hasNext()) {
                batch.add(c.next());
            }
            if (batch.isEmpty()) {
                return removed;
            }
            for (DeltaKey k : batch) {
                if (deltas.remove(k) != null) {
                    removed++;
                }
            }
            from = batch.get(batch.size() - 1);
            batch.clear();
        }
    }
}
