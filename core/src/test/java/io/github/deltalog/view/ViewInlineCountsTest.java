package io.github.deltalog.view;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.deltalog.DeltaLog;
import io.github.deltalog.Tuple;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MIN, MAX and COUNT(DISTINCT) across the inline limit: groups grow past {@link GroupChanges#INLINE_LIMIT}
 * distinct values (their counts move to the values map), shrink, lose their extremes and empty, under random
 * inserts, updates that move rows between groups and deletes; after every refresh, and after reopening, the view
 * equals the nested-loop reference. Seed: {@code -Dviews.inline.seed=N}.
 */
class ViewInlineCountsTest {
    @TempDir
    Path dir;

    private static ViewDefinition definition() {
        return ViewDefinition.from("orders")
                .groupBy(0)
                .count()
                .min(1)
                .max(1)
                .countDistinct(1)
                .countDistinct(2)
                .max(2)
                .build();
    }

    @Test
    void groupsCrossingTheInlineLimitStayEqualToTheReference() {
        long seed = Long.getLong("views.inline.seed", new SplittableRandom().nextLong());
        SplittableRandom rnd = new SplittableRandom(seed);
        String why = "seed " + seed + " (rerun with -Dviews.inline.seed=" + seed + ")";
        Map<Long, Tuple> orders = new HashMap<>();
        Path file = dir.resolve("inline.deltas");
        int limit = GroupChanges.INLINE_LIMIT;
        long nextId = 0;
        int refreshes = 0;
        boolean crossedUp = false;
        DeltaLog log = DeltaLog.open(file);
        try {
            log.track("orders");
            View view = log.view("v", definition());
            for (int phase = 0; phase < 6; phase++) {
                // Even phases grow two groups well past the limit, odd phases shrink them to a few rows.
                boolean grow = phase % 2 == 0;
                for (int s = 0; grow ? s < 6 * limit : orders.size() > 10; s++) {
                    String group = "g" + rnd.nextInt(2);
                    int op = rnd.nextInt(10);
                    if (orders.isEmpty() || (grow ? op < 7 : op < 1)) {
                        Tuple row = Tuple.of(
                                group,
                                (long) rnd.nextInt(4 * limit),
                                rnd.nextInt(3) == 0 ? null : "s" + rnd.nextInt(200));
                        log.recordInsert("orders", nextId, row);
                        orders.put(nextId++, row);
                    } else {
                        long id = anyId(orders, rnd);
                        Tuple now = orders.get(id);
                        if (grow ? op < 9 : op < 3) {
                            // Move it to another group or value, or make it the group's new extreme.
                            Object amount = rnd.nextInt(4) == 0
                                    ? (Object) (rnd.nextBoolean() ? -1L - s : 10_000L + s)
                                    : (Object) (long) rnd.nextInt(4 * limit);
                            Tuple next = Tuple.of(rnd.nextBoolean() ? group : now.get(0), amount, now.get(2));
                            log.recordUpdate("orders", id, now, next);
                            orders.put(id, next);
                        } else {
                            log.recordDelete("orders", id, orders.remove(id));
                        }
                    }
                    if (rnd.nextInt(limit / 2) == 0) {
                        view.refresh();
                        refreshes++;
                        assertEquals(
                                ViewReference.compute(definition(), Map.of("orders", orders)),
                                ViewReference.rowsOf(view),
                                why);
                    }
                }
                view.refresh();
                refreshes++;
                assertEquals(
                        ViewReference.compute(definition(), Map.of("orders", orders)), ViewReference.rowsOf(view), why);
                crossedUp |= grow && maxDistinct(view) > limit;
                if (rnd.nextBoolean()) {
                    log.close();
                    log = DeltaLog.open(file);
                    view = log.view("v", definition());
                    assertEquals(
                            ViewReference.compute(definition(), Map.of("orders", orders)),
                            ViewReference.rowsOf(view),
                            why);
                }
            }
            assertTrue(crossedUp, "no group went past the inline limit; " + why);
            assertTrue(view.verify().matches(), why);
            assertTrue(refreshes > 6, why);
        } finally {
            log.close();
        }
    }

    private static long anyId(Map<Long, Tuple> orders, SplittableRandom rnd) {
        List<Long> ids = new ArrayList<>(orders.keySet());
        return ids.get(rnd.nextInt(ids.size()));
    }

    private static int maxDistinct(View view) {
        int max = 0;
        for (ViewRow r : view.rows()) {
            max = Math.max(max, ((Long) r.values().get(3)).intValue());
        }
        return max;
    }
}
