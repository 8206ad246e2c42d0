package io.github.deltalog.merge;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.deltalog.Delta;
import io.github.deltalog.DeltaOp;
import io.github.deltalog.Tuple;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link RowChain}'s state machine against {@link ChainRule}'s table applied pair by pair, on every chain of up to
 * five changes over a few images (two of them equal but not the same object): the same net change (or none), the
 * same place where a chain first conflicts, the same count of dropped no-ops. Every merge path folds through
 * {@link RowChain}, so this is the check that does not go through it twice.
 */
class RowChainTest {
    private static final Tuple A = Tuple.of(1, "a");
    private static final Tuple A_COPY = Tuple.of(1, "a");
    private static final Tuple B = Tuple.of(2, "b");

    private static final List<DeltaOp> OPS = List.of(
            new DeltaOp.Insert(A),
            new DeltaOp.Insert(B),
            new DeltaOp.Update(A, B),
            new DeltaOp.Update(B, A_COPY),
            new DeltaOp.Update(A, A_COPY),
            new DeltaOp.Delete(A),
            new DeltaOp.Delete(B));

    @Test
    void foldsEveryShortChainAsTheCombinationTableDoes() {
        List<List<DeltaOp>> chains = new ArrayList<>();
        chains.add(List.of());
        int checked = 0;
        for (int length = 1; length <= 5; length++) {
            List<List<DeltaOp>> longer = new ArrayList<>();
            for (List<DeltaOp> chain : chains) {
                for (DeltaOp op : OPS) {
                    List<DeltaOp> next = new ArrayList<>(chain);
                    next.add(op);
                    longer.add(next);
                    assertEquals(byTable(next), byStates(next), next.toString());
                    checked++;
                }
            }
            chains = longer;
        }
        assertEquals(7 + 49 + 343 + 2401 + 16807, checked);
    }

    /** The reference: ChainRule.combine left to right; a first update that changes nothing counts as a no-op. */
    private static List<Object> byTable(List<DeltaOp> chain) {
        DeltaOp net = null; // null: nothing so far, or a chain that netted to nothing
        boolean seen = false;
        boolean exists = false;
        int noOps = 0;
        for (int i = 0; i < chain.size(); i++) {
            DeltaOp later = chain.get(i);
            boolean insert = later instanceof DeltaOp.Insert;
            if (seen && insert == exists) {
                return List.of("conflict at", i, noOps);
            }
            seen = true;
            exists = !(later instanceof DeltaOp.Delete);
            if (net == null) {
                if (ChainRule.isNoOp(later)) {
                    noOps++;
                } else {
                    net = later;
                }
                continue;
            }
            net = ChainRule.combine(net, later);
            if (net == null && exists) {
                noOps++; // the chain restored the row: its last change dropped as a no-op
            }
        }
        return List.of("net", String.valueOf(net), noOps);
    }

    /** The fold every merge path makes: states, the chain's first before image, the last change. */
    private static List<Object> byStates(List<DeltaOp> chain) {
        byte state = RowChain.NEW;
        Tuple before = null;
        DeltaOp last = null;
        int noOps = 0;
        for (int i = 0; i < chain.size(); i++) {
            DeltaOp later = chain.get(i);
            boolean change = RowChain.isChange(state);
            byte next = RowChain.next(state, change ? before : null, later);
            if (next == RowChain.CONFLICT) {
                return List.of("conflict at", i, noOps);
            }
            if (!change) {
                before = RowChain.startImage(later);
            }
            if (next == RowChain.NONE_PRESENT) {
                noOps++;
            }
            state = next;
            last = later;
        }
        Object net = null;
        if (RowChain.isChange(state)) {
            net = RowChain.output(before, new Delta("t", 1, 1, last)).op();
        }
        return List.of("net", String.valueOf(net), noOps);
    }
}
