package io.github.deltalog.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.deltalog.CorruptLogException;
import io.github.deltalog.DamagedPageException;
import io.github.deltalog.Delta;
import io.github.deltalog.DeltaCursor;
import io.github.deltalog.DeltaLog;
import io.github.deltalog.DeltaLogException;
import io.github.deltalog.DeltaTransaction;
import io.github.deltalog.Tuple;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A damaged page in the middle of a table (issue 17): a cursor throws {@link DamagedPageException} saying how many
 * deltas it hides, and goes on with the deltas after it; every delta it returns is one that was written, the walk
 * always ends, and each damaged page's count is right (checked against the deltas written between the deltas
 * read on both sides of it) or said to be unknown, never wrong. Blocks of a real file are zeroed one at a time.
 */
class DamagedPageTest {
    private static final int DELTAS = 30_000;

    @TempDir
    Path dir;

    @Test
    void aCursorReportsADamagedPageAndGoesOnAfterIt() throws IOException {
        Path full = dir.resolve("full.deltas");
        Map<Long, Delta> written = new HashMap<>();
        try (DeltaLog log = DeltaLog.open(full)) {
            log.track("t");
            for (int tx = 0; tx < DELTAS / 100; tx++) {
                try (DeltaTransaction t = log.begin()) {
                    for (int i = 0; i < 100; i++) {
                        long row = tx * 100L + i;
                        t.insert("t", row, Tuple.of(row, "row number " + row));
                    }
                    t.commit();
                }
            }
            try (DeltaCursor c = log.changesAfter("t", 0L)) {
                for (Delta d : c) {
                    written.put(d.rowId(), d);
                }
            }
        }
        byte[] bytes = Files.readAllBytes(full);
        Path file = dir.resolve("damaged.deltas");
        Path journal = dir.resolve("damaged.deltas.journal");
        java.util.TreeSet<Long> keys = new java.util.TreeSet<>();
        written.values().forEach(d -> keys.add(key(new long[] {DELTA, d.commitTimestamp(), d.rowId()})));
        int damagedCases = 0;
        int goneOn = 0;
        int refused = 0;
        int known = 0;
        int unknown = 0;
        int files = 0;
        for (int block = 4; block * 4096 < bytes.length - 8192; block += 7) {
            byte[] b = bytes.clone();
            java.util.Arrays.fill(b, block * 4096, block * 4096 + 4096, (byte) 0);
            Files.write(file, b);
            Files.copy(full.resolveSibling("full.deltas.journal"), journal, StandardCopyOption.REPLACE_EXISTING);
            DeltaLog log;
            try {
                log = DeltaLog.builder().path(file).readOnly(true).open();
            } catch (CorruptLogException e) {
                assertTrue(e.getMessage().contains("damaged.deltas"), e.getMessage());
                refused++;
                continue;
            }
            files++;
            try (log) {
                long counted = log.count("t", 0L);
                // What the walk met, in order: a delta (its key), a rejected delta, a damaged page (its count).
                List<long[]> events = new ArrayList<>();
                long rejected = 0;
                try (DeltaCursor c = log.changesAfter("t", 0L)) {
                    while (true) {
                        try {
                            if (!c.hasNext()) {
                                break;
                            }
                            Delta d = c.next();
                            assertEquals(written.get(d.rowId()), d, "a delta that was never written");
                            events.add(new long[] {DELTA, d.commitTimestamp(), d.rowId()});
                        } catch (DamagedPageException e) {
                            assertTrue(e.getMessage().contains("damaged.deltas"), e.getMessage());
                            assertTrue(e.skippedDeltas() > 0 || !e.isSkippedKnown(), "count " + e.skippedDeltas());
                            assertEquals(e.isSkippedKnown(), !e.getMessage().contains("unknown number"));
                            events.add(new long[] {DAMAGE, e.skippedDeltas()});
                        } catch (CorruptLogException e) {
                            events.add(new long[] {REJECTED});
                            if (++rejected > counted + DELTAS) {
                                throw new AssertionError("block " + block + ": the walk does not end", e);
                            }
                        }
                    }
                } catch (DeltaLogException e) {
                    throw new AssertionError("block " + block + ": the cursor could not go on", e);
                }
                Outcome o = check(events, keys, "block " + block);
                damagedCases += o.damaged;
                known += o.known;
                unknown += o.unknown;
                goneOn += o.wentOn ? 1 : 0;
                if (o.damaged == 0) {
                    long walked = events.stream().filter(ev -> ev[0] == DELTA).count();
                    assertEquals(counted, walked + rejected, "block " + block + ": walked and rejected");
                }
            }
        }
        System.out.printf(
                "DamagedPageTest: %d damaged pages in %d files (%d counted exactly, %d reported as unknown, never"
                        + " a wrong count), %d files went on after the damage, %d refused at open%n",
                damagedCases, files, known, unknown, goneOn, refused);
        assertTrue(goneOn > 0, "no zeroed block gave a damaged page that the cursor went on after");
        assertTrue(known > 0, "no damaged page was counted");
    }

    private static final long DELTA = 0;
    private static final long REJECTED = 1;
    private static final long DAMAGE = 2;

    private record Outcome(int damaged, int known, int unknown, boolean wentOn) {}

    /**
     * Checks each damaged page's count against what was written: between two deltas the walk returned (or the
     * start and end of the table) lie exactly the written deltas in that key range; the damaged pages there hide
     * those not returned, rejected ones aside. Where one damaged page is alone between two returned deltas its count
     * must be exactly the written deltas between them; where there are several events, the known counts and the
     * rejections cannot exceed them. Unknown counts are fine: they are never wrong.
     */
    private static Outcome check(List<long[]> events, java.util.NavigableSet<Long> keys, String where) {
        int damaged = 0;
        int known = 0;
        int unknown = 0;
        boolean wentOn = false;
        int i = 0;
        long prev = Long.MIN_VALUE; // key of the last returned delta
        while (i < events.size()) {
            if (events.get(i)[0] == DELTA) {
                prev = key(events.get(i));
                i++;
                continue;
            }
            int j = i;
            while (j < events.size() && events.get(j)[0] != DELTA) {
                j++;
            }
            long next = j < events.size() ? key(events.get(j)) : Long.MAX_VALUE;
            wentOn |= j < events.size() && events.subList(i, j).stream().anyMatch(ev -> ev[0] == DAMAGE);
            long between = keys.subSet(prev, false, next, false).size();
            long sumKnown = 0;
            int pages = 0;
            int rejections = 0;
            boolean allKnown = true;
            for (long[] ev : events.subList(i, j)) {
                if (ev[0] == DAMAGE) {
                    pages++;
                    damaged++;
                    if (ev[1] == DamagedPageException.UNKNOWN) {
                        unknown++;
                        allKnown = false;
                    } else {
                        known++;
                        sumKnown += ev[1];
                    }
                } else {
                    rejections++;
                }
            }
            if (pages == 1 && rejections == 0 && allKnown) {
                assertEquals(between, sumKnown, where + ": a damaged page between two read deltas hides a wrong count");
            } else if (pages > 0) {
                assertTrue(
                        sumKnown <= between,
                        where + ": damaged pages say they hide " + sumKnown + " deltas where " + between
                                + " were written");
            }
            i = j;
        }
        return new Outcome(damaged, known, unknown, wentOn);
    }

    /** A delta's place in key order: rows were written in (commit, row) order, so the row id alone. */
    private static long key(long[] delta) {
        return delta[2];
    }
}
