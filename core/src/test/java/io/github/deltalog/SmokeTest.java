package io.github.deltalog;

import static org.junit.jupiter.api.Assertions.*;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SmokeTest {
    @TempDir
    Path dir;

    @Test
    void recordsReadsAndReopens() {
        Path file = dir.resolve("app.deltas");
        long ts;
        try (DeltaLog log = DeltaLog.open(file)) {
            log.track("orders");
            try (DeltaTransaction tx = log.begin()) {
                tx.insert("orders", 1L, Tuple.of(1, "alice", new BigDecimal("9.50")));
                tx.insert("orders", 2L, Tuple.of(2, "bob", new BigDecimal("1.00")));
                ts = tx.commit();
            }
            log.recordDelete("orders", 1L, Tuple.of(1, "alice", new BigDecimal("9.50")));
            assertEquals(3, log.count("orders", 0L));
            assertEquals(1, log.count("orders", ts));
        }
        try (DeltaLog log = DeltaLog.open(file)) {
            List<Delta> all = new ArrayList<>();
            try (DeltaCursor c = log.changesAfter("orders", 0L)) {
                c.forEach(all::add);
            }
            assertEquals(3, all.size());
            assertEquals(
                    new DeltaOp.Insert(Tuple.of(1, "alice", new BigDecimal("9.50"))),
                    all.get(0).op());
            assertTrue(all.get(2).commitTimestamp() > ts);
            assertEquals(3, log.countAll());
        }
    }
}
