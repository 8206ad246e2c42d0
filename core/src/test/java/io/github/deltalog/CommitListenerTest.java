package io.github.deltalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Commit hooks: called after the commit is visible, in order; failures stay with the listener. */
class CommitListenerTest {
    private record Call(long ts, List<Delta> deltas) {}

    private DeltaLog log;

    @BeforeEach
    void open() {
        log = DeltaLog.inMemory();
        log.track("zeta"); // tracked first: a smaller internal id than "alpha"
        log.track("alpha");
    }

    @AfterEach
    void close() {
        log.close();
    }

    @Test
    void listenerIsCalledAfterTheCommitIsVisibleWithItsDeltas() {
        List<Call> calls = new ArrayList<>();
        List<Long> visibleCounts = new ArrayList<>();
        log.subscribe((ts, deltas) -> {
            calls.add(new Call(ts, deltas));
            visibleCounts.add(log.lastCommitted() >= ts ? log.count("alpha", ts - 1) + log.count("zeta", ts - 1) : -1);
        });
        DeltaTransaction tx = log.begin();
        tx.insert("zeta", 2, Tuple.of("z2")).insert("alpha", 9, Tuple.of("a9")).insert("zeta", 1, Tuple.of("z1"));
        long t1 = tx.commit();
        long t2 = log.recordDelete("alpha", 9, Tuple.of("a9"));
        assertEquals(2, calls.size());
        assertEquals(t1, calls.get(0).ts());
        assertEquals(t2, calls.get(1).ts());
        assertEquals(List.of(3L, 1L), visibleCounts, "the listener sees its commit in the log");
        List<Delta> ofT1 = log.changesAfter(List.of("alpha", "zeta"), 0).deltas().stream()
                .filter(d -> d.commitTimestamp() == t1)
                .toList();
        assertEquals(ofT1, calls.get(0).deltas());
        assertEquals(
                List.of(new Delta("alpha", 9, t2, new DeltaOp.Delete(Tuple.of("a9")))),
                calls.get(1).deltas());
        assertThrows(
                UnsupportedOperationException.class, () -> calls.get(0).deltas().clear());
    }

    /** Guards the order of a listener's deltas: by table name then row, as a ChangeSet, not by internal ids. */
    @Test
    void listenerDeltasAreOrderedByTableNameThenRow() {
        List<String> seen = new ArrayList<>();
        log.subscribe((ts, deltas) -> deltas.forEach(d -> seen.add(d.table() + ":" + d.rowId())));
        try (DeltaTransaction tx = log.begin()) {
            tx.insert("zeta", 1, Tuple.of(1)).insert("alpha", 2, Tuple.of(2)).insert("alpha", -3, Tuple.of(3));
            tx.commit();
        }
        assertEquals(List.of("alpha:-3", "alpha:2", "zeta:1"), seen);
    }

    @Test
    void listenersAreCalledInCommitOrder() {
        List<Long> seen = new ArrayList<>();
        List<Long> returned = new ArrayList<>();
        log.subscribe((ts, deltas) -> seen.add(ts));
        for (int i = 0; i < 20; i++) {
            returned.add(log.recordInsert(i % 2 == 0 ? "alpha" : "zeta", i, Tuple.of(i)));
        }
        assertEquals(returned, seen);
    }

    @Test
    void aThrowingListenerNeitherUndoesTheCommitNorStopsTheNext() {
        List<Long> second = new ArrayList<>();
        log.subscribe((ts, deltas) -> {
            throw new IllegalStateException("listener failure (expected by the test)");
        });
        log.subscribe((ts, deltas) -> {
            throw new AssertionError("listener error (expected by the test)");
        });
        log.subscribe((ts, deltas) -> second.add(ts));
        long ts = log.recordInsert("alpha", 1, Tuple.of(1));
        assertEquals(List.of(ts), second);
        assertEquals(ts, log.lastCommitted());
        assertEquals(1, log.count("alpha", 0));
        long ts2 = log.recordInsert("alpha", 2, Tuple.of(2));
        assertEquals(List.of(ts, ts2), second);
    }

    @Test
    void unsubscribeStopsCalls() {
        List<Long> a = new ArrayList<>();
        List<Long> b = new ArrayList<>();
        Subscription sa = log.subscribe((ts, deltas) -> a.add(ts));
        log.subscribe((ts, deltas) -> b.add(ts));
        long t1 = log.recordInsert("alpha", 1, Tuple.of(1));
        assertTrue(sa.isActive());
        sa.close();
        sa.close(); // idempotent
        assertFalse(sa.isActive());
        sa.check(); // a listener on the committing thread never fails on its own
        long t2 = log.recordInsert("alpha", 2, Tuple.of(2));
        assertEquals(List.of(t1), a);
        assertEquals(List.of(t1, t2), b);
    }

    @Test
    void transactionsThatWriteNothingAreNotReported() {
        List<Long> seen = new ArrayList<>();
        log.subscribe((ts, deltas) -> seen.add(ts));
        try (DeltaTransaction tx = log.begin()) {
            tx.insert("alpha", 1, Tuple.of(1)).delete("alpha", 1, Tuple.of(1));
            tx.commit();
        }
        try (DeltaTransaction tx = log.begin()) {
            tx.insert("alpha", 1, Tuple.of(1)); // rolled back
        }
        log.recordUpdate("alpha", 1, Tuple.of(1), Tuple.of(1));
        assertTrue(seen.isEmpty(), seen.toString());
    }

    /**
     * Guards CommitListeners.dispatch against re-entry: a listener that commits used to have the nested commit
     * told to the later listeners before the commit they were being told about.
     */
    @Test
    void aListenerThatCommitsDoesNotBreakCommitOrder() {
        List<Long> order = new ArrayList<>();
        log.subscribe((ts, deltas) -> {
            if (deltas.get(0).table().equals("zeta")) {
                log.recordInsert("alpha", deltas.get(0).rowId(), Tuple.of("audit")); // e.g. an audit trail
            }
        });
        log.subscribe((ts, deltas) -> order.add(ts));
        long t1 = log.recordInsert("zeta", 1, Tuple.of(1));
        long t3 = log.recordInsert("zeta", 2, Tuple.of(2));
        assertEquals(4, order.size(), order.toString());
        assertEquals(t1, order.get(0));
        assertEquals(t3, order.get(2));
        for (int i = 1; i < order.size(); i++) {
            assertTrue(order.get(i) > order.get(i - 1), order.toString());
        }
        assertEquals(4, log.countAll());
    }

    @Test
    void subscribeRefusesNull() {
        assertThrows(NullPointerException.class, () -> log.subscribe(null));
    }
}
