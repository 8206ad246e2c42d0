package io.github.deltalog.merge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.deltalog.Delta;
import io.github.deltalog.DeltaOp;
import io.github.deltalog.MergeConflictException;
import io.github.deltalog.Tuple;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One example per cell of the combination table of DESIGN §6, under both policies. */
class DeltaMergerTest {
    private static final Tuple A = Tuple.of(1, "a");
    private static final Tuple A2 = Tuple.of(1, "a2");
    private static final Tuple B = Tuple.of(1, "b");
    private static final Tuple B2 = Tuple.of(1, "b2");

    private static Delta d(long ts, DeltaOp op) {
        return new Delta("t", 7L, ts, op);
    }

    private static DeltaOp ins(Tuple t) {
        return new DeltaOp.Insert(t);
    }

    private static DeltaOp upd(Tuple b, Tuple a) {
        return new DeltaOp.Update(b, a);
    }

    private static DeltaOp del(Tuple t) {
        return new DeltaOp.Delete(t);
    }

    private static List<Delta> merge(MergePolicy policy, DeltaOp first, DeltaOp second) {
        return DeltaMerger.merge(List.of(d(10, first), d(20, second)), policy).byRow();
    }

    private static void assertCell(DeltaOp first, DeltaOp second, DeltaOp expected) {
        for (MergePolicy policy : MergePolicy.values()) {
            List<Delta> out = merge(policy, first, second);
            if (expected == null) {
                assertEquals(List.of(), out, policy + ": " + first + " then " + second);
            } else {
                assertEquals(List.of(d(20, expected)), out, policy + ": " + first + " then " + second);
            }
        }
    }

    private static void assertConflict(DeltaOp first, DeltaOp second) {
        MergeConflictException e =
                assertThrows(MergeConflictException.class, () -> merge(MergePolicy.STRICT, first, second));
        assertEquals("t", e.table());
        assertEquals(7L, e.rowId());
        assertEquals(10L, e.earlierTimestamp());
        assertEquals(20L, e.laterTimestamp());
        assertTrue(
                e.getMessage().contains("'t'")
                        && e.getMessage().contains("row 7")
                        && e.getMessage().contains("10")
                        && e.getMessage().contains("20"),
                e.getMessage());

        MergeResult kept = DeltaMerger.merge(List.of(d(10, first), d(20, second)), MergePolicy.IGNORE_LATER);
        assertEquals(List.of(d(10, first)), kept.byRow(), "IGNORE_LATER keeps the earlier change");
        assertEquals(1, kept.stats().conflictsIgnored());
    }

    @Test
    void insertThenInsertConflicts() {
        assertConflict(ins(A), ins(B));
    }

    @Test
    void insertThenUpdateIsInsertOfTheNewImage() {
        assertCell(ins(A), upd(B, B2), ins(B2));
    }

    @Test
    void insertThenDeleteIsNothing() {
        assertCell(ins(A), del(A), null);
    }

    @Test
    void updateThenInsertConflicts() {
        assertConflict(upd(A, A2), ins(B));
    }

    @Test
    void updateThenUpdateSpansBothImages() {
        assertCell(upd(A, A2), upd(A2, B2), upd(A, B2));
    }

    @Test
    void updateChainThatRestoresTheRowIsNothing() {
        assertCell(upd(A, A2), upd(A2, A), null);
        MergeStats stats =
                DeltaMerger.merge(List.of(d(10, upd(A, A2)), d(20, upd(A2, A)))).stats();
        assertEquals(new MergeStats(2, 0, 1, 0), stats);
    }

    @Test
    void updateThenDeleteIsDeleteOfTheOriginal() {
        assertCell(upd(A, A2), del(A2), del(A));
    }

    @Test
    void deleteThenInsertIsUpdate() {
        assertCell(del(A), ins(B), upd(A, B));
    }

    @Test
    void deleteThenInsertOfTheSameImageIsNothing() {
        assertCell(del(A), ins(A), null);
    }

    @Test
    void deleteThenUpdateConflicts() {
        assertConflict(del(A), upd(B, B2));
    }

    @Test
    void deleteThenDeleteConflicts() {
        assertConflict(del(A), del(B));
    }

    @Test
    void noOpUpdateIsDroppedAndCounted() {
        MergeResult r = DeltaMerger.merge(List.of(d(10, upd(A, A))));
        assertEquals(List.of(), r.byRow());
        assertEquals(new MergeStats(1, 0, 1, 0), r.stats());
    }

    @Test
    void aRowThatCameAndWentCannotBeDeletedAgain() {
        List<Delta> s = List.of(d(10, ins(A)), d(20, del(A)), d(30, del(A)));
        MergeConflictException e = assertThrows(MergeConflictException.class, () -> DeltaMerger.merge(s));
        assertEquals(30L, e.laterTimestamp());
        assertEquals(
                List.of(d(40, ins(B))),
                DeltaMerger.merge(List.of(d(10, ins(A)), d(20, del(A)), d(40, ins(B))))
                        .byRow());
    }

    @Test
    void mergedDeltaCarriesTheLatestTimestampOfItsChain() {
        List<Delta> s = List.of(d(10, ins(A)), d(20, upd(A, A2)), d(35, upd(A2, B)));
        assertEquals(List.of(d(35, ins(B))), DeltaMerger.merge(s).byRow());
    }

    @Test
    void outputIsOrderedByTableThenRowAndAlsoAvailableByTimestamp() {
        List<Delta> s = List.of(
                new Delta("b", 1, 10, ins(A)),
                new Delta("a", 9, 11, ins(A)),
                new Delta("a", -4, 12, ins(B)),
                new Delta("b", 1, 13, upd(A, B)));
        MergeResult r = DeltaMerger.merge(s);
        assertEquals(
                List.of(new Delta("a", -4, 12, ins(B)), new Delta("a", 9, 11, ins(A)), new Delta("b", 1, 13, ins(B))),
                r.byRow());
        assertEquals(
                List.of(new Delta("a", 9, 11, ins(A)), new Delta("a", -4, 12, ins(B)), new Delta("b", 1, 13, ins(B))),
                r.byTimestamp());
        assertEquals(new MergeStats(4, 3, 0, 0), r.stats());
    }

    @Test
    void weightedFormIsMinusBeforePlusAfter() {
        MergeResult r = DeltaMerger.merge(List.of(
                new Delta("t", 1, 10, ins(A)), new Delta("t", 2, 10, upd(A, B)), new Delta("t", 3, 10, del(B2))));
        assertEquals(
                List.of(
                        new WeightedTuple("t", 1, A, 1),
                        new WeightedTuple("t", 2, A, -1),
                        new WeightedTuple("t", 2, B, 1),
                        new WeightedTuple("t", 3, B2, -1)),
                r.weighted());
    }

    @Test
    void invertSwapsImages() {
        assertEquals(del(A), ins(A).invert());
        assertEquals(ins(A), del(A).invert());
        assertEquals(upd(B, A), upd(A, B).invert());
    }

    @Test
    void strictConflictLeavesTheMergerUnchanged() {
        DeltaMerger m = new DeltaMerger();
        m.add(d(10, ins(A)));
        assertThrows(MergeConflictException.class, () -> m.add(d(20, ins(B))));
        m.add(d(30, upd(A, B)));
        assertEquals(List.of(d(30, ins(B))), m.result().byRow());
        assertEquals(2, m.result().stats().deltasIn());
    }
}
