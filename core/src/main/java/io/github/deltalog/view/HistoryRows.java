package io.github.deltalog.view;

import io.github.deltalog.Delta;
import io.github.deltalog.DeltaCursor;
import io.github.deltalog.DeltaLog;
import io.github.deltalog.DeltaOp;
import io.github.deltalog.Tuple;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Base rows rebuilt from a log's history: every delta of each table from the start up to a position, replayed
 * into a map of rows. Valid only when the history is complete: nothing purged, and every row inserted while its
 * table was tracked (an update or delete of a row never inserted says otherwise). O(history) time, O(rows)
 * memory.
 */
final class HistoryRows {
    private HistoryRows() {}

    /**
     * Replays the history of tables up to a position.
     *
     * @throws ViewException if history was purged or does not hold every row
     */
    static BaseRows upTo(DeltaLog log, List<String> tables, long position, String view) {
        if (log.oldestRetained() > 0) {
            throw new ViewException("view '" + view + "' cannot be computed from the log's history: deltas up to "
                    + log.oldestRetained() + " were purged; give base rows");
        }
        Map<String, List<BaseRows.Row>> all = new HashMap<>();
        for (String table : tables) {
            Map<Long, Tuple> rows = new java.util.LinkedHashMap<>();
            try (DeltaCursor c = log.changesAfter(table, Long.MIN_VALUE, position)) {
                for (Delta d : c) {
                    DeltaOp op = d.op();
                    Tuple had = op instanceof DeltaOp.Insert ? null : rows.get(d.rowId());
                    if (!(op instanceof DeltaOp.Insert) && had == null) {
                        throw new ViewException("view '" + view + "' cannot be computed from the log's history: row "
                                + d.rowId() + " of table '" + table + "' was changed at " + d.commitTimestamp()
                                + " without an earlier insert (it existed before the table was tracked); give base"
                                + " rows");
                    }
                    if (op.after() == null) {
                        rows.remove(d.rowId());
                    } else {
                        rows.put(d.rowId(), op.after());
                    }
                }
            }
            List<BaseRows.Row> list = new ArrayList<>(rows.size());
            rows.forEach((id, row) -> list.add(new BaseRows.Row(id, row)));
            all.put(table, list);
        }
        return table -> all.getOrDefault(table, List.of());
    }
}
