package io.github.deltalog.cli;

import io.github.deltalog.DeltaLog;
import io.github.deltalog.DeltaTransaction;
import io.github.deltalog.Tuple;
import io.github.deltalog.view.BaseRows;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.LongConsumer;

/**
 * The demo's application: an {@code orders} table of rows {@code (orderId, customer, amount, status)} and a
 * {@code customers} table of rows {@code (name, region, segment)}, kept in maps, whose every change is recorded in
 * a log. One change in fifty moves a customer to another region. Customers are Zipf-skewed (a few big customers place most
 * orders), and half of the updates and deletes hit the most recent orders, as in a shop where new orders move
 * through their states. Seeded: the same seed gives the same changes.
 */
final class OrdersWorkload {
    static final String TABLE = "orders";
    static final String CUSTOMERS = "customers";
    private static final String[] REGIONS = {"north", "south", "east", "west", "centre"};
    private static final String[] SEGMENTS = {"retail", "business"};
    private static final String[] FLOW = {"open", "paid", "shipped", "delivered"};
    private static final String CANCELLED = "cancelled";
    private static final int HOT = 1000;
    private static final BigDecimal[] PRICES = catalog();

    private final Random rnd;
    private final double[] customerCdf;
    private final String[] customerNames;
    private final Map<Long, Tuple> rows = new HashMap<>();
    private final Map<Long, Tuple> customerRows = new HashMap<>();
    private final List<Long> ids = new ArrayList<>();
    private final Map<Long, Integer> positions = new HashMap<>();
    private long nextId = 1;
    private long inserts;
    private long updates;
    private long deletes;

    OrdersWorkload(long seed, int customers) {
        this.rnd = new Random(seed);
        this.customerCdf = new double[customers];
        this.customerNames = new String[customers];
        double sum = 0;
        for (int k = 0; k < customers; k++) {
            sum += 1 / Math.pow(k + 1, 1.1);
            customerCdf[k] = sum;
            customerNames[k] = String.format(Locale.ROOT, "customer-%05d", k + 1);
        }
    }

    private static BigDecimal[] catalog() {
        BigDecimal[] prices = new BigDecimal[60];
        for (int i = 0; i < prices.length; i++) {
            prices[i] = BigDecimal.valueOf(499 + (long) i * i * 5 + (i % 3) * 50, 2); // 4.99 to 180.04
        }
        return prices;
    }

    /** Returns the orders, as the application holds them now. */
    Collection<Tuple> rows() {
        return rows.values();
    }

    /** Returns both tables' rows as a view's base rows, as the application holds them now. */
    BaseRows baseRows() {
        return table -> {
            Map<Long, Tuple> source = table.equals(CUSTOMERS) ? customerRows : rows;
            List<BaseRows.Row> out = new ArrayList<>(source.size());
            source.forEach((id, row) -> out.add(new BaseRows.Row(id, row)));
            return out;
        };
    }

    /** Inserts one customer row per customer name, each in its region. */
    void loadCustomers(DeltaLog log) {
        try (DeltaTransaction tx = log.begin()) {
            for (int k = 0; k < customerNames.length; k++) {
                Tuple row = Tuple.of(customerNames[k], REGIONS[rnd.nextInt(REGIONS.length)], SEGMENTS[k % 2]);
                tx.insert(CUSTOMERS, k + 1, row);
                customerRows.put((long) k + 1, row);
            }
            tx.commit();
        }
    }

    long inserts() {
        return inserts;
    }

    long updates() {
        return updates;
    }

    long deletes() {
        return deletes;
    }

    /** Inserts {@code n} orders in transactions of up to 500 rows, reporting how many are done. */
    void load(DeltaLog log, int n, LongConsumer progress) {
        int done = 0;
        while (done < n) {
            int batch = Math.min(500, n - done);
            try (DeltaTransaction tx = log.begin()) {
                for (int i = 0; i < batch; i++) {
                    insert(tx);
                }
                tx.commit();
            }
            done += batch;
            progress.accept(done);
        }
    }

    /**
     * Makes {@code n} changes (a quarter inserts, a fifth deletes, the rest updates) in transactions of 1 to 16
     * changes, each row changed at most once per transaction, so that every change is one recorded delta.
     */
    void change(DeltaLog log, int n, LongConsumer progress) {
        int done = 0;
        Set<Long> touched = new HashSet<>();
        while (done < n) {
            int batch = Math.min(1 + rnd.nextInt(16), n - done);
            touched.clear();
            try (DeltaTransaction tx = log.begin()) {
                for (int i = 0; i < batch; i++) {
                    changeOne(tx, touched);
                }
                tx.commit();
            }
            done += batch;
            progress.accept(done);
        }
    }

    private void changeOne(DeltaTransaction tx, Set<Long> touched) {
        if (rnd.nextInt(50) == 0 && !customerRows.isEmpty()) {
            long id = 1 + rnd.nextInt(customerNames.length);
            if (touched.add(-id)) { // customers are marked by negative ids: one change per row and transaction
                Tuple now = customerRows.get(id);
                String region = REGIONS[rnd.nextInt(REGIONS.length)];
                if (!region.equals(now.get(1))) {
                    Tuple next = Tuple.of(now.get(0), region, now.get(2));
                    tx.update(CUSTOMERS, id, now, next);
                    customerRows.put(id, next);
                    updates++;
                    return;
                }
            }
        }
        int kind = rnd.nextInt(100);
        Long id = kind < 25 ? null : pickUntouched(touched);
        if (id == null) {
            touched.add(insert(tx));
        } else if (kind < 45) {
            tx.delete(TABLE, id, rows.get(id));
            remove(id);
            deletes++;
            touched.add(id);
        } else {
            Tuple now = rows.get(id);
            Tuple next = updated(now);
            while (next.equals(now)) { // an update that changes nothing records nothing
                next = updated(now);
            }
            tx.update(TABLE, id, now, next);
            rows.put(id, next);
            updates++;
            touched.add(id);
        }
    }

    private long insert(DeltaTransaction tx) {
        long id = nextId++;
        Tuple row = Tuple.of(id, customer(), amount(), FLOW[0]);
        tx.insert(TABLE, id, row);
        rows.put(id, row);
        positions.put(id, ids.size());
        ids.add(id);
        inserts++;
        return id;
    }

    /** An existing order not changed yet in this transaction: half the time one of the newest; null if none. */
    private Long pickUntouched(Set<Long> touched) {
        for (int attempt = 0; attempt < 8 && !ids.isEmpty(); attempt++) {
            int size = ids.size();
            int at = rnd.nextBoolean() ? rnd.nextInt(size) : size - 1 - rnd.nextInt(Math.min(HOT, size));
            Long id = ids.get(at);
            if (!touched.contains(id)) {
                return id;
            }
        }
        return null;
    }

    private Tuple updated(Tuple row) {
        Object customer = row.get(1);
        Object amount = row.get(2);
        String status = (String) row.get(3);
        int what = rnd.nextInt(100);
        if (what < 45) {
            amount = amount();
        } else if (what < 80) {
            int step = Arrays.asList(FLOW).indexOf(status);
            if (step >= 0 && step + 1 < FLOW.length) {
                status = FLOW[step + 1];
            } else {
                amount = amount(); // delivered or cancelled: a correction of the amount
            }
        } else if (what < 90) {
            status = CANCELLED.equals(status) ? FLOW[0] : CANCELLED;
        } else {
            customer = customer(); // reassigned: the row moves to another group
        }
        return Tuple.of(row.get(0), customer, amount, status);
    }

    private void remove(long id) {
        int at = positions.remove(id);
        long last = ids.remove(ids.size() - 1);
        if (last != id) {
            ids.set(at, last);
            positions.put(last, at);
        }
        rows.remove(id);
    }

    private String customer() {
        double x = rnd.nextDouble() * customerCdf[customerCdf.length - 1];
        int k = Arrays.binarySearch(customerCdf, x);
        k = k >= 0 ? k : Math.min(-k - 1, customerCdf.length - 1);
        return customerNames[k];
    }

    /**
     * An order's amount: one to four items at one of 60 catalog prices (4.99 to 180.04), unknown (null) one time in a
     * hundred.
     */
    private BigDecimal amount() {
        if (rnd.nextInt(100) == 0) {
            return null;
        }
        int quantity = 1 + (rnd.nextInt(10) < 7 ? 0 : rnd.nextInt(4));
        return PRICES[rnd.nextInt(PRICES.length)].multiply(BigDecimal.valueOf(quantity));
    }
}
