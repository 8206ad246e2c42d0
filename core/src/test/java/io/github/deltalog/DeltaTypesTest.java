package io.github.deltalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The value types of the API: Delta, DeltaOp and ChangeSet, including their inverses. */
class DeltaTypesTest {
    private static final Tuple A = Tuple.of(1, "a");
    private static final Tuple B = Tuple.of(1, "b");

    @Test
    void opsExposeTheirImages() {
        DeltaOp insert = new DeltaOp.Insert(A);
        DeltaOp update = new DeltaOp.Update(A, B);
        DeltaOp delete = new DeltaOp.Delete(B);
        assertNull(insert.before());
        assertEquals(A, insert.after());
        assertEquals(A, update.before());
        assertEquals(B, update.after());
        assertEquals(B, delete.before());
        assertNull(delete.after());
        assertThrows(NullPointerException.class, () -> new DeltaOp.Insert(null));
        assertThrows(NullPointerException.class, () -> new DeltaOp.Update(null, B));
        assertThrows(NullPointerException.class, () -> new DeltaOp.Update(A, null));
        assertThrows(NullPointerException.class, () -> new DeltaOp.Delete(null));
    }

    @Test
    void invertUndoesEachOp() {
        assertEquals(new DeltaOp.Delete(A), new DeltaOp.Insert(A).invert());
        assertEquals(new DeltaOp.Insert(B), new DeltaOp.Delete(B).invert());
        assertEquals(new DeltaOp.Update(B, A), new DeltaOp.Update(A, B).invert());
        for (DeltaOp op : List.of(new DeltaOp.Insert(A), new DeltaOp.Update(A, B), new DeltaOp.Delete(B))) {
            assertEquals(op, op.invert().invert());
        }
    }

    @Test
    void deltaTimestampIsTheCommitTimestampAsAnInstant() {
        assertEquals(
                Instant.parse("2024-03-01T12:00:00.123456Z"),
                new Delta("t", 1, 1_709_294_400_123_456L, new DeltaOp.Insert(A)).timestamp());
        assertEquals(Instant.EPOCH, new Delta("t", 1, 0, new DeltaOp.Insert(A)).timestamp());
        assertEquals(
                Instant.parse("1969-12-31T23:59:59.999999Z"), new Delta("t", 1, -1, new DeltaOp.Insert(A)).timestamp());
        assertThrows(NullPointerException.class, () -> new Delta(null, 1, 1, new DeltaOp.Insert(A)));
        assertThrows(NullPointerException.class, () -> new Delta("t", 1, 1, null));
    }

    @Test
    void deltaInvertKeepsTableRowAndTimestamp() {
        Delta d = new Delta("t", 7, 42, new DeltaOp.Update(A, B));
        assertEquals(new Delta("t", 7, 42, new DeltaOp.Update(B, A)), d.invert());
    }

    @Test
    void changeSetInvertReversesAndInvertsAtTheSameWatermark() {
        Delta d1 = new Delta("t", 1, 10, new DeltaOp.Insert(A));
        Delta d2 = new Delta("t", 1, 11, new DeltaOp.Update(A, B));
        Delta d3 = new Delta("u", 2, 12, new DeltaOp.Delete(B));
        ChangeSet cs = new ChangeSet(List.of(d1, d2, d3), 12);
        ChangeSet inv = cs.invert();
        assertEquals(List.of(d3.invert(), d2.invert(), d1.invert()), inv.deltas());
        assertEquals(12, inv.watermark());
        assertEquals(cs, inv.invert());
        assertEquals(cs.hashCode(), inv.invert().hashCode());
        assertNotEquals(cs, new ChangeSet(List.of(d1, d2, d3), 13));
        assertTrue(cs.toString().contains("3"), cs.toString());
    }

    @Test
    void changeSetInvertUndoesAppliedChanges() {
        try (DeltaLog log = DeltaLog.inMemory()) {
            log.track("t");
            log.recordInsert("t", 1, A);
            log.recordUpdate("t", 1, A, B);
            log.recordInsert("t", 2, A);
            log.recordDelete("t", 2, A);
            ChangeSet cs = log.changesAfter(List.of("t"), 0);
            java.util.Map<Long, Tuple> state = new java.util.HashMap<>();
            apply(state, cs);
            assertEquals(java.util.Map.of(1L, B), state);
            apply(state, cs.invert());
            assertEquals(java.util.Map.of(), state);
        }
    }

    private static void apply(java.util.Map<Long, Tuple> state, ChangeSet cs) {
        for (Delta d : cs) {
            Tuple current = state.get(d.rowId());
            assertEquals(d.op().before(), current, "before image of " + d);
            if (d.op().after() == null) {
                state.remove(d.rowId());
            } else {
                state.put(d.rowId(), d.op().after());
            }
        }
    }

    @Test
    void changeSetIsACopyAndUnmodifiable() {
        List<Delta> source = new ArrayList<>(List.of(new Delta("t", 1, 1, new DeltaOp.Insert(A))));
        ChangeSet cs = new ChangeSet(source, 1);
        source.clear();
        assertEquals(1, cs.size());
        assertThrows(UnsupportedOperationException.class, () -> cs.deltas().add(null));
        assertThrows(UnsupportedOperationException.class, () -> cs.tables().add("x"));
        ChangeSet empty = new ChangeSet(List.of(), 5);
        assertTrue(empty.isEmpty());
        assertTrue(empty.tables().isEmpty());
        assertEquals(empty, empty.invert());
    }
}
