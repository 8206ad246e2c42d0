package io.github.deltalog.store;

import io.github.deltalog.Delta;
import java.util.ArrayList;
import java.util.List;
import org.h2.mvstore.Cursor;

/**
 * The hidden schema history: every schema version of every table is stored as one delta of the reserved table id
 * {@link #TABLE_ID} (which the catalog never hands out: its ids start at 1), keyed by (0, the version's commit
 * timestamp, the table's id). It is committed through the ordinary commit path, so it is journaled, replayed on
 * recovery and ordered with the deltas: no commit validated under a version survives a crash without it, and no
 * version survives without the commits before it. Not in the catalog, so reads, counts, purges and retention by
 * table never see it. Format version 3.
 */
final class SchemaHistory {
    /** The reserved table id of the schema history. */
    static final int TABLE_ID = 0;
    /** The name used for the history in messages. */
    static final String NAME = "(schema history)";

    private SchemaHistory() {}

    /** Reads every stored version, in commit order. O(versions). */
    static List<Delta> all(StoreState s) {
        s.checkOpen();
        List<Delta> out = new ArrayList<>();
        try {
            Cursor<DeltaKey, byte[]> c = s.deltas.cursor(
                    DeltaKey.first(TABLE_ID, Long.MIN_VALUE), DeltaKey.last(TABLE_ID, Long.MAX_VALUE), false);
            while (c.hasNext()) {
                DeltaKey key = c.next();
                out.add(new Delta(
                        NAME, key.rowId(), key.commitTimestamp(), DeltaCodec.decode(key, c.getValue(), NAME, s.label)));
            }
        } catch (RuntimeException | OutOfMemoryError | StackOverflowError | AssertionError e) {
            throw s.rethrow(e);
        }
        out.sort((a, b) -> Long.compare(a.commitTimestamp(), b.commitTimestamp()));
        return out;
    }
}
