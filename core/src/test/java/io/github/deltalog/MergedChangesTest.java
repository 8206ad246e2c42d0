package io.github.deltalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.deltalog.merge.DeltaMerger;
import io.github.deltalog.merge.MergePolicy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link DeltaLog#mergedChangesAfter} over a log: the merge of what {@code changesAfter} reads. */
class MergedChangesTest {

    @Test
    void mergedChangesEqualTheMergeOfTheRawChanges() {
        long seed = new Random().nextLong();
        Random rnd = new Random(seed);
        try (DeltaLog log = DeltaLog.inMemory()) {
            log.track("a");
            log.track("b");
            Map<String, Map<Long, Tuple>> rows = new HashMap<>();
            List<Long> positions = new ArrayList<>(List.of(0L));
            for (int tx = 0; tx < 200; tx++) {
                try (DeltaTransaction t = log.begin()) {
                    for (int i = 0; i < 1 + rnd.nextInt(5); i++) {
                        String table = rnd.nextBoolean() ? "a" : "b";
                        long id = rnd.nextInt(20);
                        Map<Long, Tuple> state = rows.computeIfAbsent(table, k -> new HashMap<>());
                        Tuple now = state.get(id);
                        Tuple next = Tuple.of(rnd.nextInt(4), "v" + rnd.nextInt(3));
                        if (now == null) {
                            t.insert(table, id, next);
                            state.put(id, next);
                        } else if (rnd.nextInt(4) == 0) {
                            t.delete(table, id, now);
                            state.remove(id);
                        } else {
                            t.update(table, id, now, next);
                            state.put(id, next);
                        }
                    }
                    positions.add(t.commit());
                }
            }
            for (int i = 0; i < 20; i++) {
                long after = positions.get(rnd.nextInt(positions.size()));
                ChangeSet raw = log.changesAfter(List.of("a", "b"), after);
                ChangeSet merged = log.mergedChangesAfter(List.of("b", "a"), after);
                assertEquals(DeltaMerger.merge(raw).toChangeSet(raw.watermark()), merged, "seed " + seed);
            }
        }
    }

    @Test
    void conflictingHistoryThrowsUnderStrictAndIsCountedUnderIgnoreLater() {
        try (DeltaLog log = DeltaLog.inMemory()) {
            log.track("t");
            long first = log.recordInsert("t", 1, Tuple.of("x"));
            long second = log.recordInsert("t", 1, Tuple.of("y")); // the application recorded a bad chain
            MergeConflictException e =
                    assertThrows(MergeConflictException.class, () -> log.mergedChangesAfter(List.of("t"), 0));
            assertEquals(first, e.earlierTimestamp());
            assertEquals(second, e.laterTimestamp());
            ChangeSet kept = log.mergedChangesAfter(List.of("t"), 0, MergePolicy.IGNORE_LATER);
            assertEquals(List.of(new Delta("t", 1, first, new DeltaOp.Insert(Tuple.of("x")))), kept.deltas());
        }
    }
}
