package io.github.deltalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.deltalog.view.BaseRows;
import io.github.deltalog.view.View;
import io.github.deltalog.view.ViewDefinition;
import io.github.deltalog.view.ViewRow;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Shrinking the file: {@link DeltaLog#compact()} after purges brings the file to about the size of a fresh file
 * holding the same deltas (and the same view state), keeps every delta readable (also across a reopen and while
 * commits go on), keeps views and consumers as they were, and the background thread gives back the space of a
 * file that purges left mostly free. Kills during compaction are in {@link CrashRecoveryTest}'s retention rounds.
 */
class CompactionTest {
    private static final int TRANSACTIONS = 600;
    private static final int PER_TRANSACTION = 100;

    @TempDir
    Path dir;

    /** Writes TRANSACTIONS transactions of PER_TRANSACTION inserts of rows with a 60-char payload. */
    private static List<Long> fill(DeltaLog log) {
        log.track("orders");
        List<Long> ts = new ArrayList<>();
        for (int t = 0; t < TRANSACTIONS; t++) {
            try (DeltaTransaction tx = log.begin()) {
                for (int i = 0; i < PER_TRANSACTION; i++) {
                    long row = (long) t * PER_TRANSACTION + i;
                    tx.insert("orders", row, Tuple.of(row, "customer-" + row % 977, "x".repeat(60)));
                }
                ts.add(tx.commit());
            }
        }
        return ts;
    }

    /** The size of a new file holding the same deltas as a log: the live size compaction should come near. */
    private long freshCopySize(DeltaLog log, String name) throws Exception {
        Path copy = dir.resolve(name);
        try (DeltaLog fresh = DeltaLog.open(copy)) {
            fresh.track("orders");
            List<Delta> all = Support.read(log, "orders", log.oldestRetained());
            for (int from = 0; from < all.size(); from += PER_TRANSACTION) {
                try (DeltaTransaction tx = fresh.begin()) {
                    for (Delta d : all.subList(from, Math.min(all.size(), from + PER_TRANSACTION))) {
                        tx.insert("orders", d.rowId(), ((DeltaOp.Insert) d.op()).after());
                    }
                    tx.commit();
                }
            }
        }
        return Files.size(copy);
    }

    @Test
    void aTwoStepPurgeThenCompactShrinksToAboutTheLiveSize() throws Exception {
        Path file = dir.resolve("log.deltas");
        long full;
        long afterHalf;
        long afterAll;
        try (DeltaLog log = DeltaLog.open(file)) {
            List<Long> ts = fill(log);
            log.checkpoint();
            full = Files.size(file);
            log.purgeBefore(ts.get(TRANSACTIONS / 2));
            List<Delta> retained = Support.read(log, "orders", log.oldestRetained());
            long live = freshCopySize(log, "half.deltas");
            afterHalf = log.compact();
            assertEquals(afterHalf, Files.size(file));
            assertTrue(
                    afterHalf <= live * 3 / 2 + (1 << 20),
                    "half purged: " + afterHalf + " bytes after compaction, a fresh copy has " + live + " (full " + full
                            + ")");
            assertEquals(retained, Support.read(log, "orders", log.oldestRetained()));

            log.purgeBefore(log.lastCommitted() + 1);
            afterAll = log.compact();
            assertTrue(afterAll <= (1 << 20), "everything purged, " + afterAll + " bytes after compaction");
        }
        try (DeltaLog log = DeltaLog.open(file)) {
            assertEquals(0, log.countAll());
            assertTrue(Files.size(file) <= (1 << 20), "after reopen: " + Files.size(file));
        }
        System.out.printf(
                "CompactionTest: %,d bytes full, %,d after purging half and compacting, %,d after purging all%n",
                full, afterHalf, afterAll);
    }

    @Test
    void commitsDuringCompactionAreKeptAcrossAReopen() throws Exception {
        Path file = dir.resolve("log.deltas");
        List<Delta> expected;
        AtomicReference<Throwable> failure = new AtomicReference<>();
        try (DeltaLog log = DeltaLog.open(file)) {
            List<Long> ts = fill(log);
            // The fill in the store file first: otherwise "before" measures a file whose data is still mostly in
            // the journal, and compaction's own checkpoint grows it.
            log.checkpoint();
            log.purgeBefore(ts.get(TRANSACTIONS * 3 / 4));
            AtomicBoolean stop = new AtomicBoolean();
            Thread writer = new Thread(() -> {
                long row = -1;
                try {
                    while (!stop.get() && row > -5000) {
                        log.recordInsert("orders", row, Tuple.of(row, "during"));
                        row--;
                    }
                } catch (Throwable e) {
                    failure.set(e);
                }
            });
            writer.start();
            long before = Files.size(file);
            long after = log.compact();
            stop.set(true);
            writer.join();
            assertEquals(null, failure.get());
            assertTrue(after < before, before + " -> " + after);
            expected = Support.read(log, "orders", log.oldestRetained());
        }
        try (DeltaLog log = DeltaLog.open(file)) {
            assertEquals(expected, Support.read(log, "orders", log.oldestRetained()));
        }
    }

    @Test
    void theBackgroundThreadGivesBackTheSpaceOfAMostlyFreeFile() throws Exception {
        Path file = dir.resolve("log.deltas");
        try (DeltaLog log = DeltaLog.builder()
                .path(file)
                .checkpointInterval(Duration.ofMillis(100))
                .open()) {
            fill(log);
            log.checkpoint();
            long full = Files.size(file);
            log.purgeBefore(log.lastCommitted() + 1);
            long purged = Files.size(file);
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (Files.size(file) * 2 > full && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertTrue(
                    Files.size(file) * 2 <= full,
                    full + " bytes full, " + purged + " after the purge, " + Files.size(file) + " a minute later");
        }
    }

    @Test
    void compactWorksInMemoryAndRefusesReadOnly() {
        try (DeltaLog log = DeltaLog.inMemory()) {
            log.track("orders");
            log.recordInsert("orders", 1, Tuple.of(1));
            assertEquals(0, log.compact());
            assertEquals(1, log.countAll());
        }
        Path file = dir.resolve("ro.deltas");
        try (DeltaLog log = DeltaLog.open(file)) {
            log.track("orders");
        }
        try (DeltaLog log = DeltaLog.builder().path(file).readOnly(true).open()) {
            org.junit.jupiter.api.Assertions.assertThrows(ReadOnlyLogException.class, log::compact);
        }
    }

    /** Orders (orderId, customer, amount, status) and customers (name, region): the application's tables. */
    private static final class Shop {
        final Map<Long, Tuple> orders = new HashMap<>();
        final Map<Long, Tuple> customers = new HashMap<>();
        private final SplittableRandom random;
        private long nextOrder;

        Shop(long seed) {
            this.random = new SplittableRandom(seed);
        }

        void load(DeltaLog log, int customerCount, int orderCount) {
            try (DeltaTransaction tx = log.begin()) {
                for (long c = 0; c < customerCount; c++) {
                    Tuple row = Tuple.of("customer-" + c, "region-" + c % 7);
                    tx.insert("customers", c, row);
                    customers.put(c, row);
                }
                tx.commit();
            }
            while (nextOrder < orderCount) {
                try (DeltaTransaction tx = log.begin()) {
                    for (int i = 0; i < PER_TRANSACTION && nextOrder < orderCount; i++, nextOrder++) {
                        Tuple row = order(nextOrder, customerCount);
                        tx.insert("orders", nextOrder, row);
                        orders.put(nextOrder, row);
                    }
                    tx.commit();
                }
            }
        }

        private Tuple order(long id, int customerCount) {
            return Tuple.of(
                    id,
                    "customer-" + random.nextInt(customerCount),
                    (long) random.nextInt(1, 100_000),
                    random.nextInt(10) == 0 ? "cancelled" : "open");
        }

        /** Updates, deletes and inserts of orders, 100 per transaction. */
        void change(DeltaLog log, int changes, int customerCount) {
            for (int done = 0; done < changes; done += PER_TRANSACTION) {
                try (DeltaTransaction tx = log.begin()) {
                    for (int i = 0; i < PER_TRANSACTION; i++) {
                        long id = random.nextLong(nextOrder);
                        Tuple before = orders.get(id);
                        int kind = random.nextInt(4);
                        if (before == null || kind == 0) {
                            id = nextOrder++;
                            Tuple row = order(id, customerCount);
                            tx.insert("orders", id, row);
                            orders.put(id, row);
                        } else if (kind == 1) {
                            tx.delete("orders", id, before);
                            orders.remove(id);
                        } else {
                            Tuple after = order((Long) before.get(0), customerCount);
                            tx.update("orders", id, before, after);
                            orders.put(id, after);
                        }
                    }
                    tx.commit();
                }
            }
        }

        BaseRows base() {
            return table -> {
                Map<Long, Tuple> rows = table.equals("orders") ? orders : customers;
                List<BaseRows.Row> out = new ArrayList<>();
                rows.forEach((id, row) -> out.add(new BaseRows.Row(id, row)));
                return out;
            };
        }
    }

    private static ViewDefinition perCustomer() {
        return ViewDefinition.from("orders")
                .where(row -> !"cancelled".equals(row.get(3)))
                .groupBy(1)
                .count()
                .sum(2)
                .min(2)
                .max(2)
                .build();
    }

    private static ViewDefinition perRegion() {
        return ViewDefinition.from("orders")
                .join("customers", 1, 0)
                .where(row -> !"cancelled".equals(row.get(3)))
                .groupBy(5)
                .count()
                .sum(2)
                .max(2)
                .countDistinct(1)
                .build();
    }

    private static List<ViewRow> rows(View view) {
        List<ViewRow> rows = new ArrayList<>();
        view.rows().forEach(rows::add);
        return rows;
    }

    /**
     * Issue 17: a file whose space is mostly view state (groups, value counts, join arrangements in the log's own
     * store) gives back the space of the purged deltas, also when the views are not opened in the session that
     * compacts (as under {@code deltalog compact}: MVStore rewrites only open maps, and the views' closed maps
     * pinned every chunk). The compacted file comes within the target of a fresh file holding the same
     * view state and no deltas; the views read the same, verify against the base rows and refresh on; consumers
     * keep their positions; all of it again after a reopen.
     */
    @Test
    void purgedDeltasOfAViewHeavyFileGiveBackTheirSpaceAndTheViewsStay() throws Exception {
        Path file = dir.resolve("views.deltas");
        Shop shop = new Shop(Long.getLong("deltalog.compaction.seed", 17));
        int customers = 500;
        long full;
        long purged;
        long compacted;
        List<ViewRow> customerRows;
        List<ViewRow> regionRows;
        long consumerPosition;
        try (DeltaLog log = DeltaLog.open(file)) {
            log.track("orders");
            log.track("customers");
            shop.load(log, customers, 20_000);
            View perCustomer = log.view("per-customer", perCustomer());
            View perRegion = log.view("per-region", perRegion());
            for (int round = 0; round < 10; round++) {
                shop.change(log, 4_000, customers);
                perCustomer.refresh();
                perRegion.refresh();
            }
            Consumer sync = log.consumer("sync");
            sync.advanceTo(log.lastCommitted());
            consumerPosition = sync.position();
            log.checkpoint();
            full = Files.size(file);
            customerRows = rows(perCustomer);
            regionRows = rows(perRegion);
            log.purgeBefore(log.lastCommitted() + 1);
            assertEquals(0, log.countAll());
            purged = Files.size(file);
        }
        // As deltalog compact does: the views are not opened in this session, their maps must be compacted too.
        try (DeltaLog log = DeltaLog.open(file)) {
            compacted = log.compact();
            assertEquals(compacted, Files.size(file));
        }
        try (DeltaLog log = DeltaLog.open(file)) {
            View perCustomer = log.view("per-customer", perCustomer());
            View perRegion = log.view("per-region", perRegion());
            assertEquals(customerRows, rows(perCustomer));
            assertEquals(regionRows, rows(perRegion));
            assertTrue(
                    perCustomer.verify(shop.base()).matches(),
                    perCustomer.verify(shop.base()).toString());
            assertTrue(
                    perRegion.verify(shop.base()).matches(),
                    perRegion.verify(shop.base()).toString());
            assertEquals(
                    consumerPosition, log.findConsumer("sync").orElseThrow().position());
        }
        long live = freshViewCopySize(shop);
        System.out.printf(
                "CompactionTest (views): %,d bytes with 60,000 deltas and two views, %,d after purging them, %,d"
                        + " after compacting; a fresh file with the same view state and no deltas: %,d%n",
                full, purged, compacted, live);
        assertTrue(
                compacted <= live * 3 / 2 + (1 << 20),
                "compacted to " + compacted + " bytes, a fresh file with the same views has " + live + " (full " + full
                        + ")");
        assertTrue(compacted < full / 2, "compacted " + full + " -> " + compacted);
        try (DeltaLog log = DeltaLog.open(file)) {
            // Opening and closing a log writes a checkpoint: a chunk or two, not the purged deltas again.
            assertTrue(Files.size(file) <= compacted + (64 << 10), "after reopening: " + Files.size(file));
            View perCustomer = log.view("per-customer", perCustomer());
            View perRegion = log.view("per-region", perRegion());
            assertEquals(customerRows, rows(perCustomer));
            assertEquals(regionRows, rows(perRegion));
            assertEquals(
                    consumerPosition, log.findConsumer("sync").orElseThrow().position());
            assertFalse(log.findConsumer("sync").orElseThrow().isStale());
            shop.change(log, 1_000, customers);
            perCustomer.refresh();
            perRegion.refresh();
            assertTrue(
                    perCustomer.verify(shop.base()).matches(),
                    perCustomer.verify(shop.base()).toString());
            assertTrue(
                    perRegion.verify(shop.base()).matches(),
                    perRegion.verify(shop.base()).toString());
        }
    }

    /** The size of a new file holding the shop's views built from its base rows, and no deltas. */
    private long freshViewCopySize(Shop shop) {
        Path copy = dir.resolve("fresh-views.deltas");
        try (DeltaLog fresh = DeltaLog.open(copy)) {
            fresh.track("orders");
            fresh.track("customers");
            fresh.view("per-customer", perCustomer(), shop.base());
            fresh.view("per-region", perRegion(), shop.base());
            fresh.checkpoint();
        }
        try {
            return Files.size(copy);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
