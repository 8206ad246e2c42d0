package io.github.deltalog.kafka;

import io.github.deltalog.Delta;
import io.github.deltalog.DeltaCursor;
import io.github.deltalog.DeltaLog;
import io.github.deltalog.DeltaOp;
import io.github.deltalog.DeltaTransaction;
import io.github.deltalog.Tuple;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * A seeded random workload over several tables: inserts, updates and deletes, transactions of 1-6 changes that
 * often span tables. Rows are {@code (id, customer, amount, note)}. Picks up the live rows of a log that already
 * has deltas, so a restarted process goes on consistently.
 */
final class Workload {
    /** Tables of the workload; the last needs escaping in a topic name. */
    static final List<String> TABLES = List.of("orders", "customers", "sales.eu_2024/\u00fc \ud83d\ude00");

    private final DeltaLog log;
    private final Random rnd;
    private final List<String> tables;
    private final Map<String, Map<Long, Tuple>> live = new HashMap<>();
    private long nextRow;

    Workload(DeltaLog log, long seed, List<String> tables) {
        this.log = log;
        this.rnd = new Random(seed);
        this.tables = tables;
        long max = 0;
        for (String t : tables) {
            log.track(t);
            Map<Long, Tuple> rows = new HashMap<>();
            live.put(t, rows);
            try (DeltaCursor c = log.changesAfter(t, log.oldestRetained())) {
                for (Delta d : c) {
                    if (d.op().after() == null) {
                        rows.remove(d.rowId());
                    } else {
                        rows.put(d.rowId(), d.op().after());
                    }
                    max = Math.max(max, Math.abs(d.rowId()));
                }
            }
        }
        this.nextRow = max + 1;
    }

    /**
     * Commits one random transaction.
     *
     * @return its commit timestamp
     */
    long step() {
        try (DeltaTransaction tx = log.begin()) {
            int n = 1 + rnd.nextInt(6);
            Set<String> touched = new HashSet<>();
            for (int i = 0; i < n; i++) {
                String t = tables.get(rnd.nextInt(tables.size()));
                Map<Long, Tuple> rows = live.get(t);
                int kind = rows.size() < 5 ? 0 : rnd.nextInt(10);
                if (kind < 5) {
                    long id = rnd.nextInt(20) == 0 ? -nextRow : nextRow; // negative row ids too
                    nextRow++;
                    Tuple row = row(id);
                    tx.insert(t, id, row);
                    rows.put(id, row);
                    touched.add(t + "/" + id);
                } else {
                    Long id = pick(rows, t, touched);
                    if (id == null) {
                        continue;
                    }
                    Tuple before = rows.get(id);
                    if (kind < 8) {
                        Tuple after = row(id);
                        tx.update(t, id, before, after);
                        rows.put(id, after);
                    } else {
                        tx.delete(t, id, before);
                        rows.remove(id);
                    }
                }
            }
            return tx.commit();
        }
    }

    /** A row not yet changed in this transaction (the log merges several changes of one row in a transaction). */
    private Long pick(Map<Long, Tuple> rows, String table, Set<String> touched) {
        List<Long> ids = new ArrayList<>(rows.keySet());
        for (int tries = 0; tries < 5 && !ids.isEmpty(); tries++) {
            Long id = ids.get(rnd.nextInt(ids.size()));
            if (touched.add(table + "/" + id)) {
                return id;
            }
        }
        return null;
    }

    private Tuple row(long id) {
        return Tuple.of(
                id,
                rnd.nextInt(8),
                BigDecimal.valueOf(rnd.nextInt(100_000), 2),
                rnd.nextInt(4) == 0 ? null : "n\u00e9" + rnd.nextInt(1000));
    }

    /** Returns every retained delta of the tables in commit order. */
    static List<Delta> all(DeltaLog log, List<String> tables) {
        List<Delta> out = new ArrayList<>();
        for (Delta d : log.changesAfter(tables, log.oldestRetained())) {
            out.add(d);
        }
        return out;
    }

    /** Tells whether a delta is a delete. */
    static boolean isDelete(Delta d) {
        return d.op() instanceof DeltaOp.Delete;
    }
}
