package io.github.deltalog.micrometer;

import io.github.deltalog.DeltaLog;
import io.github.deltalog.DeltaTransaction;
import io.github.deltalog.Tuple;
import java.util.ArrayList;
import java.util.List;

/** A small real workload: 20 transactions of 5 deltas each into two tables. */
final class Workload {
    private Workload() {}

    /** Commits 20 transactions and returns their timestamps. */
    static List<Long> run(DeltaLog log) {
        log.track("orders");
        log.track("lines");
        List<Long> ts = new ArrayList<>();
        for (int tx = 0; tx < 20; tx++) {
            try (DeltaTransaction t = log.begin()) {
                for (int r = 0; r < 4; r++) {
                    t.insert("orders", tx * 10L + r, Tuple.of(tx, r, "order " + tx));
                }
                t.insert("lines", tx, Tuple.of(tx));
                ts.add(t.commit());
            }
        }
        return ts;
    }
}
