package io.github.deltalog;

import static io.github.deltalog.Support.read;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Transactions: atomic commit, rollback, collapsing of several changes of one row. */
class DeltaTransactionTest {
    private static final Tuple A = Tuple.of(1, "a");
    private static final Tuple B = Tuple.of(1, "b");
    private static final Tuple C = Tuple.of(1, "c");

    @TempDir
    Path dir;

    private DeltaLog log;

    @BeforeEach
    void open() {
        log = DeltaLog.open(dir.resolve("tx.deltas"));
        log.track("t");
        log.track("u");
    }

    @AfterEach
    void close() {
        log.close();
    }

    @Test
    void commitIsAtomicAndAllDeltasShareItsTimestamp() {
        long ts;
        try (DeltaTransaction tx = log.begin()) {
            assertSame(tx, tx.insert("t", 2, A));
            tx.insert("u", 1, B).update("t", 1, A, B).delete("t", 3, C);
            assertEquals(4, tx.size());
            assertEquals(0, log.countAll(), "nothing is visible before commit");
            ts = tx.commit();
        }
        assertEquals(ts, log.lastCommitted());
        assertEquals(
                List.of(
                        new Delta("t", 1, ts, new DeltaOp.Update(A, B)),
                        new Delta("t", 2, ts, new DeltaOp.Insert(A)),
                        new Delta("t", 3, ts, new DeltaOp.Delete(C))),
                read(log, "t"));
        assertEquals(List.of(new Delta("u", 1, ts, new DeltaOp.Insert(B))), read(log, "u"));
    }

    @Test
    void recordAcceptsAnyOp() {
        long ts;
        try (DeltaTransaction tx = log.begin()) {
            tx.record("t", 1, new DeltaOp.Insert(A));
            tx.record("t", 2, new DeltaOp.Delete(B));
            ts = tx.commit();
        }
        assertEquals(
                List.of(new Delta("t", 1, ts, new DeltaOp.Insert(A)), new Delta("t", 2, ts, new DeltaOp.Delete(B))),
                read(log, "t"));
    }

    @Test
    void insertThenUpdateCollapsesToOneInsertOfTheFinalImage() {
        long ts;
        try (DeltaTransaction tx = log.begin()) {
            tx.insert("t", 1, A).update("t", 1, A, B).update("t", 1, B, C);
            assertEquals(1, tx.size());
            ts = tx.commit();
        }
        assertEquals(List.of(new Delta("t", 1, ts, new DeltaOp.Insert(C))), read(log, "t"));
    }

    @Test
    void insertThenDeleteLeavesNothing() {
        long before = log.recordInsert("t", 9, C);
        try (DeltaTransaction tx = log.begin()) {
            tx.insert("t", 1, A).update("t", 1, A, B).delete("t", 1, B);
            assertEquals(0, tx.size());
            assertEquals(before, tx.commit(), "an empty transaction returns the watermark");
        }
        assertEquals(1, log.countAll());
        assertEquals(before, log.lastCommitted());
    }

    @Test
    void updatesRestoringTheOriginalLeaveNothing() {
        try (DeltaTransaction tx = log.begin()) {
            tx.update("t", 1, A, B).update("t", 1, B, A);
            assertEquals(0, tx.size());
            tx.commit();
        }
        assertEquals(0, log.countAll());
        assertEquals(0, log.lastCommitted());
    }

    @Test
    void updateThenUpdateKeepsFirstBeforeAndLastAfter() {
        long ts;
        try (DeltaTransaction tx = log.begin()) {
            tx.update("t", 1, A, B).update("t", 1, B, C);
            ts = tx.commit();
        }
        assertEquals(List.of(new Delta("t", 1, ts, new DeltaOp.Update(A, C))), read(log, "t"));
    }

    @Test
    void updateThenDeleteBecomesDeleteOfTheOriginal() {
        long ts;
        try (DeltaTransaction tx = log.begin()) {
            tx.update("t", 1, A, B).delete("t", 1, B);
            ts = tx.commit();
        }
        assertEquals(List.of(new Delta("t", 1, ts, new DeltaOp.Delete(A))), read(log, "t"));
    }

    @Test
    void deleteThenInsertBecomesUpdate() {
        long ts;
        try (DeltaTransaction tx = log.begin()) {
            tx.delete("t", 1, A).insert("t", 1, B);
            ts = tx.commit();
        }
        assertEquals(List.of(new Delta("t", 1, ts, new DeltaOp.Update(A, B))), read(log, "t"));
    }

    @Test
    void deleteThenInsertOfTheSameImageLeavesNothing() {
        try (DeltaTransaction tx = log.begin()) {
            tx.delete("t", 1, A).insert("t", 1, A);
            assertEquals(0, tx.size());
            tx.commit();
        }
        assertEquals(0, log.countAll());
    }

    @Test
    void sameRowIdInTwoTablesAreTwoRows() {
        long ts;
        try (DeltaTransaction tx = log.begin()) {
            tx.insert("t", 1, A).insert("u", 1, A);
            assertEquals(2, tx.size());
            ts = tx.commit();
        }
        assertEquals(1, read(log, "t").size());
        assertEquals(List.of(new Delta("u", 1, ts, new DeltaOp.Insert(A))), read(log, "u"));
    }

    @Test
    void manyTablesInOneTransactionByEqualNamesAndOneAfterAnotherOnTheSameThread() {
        // Twenty tables, names passed as fresh String objects (equal, not identical) and interleaved: past the
        // transaction's small table cache into its map. A second transaction on the thread reuses the first's
        // change set and must see none of its rows.
        for (int t = 0; t < 20; t++) {
            log.track("m" + t);
        }
        long ts;
        try (DeltaTransaction tx = log.begin()) {
            for (int round = 0; round < 3; round++) {
                for (int t = 0; t < 20; t++) {
                    tx.insert(new String("m" + t), round, A);
                }
            }
            assertEquals(60, tx.size());
            ts = tx.commit();
            assertEquals(0, tx.size(), "a committed transaction holds nothing");
        }
        long second;
        try (DeltaTransaction tx = log.begin()) {
            assertEquals(0, tx.size());
            tx.insert("m7", 9, B);
            assertEquals(1, tx.size());
            second = tx.commit();
        }
        for (int t = 0; t < 20; t++) {
            List<Delta> deltas = read(log, "m" + t);
            assertEquals(t == 7 ? 4 : 3, deltas.size(), "table m" + t);
            for (int round = 0; round < 3; round++) {
                assertEquals(new Delta("m" + t, round, ts, new DeltaOp.Insert(A)), deltas.get(round));
            }
        }
        assertEquals(
                new Delta("m7", 9, second, new DeltaOp.Insert(B)),
                read(log, "m7").get(3));
    }

    @Test
    void closeWithoutCommitRollsBack() {
        long ts = log.recordInsert("t", 1, A);
        try (DeltaTransaction tx = log.begin()) {
            tx.insert("t", 2, B).update("t", 1, A, C);
        }
        DeltaTransaction tx = log.begin();
        tx.insert("t", 3, C);
        tx.rollback();
        tx.rollback(); // idempotent
        assertEquals(0, tx.size());
        assertEquals(1, log.countAll());
        assertEquals(ts, log.lastCommitted());
        assertEquals(List.of(new Delta("t", 1, ts, new DeltaOp.Insert(A))), read(log, "t"));
    }

    @Test
    void emptyCommitReturnsTheWatermarkAndWritesNothing() {
        try (DeltaTransaction tx = log.begin()) {
            assertEquals(0, tx.commit());
        }
        long ts = log.recordInsert("t", 1, A);
        try (DeltaTransaction tx = log.begin()) {
            assertEquals(ts, tx.commit());
        }
        assertEquals(ts, log.lastCommitted());
        assertEquals(1, log.countAll());
        long next = log.recordInsert("t", 2, A);
        assertNotEquals(ts, next);
    }

    @Test
    void aFinishedTransactionRefusesFurtherUse() {
        DeltaTransaction committed = log.begin();
        committed.insert("t", 1, A).commit();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> committed.insert("t", 2, A));
        assertTrue(e.getMessage().contains("committed"), e.getMessage());
        assertThrows(IllegalStateException.class, committed::commit);
        committed.close(); // a no-op after commit
        assertEquals(1, log.countAll(), "closing after commit does not roll back");

        DeltaTransaction rolledBack = log.begin();
        rolledBack.insert("t", 3, A);
        rolledBack.close();
        assertThrows(IllegalStateException.class, rolledBack::commit);
        assertThrows(IllegalStateException.class, () -> rolledBack.delete("t", 3, A));
        assertEquals(1, log.countAll());
    }

    @Test
    void transactionsAreIndependent() {
        try (DeltaTransaction first = log.begin();
                DeltaTransaction second = log.begin()) {
            first.insert("t", 1, A);
            second.insert("t", 1, B); // no conflict: another transaction
            long t2 = second.commit();
            long t1 = first.commit();
            assertTrue(t1 > t2);
        }
        List<Delta> all = read(log, "t");
        assertEquals(2, all.size());
        assertEquals(B, all.get(0).op().after());
        assertEquals(A, all.get(1).op().after());
    }

    @Test
    void commitFailsWhenATableWasUntrackedMeanwhileAndWritesNothing() {
        long ts = log.recordInsert("u", 1, A);
        DeltaTransaction tx = log.begin();
        tx.insert("u", 2, A).insert("t", 1, B);
        log.untrack("t");
        UntrackedTableException e = assertThrows(UntrackedTableException.class, tx::commit);
        assertTrue(e.getMessage().contains("'t'"), e.getMessage());
        assertEquals(1, log.countAll());
        assertEquals(ts, log.lastCommitted());
        log.track("t");
        long later = tx.commit(); // the transaction is still open and can be committed once the table is back
        assertTrue(later > ts);
        assertEquals(3, log.countAll());
    }

    /** Guards DeltaTransaction.record against a null op, which used to drop the row's earlier change silently. */
    @Test
    void recordWithANullOpThrowsAndKeepsEarlierChanges() {
        DeltaTransaction tx = log.begin();
        tx.insert("t", 1, A);
        assertThrows(NullPointerException.class, () -> tx.record("t", 1, null));
        assertThrows(NullPointerException.class, () -> tx.record("t", 2, null));
        assertEquals(1, tx.size());
        long ts = tx.commit();
        assertEquals(List.of(new Delta("t", 1, ts, new DeltaOp.Insert(A))), read(log, "t"));
    }

    @Test
    void nullImagesAreRefused() {
        try (DeltaTransaction tx = log.begin()) {
            assertThrows(NullPointerException.class, () -> tx.insert("t", 1, null));
            assertThrows(NullPointerException.class, () -> tx.update("t", 1, A, null));
            assertThrows(NullPointerException.class, () -> tx.delete("t", 1, null));
            assertEquals(0, tx.size());
        }
        assertFalse(log.countAll() > 0);
    }
}
