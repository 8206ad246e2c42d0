package io.github.deltalog;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link PendingRows} against a {@code HashMap}: same rows, same changes, sorted by (table id, row id); the rounds
 * reuse the thread's spare set ({@link PendingRows#take}, {@link PendingRows#release}) through sizes that keep,
 * shrink and drop it.
 */
class PendingRowsTest {
    private record Key(int tableId, long rowId) {}

    @Test
    void behavesLikeAMapAndSortsByKey() {
        long seed = Long.getLong("deltalog.pendingrows.seed", System.nanoTime());
        Random random = new Random(seed);
        DeltaOp[] someOps = {
            new DeltaOp.Insert(Tuple.of(1)),
            new DeltaOp.Delete(Tuple.of(2)),
            new DeltaOp.Update(Tuple.of(3), Tuple.of(4))
        };
        for (int round = 0; round < 200; round++) {
            PendingRows rows = PendingRows.take(TransactionTooLargeException.MAX_TRANSACTION_BYTES);
            assertEquals(0, rows.size(), "seed " + seed);
            assertEquals(-1, rows.find(1, 0), "seed " + seed);
            Map<Key, DeltaOp> model = new HashMap<>();
            int keySpace = 1 + random.nextInt(new int[] {50, 1000, 5000}[random.nextInt(3)]);
            for (int i = random.nextInt(3000); i > 0; i--) {
                int tableId = 1 + random.nextInt(4);
                long rowId = random.nextInt(4) == 0 ? random.nextLong() : random.nextInt(keySpace) - keySpace / 2;
                Key key = new Key(tableId, rowId);
                int entry = rows.find(tableId, rowId);
                assertSame(model.get(key), entry < 0 ? null : rows.op(entry), "seed " + seed);
                DeltaOp op = random.nextInt(5) == 0 ? null : someOps[random.nextInt(someOps.length)];
                rows.set(entry, tableId, rowId, "t" + tableId, op, op == null ? null : new byte[] {(byte) rowId});
                if (op == null) {
                    model.remove(key);
                } else {
                    model.put(key, op);
                }
                assertEquals(model.size(), rows.size(), "seed " + seed);
            }
            List<Map.Entry<Key, DeltaOp>> expected = new ArrayList<>(model.entrySet());
            expected.sort(Comparator.comparing(
                            (Map.Entry<Key, DeltaOp> e) -> e.getKey().tableId())
                    .thenComparing(e -> e.getKey().rowId()));
            PendingRows.Sorted sorted = rows.sorted();
            assertEquals(expected.size(), sorted.ops().length, "seed " + seed);
            for (int i = 0; i < expected.size(); i++) {
                Key k = expected.get(i).getKey();
                assertEquals(k.tableId(), sorted.tableIds()[i], "seed " + seed);
                assertEquals(k.rowId(), sorted.rowIds()[i], "seed " + seed);
                assertSame(expected.get(i).getValue(), sorted.ops()[i], "seed " + seed);
                assertEquals("t" + k.tableId(), sorted.tables()[i], "seed " + seed);
                assertArrayEquals(new byte[] {(byte) k.rowId()}, sorted.values()[i], "seed " + seed);
            }
            rows.clear();
            assertEquals(0, rows.size());
            assertEquals(-1, rows.find(1, 0));
            assertNull(rows.sorted().ops().length == 0 ? null : "not empty");
            rows.release();
        }
    }
}
