package io.github.deltalog.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.deltalog.DeltaLog;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Seeded random workloads from several threads with the background relay running, the log closed and reopened
 * half way: the log equals the committed changes grouped by transaction, and the view kept from it equals the
 * database. Seed: {@code -Ddeltalog.jdbc.seed=N}.
 */
class CaptureWorkloadProperties {
    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(Db.class)
    void logEqualsCommittedTransactions(Db db) throws Exception {
        long seed = Long.getLong("deltalog.jdbc.seed", System.nanoTime());
        int threads = db == Db.H2 ? 4 : 3;
        int perThread = Integer.getInteger("deltalog.jdbc.transactions", 150);
        String context = db + " seed " + seed;
        long committed = 0;
        try (Connection c = db.connect(dir)) {
            Workload.createSchema(c, db);
            for (int round = 0; round < 2; round++) {
                try (DeltaLog log = DeltaLog.open(dir.resolve("log.deltas"));
                        Capture capture = Capture.builder(log, () -> db.connect(dir))
                                .pollInterval(java.time.Duration.ofMillis(5))
                                .build()) {
                    capture.install(c, "items");
                    capture.start();
                    committed += Workload.run(
                            db, dir, capture, seed + round, threads, perThread, new AtomicBoolean(), round);
                    capture.close();
                    assertNull(capture.failure(), context);
                    capture.relayAvailable(c);
                    int logged = LogCheck.check(log, c, db, context);
                    assertEquals(committed, logged, context);
                }
            }
        }
        assertTrue(committed > 100, context + ": only " + committed + " transactions committed");
    }
}
