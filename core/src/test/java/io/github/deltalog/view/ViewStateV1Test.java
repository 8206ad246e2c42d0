package io.github.deltalog.view;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.deltalog.DeltaLog;
import io.github.deltalog.Tuple;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Views of state format 1 (every MIN/MAX/COUNT(DISTINCT) count in the values map, written by the build before
 * inline value counts: {@code golden/views-state-v1.deltas}, see {@link ViewStateV1Golden}) open, read, refresh in
 * their own layout across reopens, and equal the nested-loop reference over the same history; a rebuild moves
 * them to the current format and they stay right.
 */
class ViewStateV1Test {
    @TempDir
    Path dir;

    @Test
    void formatOneViewsOpenRefreshAndStayEqualToTheReference() throws IOException {
        Path file = dir.resolve("views-state-v1.deltas");
        try (InputStream in = getClass().getResourceAsStream("/golden/views-state-v1.deltas")) {
            Files.copy(in, file);
        }
        SplittableRandom rnd = ViewStateV1Golden.random();
        Tuple[][] rows = ViewStateV1Golden.replay(rnd);
        Tuple[] orders = rows[0];
        Tuple[] customers = rows[1];
        for (int round = 0; round < 4; round++) {
            try (DeltaLog log = DeltaLog.open(file)) {
                View g = log.view(ViewStateV1Golden.GROUP_BY, ViewStateV1Golden.groupBy());
                View j = log.view(ViewStateV1Golden.JOIN, ViewStateV1Golden.join());
                if (round == 0) {
                    // As the old build left them: one refresh behind the history.
                    assertTrue(g.verify().matches(), g.verify().differences().toString());
                    assertTrue(j.verify().matches(), j.verify().differences().toString());
                }
                for (int step = 0; step < 3; step++) {
                    assertFalse(g.refresh().rebuilt());
                    assertFalse(j.refresh().rebuilt());
                    assertEquals(
                            reference(ViewStateV1Golden.groupBy(), orders, customers),
                            ViewReference.rowsOf(g),
                            "round " + round);
                    assertEquals(
                            reference(ViewStateV1Golden.join(), orders, customers),
                            ViewReference.rowsOf(j),
                            "round " + round);
                    ViewStateV1Golden.change(log, rnd, 120, orders, customers);
                }
            }
        }
        try (DeltaLog log = DeltaLog.open(file)) {
            // The same view, allowed to rebuild from base rows when a change set is above half the base.
            ViewDefinition def = ViewDefinition.from("orders")
                    .groupBy(0)
                    .count()
                    .sum(1)
                    .min(1)
                    .max(1)
                    .countDistinct(1)
                    .rebuildAbove(0.5)
                    .build();
            View g = log.view(ViewStateV1Golden.GROUP_BY, def, base(orders, customers));
            ViewStateV1Golden.change(log, rnd, 2000, orders, customers);
            assertTrue(g.refresh().rebuilt(), "a change set above the threshold rebuilds");
            ViewStateV1Golden.change(log, rnd, 40, orders, customers);
            assertFalse(g.refresh().rebuilt());
            assertEquals(reference(def, orders, customers), ViewReference.rowsOf(g));
        }
        try (DeltaLog log = DeltaLog.open(file)) {
            View g = log.view(ViewStateV1Golden.GROUP_BY, ViewStateV1Golden.groupBy());
            assertEquals(reference(ViewStateV1Golden.groupBy(), orders, customers), ViewReference.rowsOf(g));
            assertTrue(g.verify().matches());
        }
    }

    private static BaseRows base(Tuple[] orders, Tuple[] customers) {
        return t -> {
            Tuple[] a = t.equals("orders") ? orders : customers;
            java.util.List<BaseRows.Row> out = new java.util.ArrayList<>();
            for (int i = 0; i < a.length; i++) {
                if (a[i] != null) {
                    out.add(new BaseRows.Row(i, a[i]));
                }
            }
            return out;
        };
    }

    private static Map<Tuple, Tuple> reference(ViewDefinition def, Tuple[] orders, Tuple[] customers) {
        return ViewReference.compute(def, Map.of("orders", table(orders), "customers", table(customers)));
    }

    private static Map<Long, Tuple> table(Tuple[] rows) {
        Map<Long, Tuple> t = new HashMap<>();
        for (int i = 0; i < rows.length; i++) {
            if (rows[i] != null) {
                t.put((long) i, rows[i]);
            }
        }
        return t;
    }
}
