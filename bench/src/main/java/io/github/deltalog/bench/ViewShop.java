package io.github.deltalog.bench;

import io.github.deltalog.DeltaLog;
import io.github.deltalog.DeltaTransaction;
import io.github.deltalog.Durability;
import io.github.deltalog.Tuple;
import io.github.deltalog.view.BaseRows;
import io.github.deltalog.view.ViewDefinition;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.AbstractList;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;

/**
 * The view benchmarks' data: {@code orders (id, customer, amount, status)} with one row per id {@code 0..n-1},
 * and {@code customers (name, region)} with one customer per hundred orders (at least 10) in 10 regions, held in
 * arrays as the application's copy and recorded in a log; and the two views measured (a group-by with MIN/MAX,
 * and a join grouped by region). Deterministic: the same size gives the same rows.
 */
final class ViewShop {
    static final String ORDERS = "orders";
    static final String CUSTOMERS = "customers";
    static final String GROUP_BY_VIEW = "revenue-per-customer";
    static final String JOIN_VIEW = "revenue-per-region";
    private static final long SEED = 42;
    private static final String VERSION = "v2";
    private static final String[] STATUS = {"open", "paid", "shipped", "cancelled"};

    final Tuple[] orders;
    final Tuple[] customers;

    ViewShop(int n) {
        Random rnd = new Random(SEED);
        customers = new Tuple[Math.max(10, n / 100)];
        for (int c = 0; c < customers.length; c++) {
            customers[c] = Tuple.of(String.format("c%07d", c), "region-" + rnd.nextInt(10));
        }
        orders = new Tuple[n];
        for (int i = 0; i < n; i++) {
            orders[i] = order(i, rnd);
        }
    }

    private Tuple order(long id, Random rnd) {
        return Tuple.of(
                id,
                customers[rnd.nextInt(customers.length)].get(0),
                BigDecimal.valueOf(100 + rnd.nextInt(100_000), 2),
                STATUS[rnd.nextInt(STATUS.length)]);
    }

    static ViewDefinition groupBy() {
        return ViewDefinition.from(ORDERS)
                .where(r -> !"cancelled".equals(r.get(3)))
                .groupBy(1)
                .count()
                .sum(2)
                .min(2)
                .max(2)
                .build();
    }

    static ViewDefinition join() {
        return ViewDefinition.from(ORDERS)
                .join(CUSTOMERS, 1, 0)
                .where(r -> !"cancelled".equals(r.get(3)))
                .groupBy(5)
                .count()
                .sum(2)
                .max(2)
                .countDistinct(1)
                .build();
    }

    /** The application's rows as base rows, without copying. */
    BaseRows baseRows() {
        return table -> {
            Tuple[] rows = table.equals(CUSTOMERS) ? customers : orders;
            return new AbstractList<BaseRows.Row>() {
                @Override
                public BaseRows.Row get(int i) {
                    return new BaseRows.Row(i, rows[i]);
                }

                @Override
                public int size() {
                    return rows.length;
                }
            };
        };
    }

    /**
     * Changes {@code count} random orders (new amount, one in five a new customer, one in ten a new status), and
     * one customer's region per hundred changes; recorded in {@code log} (in transactions of up to 1000 changes)
     * unless it is null.
     */
    void change(DeltaLog log, int count, Random rnd) {
        int done = 0;
        while (done < count) {
            int batch = Math.min(1000, count - done);
            Set<Integer> touched = new HashSet<>();
            DeltaTransaction tx = log == null ? null : log.begin();
            try {
                for (int i = 0; i < batch; i++) {
                    if (i % 100 == 99) {
                        int c = rnd.nextInt(customers.length);
                        Tuple now = customers[c];
                        Tuple next = Tuple.of(now.get(0), "region-" + rnd.nextInt(10));
                        if (!next.equals(now) && touched.add(-1 - c)) {
                            if (tx != null) {
                                tx.update(CUSTOMERS, c, now, next);
                            }
                            customers[c] = next;
                        }
                        continue;
                    }
                    int id = rnd.nextInt(orders.length);
                    if (!touched.add(id)) {
                        continue;
                    }
                    Tuple now = orders[id];
                    Object customer =
                            rnd.nextInt(5) == 0 ? customers[rnd.nextInt(customers.length)].get(0) : now.get(1);
                    Object status = rnd.nextInt(10) == 0 ? STATUS[rnd.nextInt(STATUS.length)] : now.get(3);
                    Tuple next =
                            Tuple.of(now.get(0), customer, BigDecimal.valueOf(100 + rnd.nextInt(100_000), 2), status);
                    if (tx != null) {
                        tx.update(ORDERS, id, now, next);
                    }
                    orders[id] = next;
                }
                if (tx != null) {
                    tx.commit();
                }
            } finally {
                if (tx != null) {
                    tx.close();
                }
            }
            done += batch;
        }
    }

    /**
     * Returns a log file holding this shop's rows and both views built, creating it once per size; the file is
     * closed when this returns.
     */
    static synchronized Path prefilled(int n) {
        Path folder = BenchFiles.root().resolve("views-" + n + "-" + SEED + "-" + VERSION);
        Path file = folder.resolve("log.db");
        if (Files.exists(folder.resolve("complete"))) {
            return file;
        }
        BenchFiles.deleteRecursively(folder);
        try {
            Files.createDirectories(folder);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + folder, e);
        }
        ViewShop shop = new ViewShop(n);
        try (DeltaLog log =
                DeltaLog.builder().path(file).durability(Durability.ASYNC).open()) {
            log.track(ORDERS);
            log.track(CUSTOMERS);
            record(log, CUSTOMERS, shop.customers);
            record(log, ORDERS, shop.orders);
            log.view(GROUP_BY_VIEW, groupBy(), shop.baseRows());
            log.view(JOIN_VIEW, join(), shop.baseRows());
        }
        try {
            Files.createFile(folder.resolve("complete"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot mark " + folder + " complete", e);
        }
        return file;
    }

    private static void record(DeltaLog log, String table, Tuple[] rows) {
        for (int from = 0; from < rows.length; from += 10_000) {
            try (DeltaTransaction tx = log.begin()) {
                for (int i = from; i < Math.min(rows.length, from + 10_000); i++) {
                    tx.insert(table, i, rows[i]);
                }
                tx.commit();
            }
        }
    }

    /** Returns the definition of a view by its name. */
    static ViewDefinition definition(String view) {
        return view.equals(JOIN_VIEW) ? join() : groupBy();
    }
}
