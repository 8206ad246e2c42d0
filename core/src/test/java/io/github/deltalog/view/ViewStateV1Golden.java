package io.github.deltalog.view;

import io.github.deltalog.DeltaLog;
import io.github.deltalog.Durability;
import io.github.deltalog.Tuple;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Writes the golden log of view state format 1 ({@code golden/views-state-v1.deltas}): orders and customers with a
 * fixed history, a group-by view with MIN, MAX and COUNT(DISTINCT) and a left join view, refreshed at points of the
 * history. It was run once with the build before state format 2 (main at 7b7d4a1): {@code java -cp <that core jar,
 * h2-mvstore, these test classes> io.github.deltalog.view.ViewStateV1Golden <file>}; a later build must keep
 * opening and refreshing what it wrote.
 */
final class ViewStateV1Golden {
    static final String GROUP_BY = "per-customer";
    static final String JOIN = "per-region";

    private ViewStateV1Golden() {}

    static ViewDefinition groupBy() {
        return ViewDefinition.from("orders")
                .groupBy(0)
                .count()
                .sum(1)
                .min(1)
                .max(1)
                .countDistinct(1)
                .build();
    }

    static ViewDefinition join() {
        return ViewDefinition.from("orders")
                .leftJoin("customers", 0, 0, 2)
                .groupBy(3)
                .count()
                .max(1)
                .countDistinct(0)
                .build();
    }

    /**
     * Makes {@code n} random changes to the rows: inserts, updates that move rows between customers, deletes;
     * records them in {@code log} unless it is null.
     */
    static void change(DeltaLog log, SplittableRandom rnd, int n, Tuple[] orders, Tuple[] customers) {
        for (int i = 0; i < n; i++) {
            int id = rnd.nextInt(orders.length);
            if (rnd.nextInt(20) == 0) {
                int c = rnd.nextInt(customers.length);
                Tuple next = Tuple.of(customers[c].get(0), rnd.nextInt(4) == 0 ? null : "r" + rnd.nextInt(4));
                if (log != null) {
                    log.recordUpdate("customers", c, customers[c], next);
                }
                customers[c] = next;
                continue;
            }
            Tuple next = rnd.nextInt(8) == 0
                    ? null
                    : Tuple.of("c" + rnd.nextInt(customers.length), BigDecimal.valueOf(rnd.nextInt(5000), 2));
            if (log == null) {
                orders[id] = next;
                continue;
            }
            if (orders[id] == null && next != null) {
                log.recordInsert("orders", id, next);
            } else if (orders[id] != null && next == null) {
                log.recordDelete("orders", id, orders[id]);
            } else if (orders[id] != null) {
                log.recordUpdate("orders", id, orders[id], next);
            }
            orders[id] = next;
        }
    }

    /** The random source of the golden history; after {@link #write} (or {@link #replay}) it goes on from there. */
    static SplittableRandom random() {
        return new SplittableRandom(2026_12_07L);
    }

    /** The rows as the golden history leaves them (orders, customers), and the random source after it. */
    static Tuple[][] replay(SplittableRandom rnd) {
        return write(null, rnd);
    }

    private static Tuple[][] write(DeltaLog log, SplittableRandom rnd) {
        Tuple[] orders = new Tuple[400];
        Tuple[] customers = new Tuple[12];
        for (int c = 0; c < customers.length; c++) {
            customers[c] = Tuple.of("c" + c, "r" + (c % 4));
            if (log != null) {
                log.recordInsert("customers", c, customers[c]);
            }
        }
        change(log, rnd, 600, orders, customers);
        View g = log == null ? null : log.view(GROUP_BY, groupBy());
        View j = log == null ? null : log.view(JOIN, join());
        for (int round = 0; round < 3; round++) {
            change(log, rnd, 150, orders, customers);
            if (log != null) {
                g.refresh();
                j.refresh();
            }
        }
        change(log, rnd, 100, orders, customers); // left for the reader to refresh
        return new Tuple[][] {orders, customers};
    }

    public static void main(String[] args) {
        try (DeltaLog log = DeltaLog.builder()
                .path(Path.of(args[0]))
                .durability(Durability.COMMIT)
                .open()) {
            log.track("orders");
            log.track("customers");
            write(log, random());
        }
    }
}
