package io.github.deltalog;

import static io.github.deltalog.Support.drain;
import static io.github.deltalog.Support.micros;
import static io.github.deltalog.Support.read;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading by position and by time, change sets, counting, cursors. */
class ReadTest {
    @TempDir
    Path dir;

    /** Records one insert per transaction into table "t", returns the commit timestamps. */
    private static long[] fill(DeltaLog log, int n) {
        log.track("t");
        long[] ts = new long[n];
        for (int i = 0; i < n; i++) {
            ts[i] = log.recordInsert("t", i, Tuple.of(i));
        }
        return ts;
    }

    private static List<Long> rows(List<Delta> ds) {
        return ds.stream().map(Delta::rowId).toList();
    }

    @Test
    void changesAfterHasAnExclusiveLowerBound() {
        try (DeltaLog log = DeltaLog.inMemory()) {
            long[] ts = fill(log, 5);
            assertEquals(List.of(0L, 1L, 2L, 3L, 4L), rows(read(log, "t", 0)));
            assertEquals(List.of(2L, 3L, 4L), rows(read(log, "t", ts[1])));
            assertEquals(List.of(2L, 3L, 4L), rows(read(log, "t", ts[2] - 1)));
            assertEquals(List.of(), read(log, "t", ts[4]));
            assertEquals(List.of(), read(log, "t", Long.MAX_VALUE));
        }
    }

    @Test
    void changesAfterUpToHasAnInclusiveUpperBound() {
        try (DeltaLog log = DeltaLog.inMemory()) {
            long[] ts = fill(log, 5);
            try (DeltaCursor c = log.changesAfter("t", ts[0], ts[3])) {
                assertEquals(ts[3], c.upTo());
                assertEquals(List.of(1L, 2L, 3L), rows(drain(c)));
            }
            try (DeltaCursor c = log.changesAfter("t", ts[1], ts[1])) {
                assertEquals(List.of(), drain(c));
            }
            try (DeltaCursor c = log.changesAfter("t", ts[3], ts[1])) {
                assertEquals(List.of(), drain(c), "upTo below after is an empty range");
            }
            try (DeltaCursor c = log.changesAfter("t", 0, Long.MAX_VALUE)) {
                assertEquals(ts[4], c.upTo(), "the bound is capped at the watermark");
                assertEquals(5, drain(c).size());
            }
        }
    }

    @Test
    void cursorSeesTheLogAtTheWatermarkItWasOpenedAt() {
        try (DeltaLog log = DeltaLog.inMemory()) {
            long[] ts = fill(log, 3);
            try (DeltaCursor c = log.changesAfter("t", 0)) {
                assertEquals(ts[2], c.upTo());
                log.recordInsert("t", 100, Tuple.of(100));
                assertEquals(List.of(0L, 1L, 2L), rows(drain(c)));
            }
            assertEquals(4, read(log, "t").size());
        }
    }

    @Test
    void cursorIsIterableOnceAndEndsWithNoSuchElement() {
        try (DeltaLog log = DeltaLog.inMemory()) {
            fill(log, 2);
            try (DeltaCursor c = log.changesAfter("t", 0)) {
                Iterator<Delta> it = c.iterator();
                assertThrows(IllegalStateException.class, c::iterator);
                assertTrue(it.hasNext());
                assertEquals(0L, it.next().rowId());
                assertEquals(1L, c.next().rowId(), "the cursor is its own iterator");
                assertFalse(c.hasNext());
                NoSuchElementException e = assertThrows(NoSuchElementException.class, c::next);
                assertTrue(e.getMessage().contains("'t'"), e.getMessage());
            }
        }
    }

    @Test
    void changeSetOfSeveralTablesIsOrderedByTimestampTableAndRow() {
        try (DeltaLog log = DeltaLog.inMemory()) {
            log.track("zeta"); // tracked first: a smaller internal id than "alpha"
            log.track("alpha");
            log.track("mid");
            long t1;
            try (DeltaTransaction tx = log.begin()) {
                tx.insert("zeta", 2, Tuple.of("z2")).insert("zeta", 1, Tuple.of("z1"));
                tx.insert("alpha", 5, Tuple.of("a5")).insert("alpha", -5, Tuple.of("a-5"));
                t1 = tx.commit();
            }
            long t2 = log.recordInsert("alpha", 1, Tuple.of("a1"));
            long t3 = log.recordInsert("zeta", 0, Tuple.of("z0"));
            ChangeSet cs = log.changesAfter(List.of("zeta", "alpha", "mid", "alpha"), 0);
            List<String> seen = new ArrayList<>();
            for (Delta d : cs) {
                seen.add(d.commitTimestamp() + ":" + d.table() + ":" + d.rowId());
            }
            assertEquals(
                    List.of(
                            t1 + ":alpha:-5",
                            t1 + ":alpha:5",
                            t1 + ":zeta:1",
                            t1 + ":zeta:2",
                            t2 + ":alpha:1",
                            t3 + ":zeta:0"),
                    seen);
            assertEquals(6, cs.size());
            assertFalse(cs.isEmpty());
            assertEquals(t3, cs.watermark());
            assertEquals(List.of("alpha", "zeta"), List.copyOf(cs.tables()));
            assertThrows(UnsupportedOperationException.class, () -> cs.deltas().clear());

            ChangeSet later = log.changesAfter(List.of("zeta", "alpha"), t1);
            assertEquals(2, later.size());
            ChangeSet none = log.changesAfter(List.of("alpha", "zeta"), cs.watermark());
            assertTrue(none.isEmpty());
            assertEquals(t3, none.watermark());
            ChangeSet noTables = log.changesAfter(List.of(), 0);
            assertTrue(noTables.isEmpty());
            assertEquals(t3, noTables.watermark());
        }
    }

    @Test
    void handOverByLastSeenTimestampNeverRepeatsNorSkips() {
        try (DeltaLog log = DeltaLog.inMemory()) {
            log.track("t");
            List<Delta> consumed = new ArrayList<>();
            long position = 0;
            long row = 0;
            for (int round = 0; round < 20; round++) {
                for (int k = 0; k < round % 4; k++) {
                    try (DeltaTransaction tx = log.begin()) {
                        for (int r = 0; r <= k; r++) {
                            tx.insert("t", row, Tuple.of(row));
                            row++;
                        }
                        tx.commit();
                    }
                }
                try (DeltaCursor c = log.changesAfter("t", position)) {
                    for (Delta d : c) {
                        consumed.add(d);
                        position = d.commitTimestamp();
                        if (consumed.size() % 3 == 0) {
                            log.recordInsert("t", row, Tuple.of(row)); // commits while the consumer reads
                            row++;
                        }
                    }
                }
            }
            consumed.addAll(read(log, "t", position));
            assertEquals(read(log, "t"), consumed);
            assertEquals(row, consumed.size());
        }
    }

    @Test
    void handOverByChangeSetWatermarkNeverRepeatsNorSkips() {
        try (DeltaLog log = DeltaLog.inMemory()) {
            log.track("a");
            log.track("b");
            List<Delta> consumed = new ArrayList<>();
            long position = 0;
            for (int i = 0; i < 30; i++) {
                log.recordInsert(i % 2 == 0 ? "a" : "b", i, Tuple.of(i));
                if (i % 7 == 0) {
                    ChangeSet cs = log.changesAfter(List.of("a", "b"), position);
                    consumed.addAll(cs.deltas());
                    position = cs.watermark();
                }
            }
            consumed.addAll(log.changesAfter(List.of("a", "b"), position).deltas());
            assertEquals(log.changesAfter(List.of("a", "b"), 0).deltas(), consumed);
            assertEquals(30, consumed.size());
        }
    }

    @Test
    void changesSinceIsInclusive() {
        Instant base = Instant.parse("2031-05-05T10:00:00Z");
        Support.ScriptedClock clock =
                new Support.ScriptedClock(base.plusSeconds(1), base.plusSeconds(2), base.plusSeconds(3));
        try (DeltaLog log = DeltaLog.builder().inMemory().clock(clock).open()) {
            long[] ts = fill(log, 3);
            assertEquals(micros(base.plusSeconds(2)), ts[1]);
            try (DeltaCursor c = log.changesSince("t", base.plusSeconds(2))) {
                assertEquals(List.of(1L, 2L), rows(drain(c)));
            }
            try (DeltaCursor c = log.changesSince("t", base.plusSeconds(2).plusNanos(1_000))) {
                assertEquals(List.of(2L), rows(drain(c)));
            }
            try (DeltaCursor c = log.changesSince("t", base)) {
                assertEquals(3, drain(c).size());
            }
            try (DeltaCursor c = log.changesSince("t", base.plusSeconds(4))) {
                assertEquals(List.of(), drain(c));
            }
            assertThrows(NullPointerException.class, () -> log.changesSince("t", null));
        }
    }

    /**
     * Guards DeltaLog.checkRetained and changesSince: before any purge, positions below 0 (the epoch, a time
     * before 1970, Long.MIN_VALUE) used to throw DeltasPurgedException, and Instant.MIN an ArithmeticException.
     */
    @Test
    void readingFromBeforeTheEpochReturnsEverythingWhenNothingWasPurged() {
        try (DeltaLog log = DeltaLog.inMemory()) {
            fill(log, 3);
            assertEquals(0, log.oldestRetained());
            try (DeltaCursor c = log.changesSince("t", Instant.EPOCH)) {
                assertEquals(3, drain(c).size());
            }
            try (DeltaCursor c = log.changesSince("t", Instant.parse("1960-01-01T00:00:00Z"))) {
                assertEquals(3, drain(c).size());
            }
            try (DeltaCursor c = log.changesSince("t", Instant.MIN)) {
                assertEquals(3, drain(c).size());
            }
            try (DeltaCursor c = log.changesSince("t", Instant.MAX)) {
                assertEquals(0, drain(c).size());
            }
            assertEquals(3, read(log, "t", Long.MIN_VALUE).size());
            assertEquals(3, read(log, "t", -1).size());
            assertEquals(3, log.count("t", -1));
            assertEquals(3, log.count("t", Long.MIN_VALUE, Long.MAX_VALUE));
        }
    }

    @Test
    void countsAgreeWithCursorsOverEveryRange() {
        try (DeltaLog log = DeltaLog.inMemory()) {
            log.track("a");
            log.track("b");
            log.track("empty");
            List<Long> positions = new ArrayList<>(List.of(0L));
            for (int i = 0; i < 12; i++) {
                try (DeltaTransaction tx = log.begin()) {
                    for (int r = 0; r <= i % 3; r++) {
                        tx.insert(i % 2 == 0 ? "a" : "b", i * 10L + r, Tuple.of(i, r));
                    }
                    if (i % 4 == 0) {
                        tx.insert("b", -i, Tuple.of(i));
                    }
                    positions.add(tx.commit());
                }
            }
            positions.add(Long.MAX_VALUE);
            long total = 0;
            for (String table : List.of("a", "b", "empty")) {
                total += read(log, table).size();
                for (long after : positions) {
                    assertEquals(read(log, table, after).size(), log.count(table, after), table + " after " + after);
                    for (long upTo : positions) {
                        try (DeltaCursor c = log.changesAfter(table, after, upTo)) {
                            assertEquals(
                                    drain(c).size(), log.count(table, after, upTo), table + " " + after + ".." + upTo);
                        }
                    }
                }
            }
            assertEquals(total, log.countAll());
            assertEquals(log.changesAfter(List.of("a", "b", "empty"), 0).size(), log.countAll());
        }
    }

    @Test
    void extremeRowIdsAreOrderedAsSignedLongs() {
        Path file = dir.resolve("rows.deltas");
        List<Long> expected =
                List.of(Long.MIN_VALUE, Long.MIN_VALUE + 1, -1L, 0L, 1L, Long.MAX_VALUE - 1, Long.MAX_VALUE);
        long ts;
        try (DeltaLog log = DeltaLog.open(file)) {
            log.track("t");
            try (DeltaTransaction tx = log.begin()) {
                for (long r :
                        List.of(0L, Long.MAX_VALUE, -1L, Long.MIN_VALUE, 1L, Long.MAX_VALUE - 1, Long.MIN_VALUE + 1)) {
                    tx.insert("t", r, Tuple.of(r));
                }
                ts = tx.commit();
            }
            assertEquals(expected, rows(read(log, "t")));
        }
        try (DeltaLog log = DeltaLog.open(file)) {
            List<Delta> all = read(log, "t");
            assertEquals(expected, rows(all));
            for (Delta d : all) {
                assertEquals(Tuple.of(d.rowId()), d.op().after());
                assertEquals(ts, d.commitTimestamp());
            }
            long next = log.recordInsert("t", Long.MIN_VALUE, Tuple.of(0L));
            List<Delta> again = read(log, "t");
            assertEquals(8, again.size());
            assertEquals(next, again.get(7).commitTimestamp(), "timestamp orders before row id");
            assertEquals(7, log.count("t", 0, ts));
        }
    }

    @Test
    void readingWithinOneTableDoesNotSeeOtherTables() {
        try (DeltaLog log = DeltaLog.inMemory()) {
            log.track("a");
            log.track("b");
            log.recordInsert("a", 1, Tuple.of(1));
            log.recordInsert("b", 1, Tuple.of(2));
            log.recordInsert("a", 2, Tuple.of(3));
            assertEquals(List.of(1L, 2L), rows(read(log, "a")));
            assertEquals(List.of(1L), rows(read(log, "b")));
            assertEquals(2, log.count("a", 0));
            assertEquals(1, log.count("b", 0));
        }
    }
}
