package io.github.deltalog.view;

import io.github.deltalog.DeltaLog;
import io.github.deltalog.DeltaTransaction;
import io.github.deltalog.Tuple;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A random history over two tables for view tests, with the current rows kept as the model. {@code orders}:
 * (customer Integer or NULL, amount BigDecimal/Long/NULL, status String, tag String or NULL); {@code customers}:
 * (id Integer or NULL, region String or NULL). Small domains, so updates move rows between groups and join keys.
 */
final class ViewWorkload {
    static final String ORDERS = "orders";
    static final String CUSTOMERS = "customers";

    final Map<String, Map<Long, Tuple>> tables = new HashMap<>();
    private final Random rnd;

    ViewWorkload(long seed) {
        this.rnd = new Random(seed);
        tables.put(ORDERS, new LinkedHashMap<>());
        tables.put(CUSTOMERS, new LinkedHashMap<>());
    }

    /** The views under test, by name. */
    static Map<String, ViewDefinition> definitions() {
        Map<String, ViewDefinition> defs = new LinkedHashMap<>();
        defs.put(
                "per-customer",
                ViewDefinition.from(ORDERS)
                        .where(r -> !"cancelled".equals(r.get(2)))
                        .groupBy(0)
                        .count()
                        .count(1)
                        .sum(1)
                        .avg(1)
                        .min(1)
                        .max(1)
                        .countDistinct(3)
                        .build());
        defs.put(
                "per-status-tag",
                ViewDefinition.from(ORDERS)
                        .select(r -> Tuple.of(r.get(2), r.get(3), r.get(1) == null ? null : 2 * amount(r.get(1))))
                        .groupBy(0, 1)
                        .count()
                        .sum(2)
                        .max(2)
                        .build());
        defs.put(
                "per-region",
                ViewDefinition.from(ORDERS)
                        .join(CUSTOMERS, 0, 0)
                        .groupBy(5)
                        .count()
                        .sum(1)
                        .min(1)
                        .max(1)
                        .countDistinct(0)
                        .build());
        defs.put(
                "per-region-outer",
                ViewDefinition.from(ORDERS)
                        .leftJoin(CUSTOMERS, 0, 0, 2)
                        .where(r -> !"cancelled".equals(r.get(2)))
                        .groupBy(5, 2)
                        .count()
                        .sum(1)
                        .max(3)
                        .build());
        defs.put(
                "all",
                ViewDefinition.from(CUSTOMERS)
                        .groupBy()
                        .count()
                        .countDistinct(1)
                        .min(1)
                        .build());
        return defs;
    }

    private static long amount(Object v) {
        return v instanceof BigDecimal d ? d.longValue() : (Long) v;
    }

    /** The model's rows as base rows. */
    BaseRows baseRows() {
        return table -> tables.get(table).entrySet().stream()
                .map(e -> new BaseRows.Row(e.getKey(), e.getValue()))
                .toList();
    }

    /** Commits one random transaction of 1 to 8 changes (a row may change more than once). */
    void transaction(DeltaLog log) {
        Map<String, Map<Long, Tuple>> after = new HashMap<>();
        tables.forEach((t, rows) -> after.put(t, new HashMap<>(rows)));
        try (DeltaTransaction tx = log.begin()) {
            for (int i = 0; i < 1 + rnd.nextInt(8); i++) {
                String table = rnd.nextInt(3) == 0 ? CUSTOMERS : ORDERS;
                Map<Long, Tuple> rows = after.get(table);
                long id = rnd.nextInt(table.equals(ORDERS) ? 40 : 8);
                Tuple now = rows.get(id);
                Tuple next = table.equals(ORDERS) ? order() : customer();
                if (now == null) {
                    tx.insert(table, id, next);
                    rows.put(id, next);
                } else if (rnd.nextInt(3) == 0) {
                    tx.delete(table, id, now);
                    rows.remove(id);
                } else if (!now.equals(next)) {
                    tx.update(table, id, now, next);
                    rows.put(id, next);
                }
            }
            tx.commit();
        }
        for (String t : List.of(ORDERS, CUSTOMERS)) {
            tables.get(t).clear();
            tables.get(t).putAll(after.get(t));
        }
    }

    private Tuple order() {
        Integer customer = rnd.nextInt(8) == 0 ? null : rnd.nextInt(7);
        Object amount =
                switch (rnd.nextInt(4)) {
                    case 0 -> null;
                    case 1 -> (long) rnd.nextInt(50);
                    default -> new BigDecimal(rnd.nextInt(5000)).movePointLeft(rnd.nextInt(3));
                };
        String status = rnd.nextInt(4) == 0 ? "cancelled" : rnd.nextBoolean() ? "open" : "paid";
        String tag = rnd.nextInt(3) == 0 ? null : "t" + rnd.nextInt(3);
        return Tuple.of(customer, amount, status, tag);
    }

    private Tuple customer() {
        Integer id = rnd.nextInt(10) == 0 ? null : rnd.nextInt(7);
        String region = rnd.nextInt(6) == 0 ? null : "r" + rnd.nextInt(3);
        return Tuple.of(id, region);
    }

    /** Returns the random source, for the test's own choices. */
    Random random() {
        return rnd;
    }
}
