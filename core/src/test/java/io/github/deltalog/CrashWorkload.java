package io.github.deltalog;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The deterministic transactions of the crash test: transaction number {@code n} of a run with seed {@code s}
 * is always the same deltas, so the checking process can tell whether a recovered transaction is complete.
 * Every tuple is stamped with its transaction number, the transaction's size and its index in it.
 */
final class CrashWorkload {
    static final List<String> TABLES = List.of("orders", "lines", "schema:x/y");

    private CrashWorkload() {}

    /** One delta of a generated transaction. */
    record Change(String table, long rowId, DeltaOp op) {}

    /** Returns the deltas of transaction {@code txno}: 1 to 12 of them, over the three tables. */
    static List<Change> transaction(long seed, long txno) {
        Random r = new Random(seed * 1_000_003L + txno);
        int size = 1 + r.nextInt(12);
        List<Change> changes = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            String table = TABLES.get(r.nextInt(TABLES.size()));
            long rowId = (i % 2 == 0 ? 1 : -1) * (txno * 64 + i); // distinct within the transaction
            Tuple a = stamp(r, txno, size, i);
            DeltaOp op =
                    switch (r.nextInt(3)) {
                        case 0 -> new DeltaOp.Insert(a);
                        case 1 -> new DeltaOp.Update(stamp(r, txno, size, i), a);
                        default -> new DeltaOp.Delete(a);
                    };
            changes.add(new Change(table, rowId, op));
        }
        return changes;
    }

    private static Tuple stamp(Random r, long txno, int size, int index) {
        return Tuple.of(txno, size, index, "x".repeat(r.nextInt(60)), r.nextLong());
    }

    /** Commits transaction {@code txno} and returns its commit timestamp. */
    static long commit(DeltaLog log, long seed, long txno) {
        try (DeltaTransaction tx = log.begin()) {
            for (Change c : transaction(seed, txno)) {
                DeltaOp op = c.op();
                if (op instanceof DeltaOp.Insert i) {
                    tx.insert(c.table(), c.rowId(), i.after());
                } else if (op instanceof DeltaOp.Update u) {
                    tx.update(c.table(), c.rowId(), u.before(), u.after());
                } else {
                    tx.delete(c.table(), c.rowId(), op.before());
                }
            }
            return tx.commit();
        }
    }
}
