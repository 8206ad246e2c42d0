package io.github.deltalog.cli;

import io.github.deltalog.DeltaLog;
import io.github.deltalog.DeltaTransaction;
import io.github.deltalog.Tuple;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.UUID;

/** Small logs written by the tests: two tables, every value type, inserts, updates, deletes, a consumer. */
final class SampleLog {
    static final String ORDERS = "orders";
    static final String CUSTOMERS = "customers";

    private SampleLog() {}

    /** Writes the sample to a new log file and closes it; returns the commit timestamps in order. */
    static long[] write(Path file) {
        try (DeltaLog log = DeltaLog.open(file)) {
            return write(log);
        }
    }

    static long[] write(DeltaLog log) {
        log.track(ORDERS);
        log.track(CUSTOMERS);
        long[] ts = new long[4];
        try (DeltaTransaction tx = log.begin()) {
            for (long id = 1; id <= 5; id++) {
                tx.insert(ORDERS, id, order(id, "open", new BigDecimal("9.50")));
            }
            tx.insert(CUSTOMERS, 1, customer(1, "al\u00efce \"quoted\"\n\u0000"));
            ts[0] = tx.commit();
        }
        log.consumer("sync"); // has read everything up to here
        try (DeltaTransaction tx = log.begin()) {
            tx.update(ORDERS, 1, order(1, "open", new BigDecimal("9.50")), order(1, "paid", new BigDecimal("12.00")));
            tx.delete(ORDERS, 2, order(2, "open", new BigDecimal("9.50")));
            tx.insert(CUSTOMERS, 2, customer(2, "bob"));
            ts[1] = tx.commit();
        }
        try (DeltaTransaction tx = log.begin()) {
            tx.update(ORDERS, 1, order(1, "paid", new BigDecimal("12.00")), order(1, "shipped", null));
            tx.insert(ORDERS, 6, order(6, "open", new BigDecimal("-0.00")));
            ts[2] = tx.commit();
        }
        try (DeltaTransaction tx = log.begin()) {
            tx.delete(ORDERS, 6, order(6, "open", new BigDecimal("-0.00")));
            tx.update(CUSTOMERS, 2, customer(2, "bob"), customer(2, "robert"));
            ts[3] = tx.commit();
        }
        return ts;
    }

    static Tuple order(long id, String status, BigDecimal amount) {
        return Tuple.of(id, "customer-" + (id % 3), amount, status);
    }

    static Tuple customer(long id, String name) {
        return Tuple.of(
                (int) id,
                name,
                true,
                (byte) 1,
                (short) -2,
                Long.MAX_VALUE,
                1.5f,
                Double.NaN,
                -0.0,
                new BigInteger("123456789012345678901234567890"),
                new UUID(id, -id),
                Instant.parse("2024-05-06T07:08:09.123456789Z"),
                LocalDate.of(2024, 1, 2),
                LocalTime.of(10, 11, 12, 500_000_000),
                LocalDateTime.of(2024, 1, 2, 10, 11, 12),
                new byte[] {0, 1, -1},
                null);
    }
}
