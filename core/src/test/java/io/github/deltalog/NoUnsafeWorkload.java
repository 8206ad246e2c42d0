package io.github.deltalog;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The child of {@link NoUnsafeTest}: a small but complete life of a file log. {@code write} records
 * transactions of every value type (inserts, updates, deletes) and halts without closing, so the next open
 * recovers from the journal; {@code check} reopens, scans, merges, counts, purges with a consumer, closes,
 * reopens and scans again, comparing everything with what {@code write} recorded. Prints {@code ok N} and exits
 * 0 when all matched, exits 1 with the difference otherwise (on stdout: stderr must stay empty).
 */
final class NoUnsafeWorkload {
    private static final String TABLE = "orders";
    private static final int ROWS = 400;

    private NoUnsafeWorkload() {}

    public static void main(String[] args) {
        Path file = Path.of(args[1]);
        if (args[0].equals("write")) {
            DeltaLog log = DeltaLog.open(file);
            log.track(TABLE);
            for (int tx = 0; tx < ROWS / 100; tx++) {
                try (DeltaTransaction t = log.begin()) {
                    for (int r = tx * 100; r < tx * 100 + 100; r++) {
                        t.insert(TABLE, r, row(r, 0));
                    }
                    t.commit();
                }
            }
            for (int r = 0; r < ROWS; r += 3) {
                log.recordUpdate(TABLE, r, row(r, 0), row(r, 1));
            }
            for (int r = 1; r < ROWS; r += 3) {
                log.recordDelete(TABLE, r, row(r, 0));
            }
            log.recordInsert(TABLE, -1L, GoldenFormat.everyType());
            log.recordUpdate(TABLE, -1L, GoldenFormat.everyType(), GoldenFormat.everyTypeAgain());
            System.out.println("ok written");
            Runtime.getRuntime().halt(0); // no close: the next open recovers from the journal
        }
        List<String> expected = expectedListing();
        List<String> seen;
        try (DeltaLog log = DeltaLog.open(file)) {
            seen = listing(log, 0L);
            check(expected, seen, "after recovery");
            ChangeSet merged = log.mergedChangesAfter(List.of(TABLE), 0L);
            // Row -1 and every row not deleted nets to one insert; deleted rows net to nothing.
            int live = 1 + ROWS - (ROWS + 1) / 3;
            check(List.of(Integer.toString(live)), List.of(Integer.toString(merged.size())), "merged size");
            check(List.of(Long.toString(expected.size())), List.of(Long.toString(log.count(TABLE, 0L))), "count");
            log.consumer("reader").advanceTo(log.lastCommitted());
            long purged = log.purge();
            check(List.of(Integer.toString(expected.size())), List.of(Long.toString(purged)), "purged");
        }
        try (DeltaLog log = DeltaLog.open(file)) {
            check(List.of(), listing(log, log.oldestRetained()), "after purge and reopen");
        }
        System.out.println("ok " + seen.size());
    }

    private static Tuple row(long r, int version) {
        return Tuple.of(r, "customer-" + r + "-é☃𝄞", BigDecimal.valueOf(r * 100 + version, 2), version == 1, null);
    }

    private static List<String> expectedListing() {
        List<String> lines = new ArrayList<>();
        for (int r = 0; r < ROWS; r++) {
            lines.add(r + " " + GoldenFormat.render(new DeltaOp.Insert(row(r, 0))));
        }
        for (int r = 0; r < ROWS; r += 3) {
            lines.add(r + " " + GoldenFormat.render(new DeltaOp.Update(row(r, 0), row(r, 1))));
        }
        for (int r = 1; r < ROWS; r += 3) {
            lines.add(r + " " + GoldenFormat.render(new DeltaOp.Delete(row(r, 0))));
        }
        lines.add("-1 " + GoldenFormat.render(new DeltaOp.Insert(GoldenFormat.everyType())));
        lines.add("-1 "
                + GoldenFormat.render(new DeltaOp.Update(GoldenFormat.everyType(), GoldenFormat.everyTypeAgain())));
        return lines;
    }

    private static List<String> listing(DeltaLog log, long after) {
        List<String> lines = new ArrayList<>();
        try (DeltaCursor c = log.changesAfter(TABLE, after)) {
            for (Delta d : c) {
                lines.add(d.rowId() + " " + GoldenFormat.render(d.op()));
            }
        }
        return lines;
    }

    private static void check(List<String> expected, List<String> seen, String what) {
        if (!expected.equals(seen)) {
            System.out.println("MISMATCH " + what + ": expected " + expected + " but read " + seen);
            System.out.flush();
            Runtime.getRuntime().halt(1);
        }
    }
}
