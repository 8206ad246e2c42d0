package io.github.deltalog;

import static io.github.deltalog.Support.read;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The batch forms {@code insertAll/updateAll/deleteAll} record what the one-row calls record, leave the
 * transaction as it was when one change of the batch is refused; a transaction takes any number of tables.
 */
class BatchRecordTest {
    @TempDir
    Path dir;

    @Test
    void batchesRecordWhatOneRowCallsRecord() {
        long seed = Long.getLong("deltalog.batch.seed", new SplittableRandom().nextLong());
        SplittableRandom random = new SplittableRandom(seed);
        try (DeltaLog batched = DeltaLog.open(dir.resolve("batched.deltas"));
                DeltaLog single = DeltaLog.inMemory()) {
            for (DeltaLog log : List.of(batched, single)) {
                log.track("t");
            }
            for (int round = 0; round < 20; round++) {
                int n = 1 + random.nextInt(round < 10 ? 5 : 1500);
                long[] rows = new long[n];
                List<Tuple> olds = new ArrayList<>();
                List<Tuple> news = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    rows[i] = round * 10_000L + i; // distinct rows: no chain inside one batch
                    olds.add(Tuple.of(rows[i], "old-" + random.nextInt(1000)));
                    news.add(Tuple.of(rows[i], "new-" + random.nextInt(1000)));
                }
                try (DeltaTransaction tx = batched.begin()) {
                    tx.insertAll("t", rows, olds).updateAll("t", rows, olds, news);
                    tx.commit();
                }
                try (DeltaTransaction tx = single.begin()) {
                    for (int i = 0; i < n; i++) {
                        tx.insert("t", rows[i], olds.get(i)).update("t", rows[i], olds.get(i), news.get(i));
                    }
                    tx.commit();
                }
                if (random.nextBoolean()) {
                    try (DeltaTransaction tx = batched.begin()) {
                        tx.deleteAll("t", rows, news);
                        tx.commit();
                    }
                    try (DeltaTransaction tx = single.begin()) {
                        for (int i = 0; i < n; i++) {
                            tx.delete("t", rows[i], news.get(i));
                        }
                        tx.commit();
                    }
                }
            }
            assertEquals(withoutTimestamps(read(single, "t")), withoutTimestamps(read(batched, "t")), "seed " + seed);
        }
    }

    @Test
    void aRefusedChangeLeavesTheTransactionAsItWas() {
        try (DeltaLog log = DeltaLog.open(dir.resolve("refused.deltas"))) {
            log.track("t");
            Tuple a = Tuple.of(1, "a");
            Tuple b = Tuple.of(1, "b");
            long ts;
            try (DeltaTransaction tx = log.begin()) {
                tx.insert("t", 5, a).update("t", 7, a, b);
                // Row 6 is new, row 5 changes to an update chain, then row 7's second insert conflicts.
                assertThrows(
                        MergeConflictException.class, () -> tx.insertAll("t", new long[] {6, 5, 7}, List.of(a, b, a)));
                // Row 5's insert and delete cancel out, row 8 is deleted twice.
                assertThrows(
                        MergeConflictException.class, () -> tx.deleteAll("t", new long[] {5, 8, 8}, List.of(a, b, b)));
                assertThrows(
                        IllegalArgumentException.class,
                        () -> tx.updateAll("t", new long[] {5, 7}, List.of(a, b), List.of(b)));
                assertEquals(2, tx.size());
                ts = tx.commit();
            }
            assertEquals(
                    List.of(
                            new Delta("t", 5, ts, new DeltaOp.Insert(a)),
                            new Delta("t", 7, ts, new DeltaOp.Update(a, b))),
                    read(log, "t"));
        }
    }

    @Test
    void aTransactionTakesManyTablesAndChecksEachStillTracked() {
        try (DeltaLog log = DeltaLog.open(dir.resolve("tables.deltas"))) {
            int tables = 200;
            for (int t = 0; t < tables; t++) {
                log.track("t" + t);
            }
            try (DeltaTransaction tx = log.begin()) {
                for (int row = 0; row < 5; row++) {
                    for (int t = 0; t < tables; t++) {
                        tx.insert("t" + t, row, Tuple.of(t, row));
                    }
                }
                log.untrack("t150");
                assertThrows(UntrackedTableException.class, () -> tx.insert("t150", 99, Tuple.of(0)));
                assertThrows(UntrackedTableException.class, tx::commit, "untracked meanwhile: nothing is written");
            }
            assertEquals(0, log.countAll());
            log.track("t150");
            try (DeltaTransaction tx = log.begin()) {
                for (int row = 0; row < 5; row++) {
                    for (int t = 0; t < tables; t++) {
                        tx.insert("t" + t, row, Tuple.of(t, row));
                    }
                }
                tx.commit();
            }
            for (int t = 0; t < tables; t++) {
                assertEquals(5, log.count("t" + t, 0), "table t" + t);
            }
        }
    }

    private static List<String> withoutTimestamps(List<Delta> deltas) {
        List<String> out = new ArrayList<>();
        for (Delta d : deltas) {
            out.add(d.table() + "/" + d.rowId() + "/" + d.op());
        }
        return out;
    }
}
