package io.github.deltalog.example;

import io.github.deltalog.Delta;
import io.github.deltalog.DeltaCursor;
import io.github.deltalog.DeltaLog;
import io.github.deltalog.DeltaTransaction;
import io.github.deltalog.Tuple;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The README's quick start as a program: records an order's life in a fresh log file, reopens the file (the
 * journal is replayed or checkpointed) and prints what changed. Run it as the README says.
 */
public final class QuickStart {
    private QuickStart() {}

    /**
     * Runs the example in a temporary folder.
     *
     * @param args unused
     * @throws Exception if the temporary folder cannot be made
     */
    public static void main(String[] args) throws Exception {
        Path file = Files.createTempDirectory("deltalog-quickstart").resolve("app.deltas");
        long ts;
        try (DeltaLog log = DeltaLog.open(file)) {
            log.track("orders");
            try (DeltaTransaction tx = log.begin()) {
                tx.insert("orders", 1L, Tuple.of(1, "alice", new BigDecimal("9.50")));
                tx.insert("orders", 2L, Tuple.of(2, "bob", new BigDecimal("4.25")));
                ts = tx.commit();
            }
            log.recordUpdate(
                    "orders",
                    1L,
                    Tuple.of(1, "alice", new BigDecimal("9.50")),
                    Tuple.of(1, "alice", new BigDecimal("12.00")));
            log.recordDelete("orders", 2L, Tuple.of(2, "bob", new BigDecimal("4.25")));
        }
        try (DeltaLog log = DeltaLog.open(file)) {
            System.out.println(
                    "log file " + file + ", " + log.countAll() + " deltas, watermark " + log.lastCommitted());
            try (DeltaCursor c = log.changesAfter("orders", 0L)) {
                for (Delta d : c) {
                    System.out.println("  " + d.timestamp() + "  orders#" + d.rowId() + "  " + d.op());
                }
            }
            System.out.println("changes after the first commit: " + log.count("orders", ts));
        }
    }
}
