package io.github.deltalog;

import static io.github.deltalog.Support.read;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.github.deltalog.store.DeltaCodec;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile values (DESIGN §5, §8): unsupported types, sizes around the 16 MiB limit, special floating-point
 * values, NUL and surrogate pairs in strings and table names, extreme row ids, and use after close, closing
 * twice and concurrent close. Each gives its documented behaviour.
 */
class HostileValuesTest {
    @TempDir
    Path dir;

    private DeltaLog reopen(Path file, DeltaLog log) {
        log.close();
        return DeltaLog.open(file);
    }

    @Test
    void everyUnsupportedTypeIsRefusedNamingTypeAndPosition() {
        enum Color {
            RED
        }
        List<Object> unsupported = List.of(
                new Object(),
                new StringBuilder("x"),
                'c',
                new int[] {1},
                new long[] {1},
                new char[] {'a'},
                new Byte[] {1},
                new Object[] {1},
                new String[] {"a"},
                new ArrayList<>(List.of(1)),
                Map.of("k", 1),
                Optional.of(1),
                new AtomicInteger(1),
                new AtomicLong(1),
                new Date(0),
                new java.sql.Timestamp(0),
                OffsetDateTime.parse("2024-01-01T00:00:00Z"),
                ZonedDateTime.parse("2024-01-01T00:00:00Z"),
                Duration.ofSeconds(1),
                java.time.Year.of(2024),
                java.time.ZoneOffset.UTC,
                Color.RED,
                Tuple.of(1),
                new DeltaOp.Insert(Tuple.of(1)),
                new BigDecimal("1.5") {}, // a subclass of a supported type is not that type
                Thread.currentThread(),
                StandardCharsets.UTF_8,
                (Runnable) () -> {},
                Path.of("x"));
        try (DeltaLog log = DeltaLog.inMemory()) {
            log.track("t");
            log.recordInsert("t", 1, Tuple.of(1));
            for (Object v : unsupported) {
                IllegalArgumentException e = assertThrows(
                        IllegalArgumentException.class, () -> Tuple.of("ok", null, v), v.getClass()::getName);
                assertTrue(e.getMessage().contains(v.getClass().getName()), e.getMessage());
                assertTrue(e.getMessage().contains("position 2"), e.getMessage());
                assertThrows(IllegalArgumentException.class, () -> Tuple.of(Arrays.asList(v)));
                assertThrows(IllegalArgumentException.class, () -> log.recordInsert("t", 2, Tuple.of(v)));
            }
            assertEquals(1, log.countAll(), "nothing was recorded");
        }
    }

    @Test
    void bytesAndStringsAroundThe16MiBLimit() {
        Path file = dir.resolve("big.deltas");
        int max = DeltaCodec.MAX_VALUE_BYTES;
        // An insert of one byte[] or String encodes as: checksum 4, version 1, operation 1, value count 1,
        // value class 1, length varint 4, then the bytes: 12 bytes besides the payload.
        int fits = max - 12;
        byte[] biggest = new byte[fits];
        Arrays.fill(biggest, (byte) 7);
        biggest[fits - 1] = 9;
        String biggestString = "s".repeat(fits);
        DeltaLog log = DeltaLog.open(file);
        try {
            log.track("t");
            long ts1 = log.recordInsert("t", 1, Tuple.of(biggest));
            assertThrows(DeltaTooLargeException.class, () -> log.recordInsert("t", 2, Tuple.of(new byte[fits + 1])));
            long ts3 = log.recordInsert("t", 3, Tuple.of(biggestString));
            assertThrows(DeltaTooLargeException.class, () -> log.recordInsert("t", 4, Tuple.of(biggestString + "s")));
            // Under the limit in chars, over it in UTF-8 bytes (3 bytes each); and surrogate pairs (4 bytes each).
            assertThrows(
                    DeltaTooLargeException.class, () -> log.recordInsert("t", 5, Tuple.of("\u20ac".repeat(max / 3))));
            assertThrows(
                    DeltaTooLargeException.class,
                    () -> log.recordInsert("t", 6, Tuple.of("\uD83D\uDE00".repeat(max / 4))));
            // Each image under the limit, the update over it.
            byte[] half = new byte[max / 2];
            assertThrows(
                    DeltaTooLargeException.class, () -> log.recordUpdate("t", 7, Tuple.of(half), Tuple.of(half, 1)));
            assertEquals(2, log.count("t", 0));
            DeltaLog again = reopen(file, log);
            try {
                List<Delta> all = read(again, "t");
                assertEquals(2, all.size());
                assertEquals(ts1, all.get(0).commitTimestamp());
                assertArrayEquals(biggest, (byte[])
                        ((DeltaOp.Insert) all.get(0).op()).after().get(0));
                assertEquals(ts3, all.get(1).commitTimestamp());
                assertEquals(
                        biggestString,
                        ((DeltaOp.Insert) all.get(1).op()).after().get(0));
            } finally {
                again.close();
            }
        } finally {
            log.close();
        }
    }

    @Test
    void nanSignedZeroAndInfinitiesKeepTheirBits() {
        Path file = dir.resolve("floats.deltas");
        double payloadNaN = Double.longBitsToDouble(0x7ff8_0000_dead_beefL);
        float payloadNaNf = Float.intBitsToFloat(0x7fc0_beef);
        Tuple image = Tuple.of(
                Double.NaN,
                payloadNaN,
                0.0,
                -0.0,
                Double.POSITIVE_INFINITY,
                Double.NEGATIVE_INFINITY,
                Double.MIN_VALUE,
                Double.MAX_VALUE,
                Float.NaN,
                payloadNaNf,
                0.0f,
                -0.0f,
                Float.POSITIVE_INFINITY,
                Float.NEGATIVE_INFINITY);
        DeltaLog log = DeltaLog.open(file);
        log.track("t");
        log.recordInsert("t", 1, image);
        // Content equality is Double.equals: -0.0 differs from 0.0 (the update is kept), NaN equals NaN (an
        // update from NaN to NaN changes nothing and is dropped, like any update with equal images).
        assertNotEquals(Tuple.of(0.0), Tuple.of(-0.0));
        assertEquals(Tuple.of(Double.NaN), Tuple.of(payloadNaN));
        log.recordUpdate("t", 2, Tuple.of(0.0), Tuple.of(-0.0));
        log.recordUpdate("t", 3, Tuple.of(Double.NaN), Tuple.of(Double.NaN));
        log = reopen(file, log);
        try {
            List<Delta> all = read(log, "t");
            assertEquals(2, all.size());
            Tuple back = ((DeltaOp.Insert) all.get(0).op()).after();
            assertEquals(image, back);
            for (int i = 0; i < image.size(); i++) {
                Object want = image.get(i);
                Object got = back.get(i);
                if (want instanceof Double d) {
                    assertEquals(Double.doubleToRawLongBits(d), Double.doubleToRawLongBits((Double) got), "value " + i);
                } else {
                    assertEquals(
                            Float.floatToRawIntBits((Float) want), Float.floatToRawIntBits((Float) got), "value " + i);
                }
            }
            DeltaOp.Update zero = (DeltaOp.Update) all.get(1).op();
            assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits((Double)
                    zero.after().get(0)));
        } finally {
            log.close();
        }
    }

    @Test
    void nulAndSurrogatePairsInStringsAndTableNames() {
        Path file = dir.resolve("unicode.deltas");
        List<String> names =
                List.of("nul\u0000inside", "\uD83D\uDE00 emoji", "\uD834\uDD1E/clef:1", "\u0000", "x\uFFFF");
        List<String> strings =
                List.of("", "\u0000", "a\u0000b\u0000", "\uD83D\uDE00", "\uDBFF\uDFFF", "\u0000\uD83D\uDE00\u0000");
        DeltaLog log = DeltaLog.open(file);
        List<Delta> expected = new ArrayList<>();
        for (String table : names) {
            log.track(table);
            long ts = log.recordInsert(table, 1, Tuple.of(strings.toArray()));
            expected.add(new Delta(table, 1, ts, new DeltaOp.Insert(Tuple.of(strings.toArray()))));
        }
        for (String lone : List.of("\uD800", "a\uDC00", "\uDE00\uD83D", "end\uD83D")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tuple.of("fine", lone));
            assertTrue(e.getMessage().contains("position 1") && e.getMessage().contains("surrogate"), e.getMessage());
        }
        log.consumer("reader\u0000\uD83D\uDE00", 0);
        log = reopen(file, log);
        try {
            List<String> sorted = new ArrayList<>(names);
            Collections.sort(sorted);
            assertEquals(sorted, log.trackedTables());
            for (int i = 0; i < names.size(); i++) {
                assertEquals(List.of(expected.get(i)), read(log, names.get(i)));
            }
            assertEquals(List.of("reader\u0000\uD83D\uDE00"), log.consumers());
        } finally {
            log.close();
        }
    }

    @Test
    void extremeRowIdsAndPositions() {
        Path file = dir.resolve("rows.deltas");
        long[] ids = {Long.MIN_VALUE, Long.MIN_VALUE + 1, -1, 0, 1, Long.MAX_VALUE - 1, Long.MAX_VALUE};
        DeltaLog log = DeltaLog.open(file);
        log.track("t");
        long ts;
        try (DeltaTransaction tx = log.begin()) {
            for (long id : ids) {
                tx.insert("t", id, Tuple.of(id));
            }
            ts = tx.commit();
        }
        long solo = log.recordDelete("t", Long.MIN_VALUE, Tuple.of(Long.MIN_VALUE));
        log = reopen(file, log);
        try {
            List<Delta> all = read(log, "t");
            assertEquals(ids.length + 1, all.size());
            for (int i = 0; i < ids.length; i++) {
                assertEquals(new Delta("t", ids[i], ts, new DeltaOp.Insert(Tuple.of(ids[i]))), all.get(i));
            }
            assertEquals(Long.MIN_VALUE, all.get(ids.length).rowId());
            assertEquals(
                    ids.length, Support.drain(log.changesAfter("t", ts - 1, ts)).size());
            assertEquals(ids.length + 1, log.count("t", Long.MIN_VALUE, Long.MAX_VALUE));
            assertEquals(ids.length + 1, log.count("t", Long.MIN_VALUE));
            assertEquals(1, log.count("t", ts, Long.MAX_VALUE));
            assertEquals(0, log.count("t", Long.MAX_VALUE));
            assertEquals(0, log.count("t", Long.MAX_VALUE, Long.MIN_VALUE));
            assertEquals(List.of(), Support.drain(log.changesAfter("t", Long.MAX_VALUE)));
            assertEquals(List.of(), Support.drain(log.changesAfter("t", Long.MAX_VALUE, Long.MIN_VALUE)));
            assertEquals(
                    ids.length + 1,
                    Support.drain(log.changesAfter("t", Long.MIN_VALUE)).size());
            assertEquals(
                    ids.length + 1,
                    Support.drain(log.changesSince("t", Instant.MIN)).size());
            assertEquals(0, Support.drain(log.changesSince("t", Instant.MAX)).size());
            ChangeSet merged = log.mergedChangesAfter(List.of("t"), Long.MIN_VALUE);
            assertEquals(ids.length - 1, merged.size(), "MIN_VALUE's insert and delete cancel out");
            assertEquals(ids.length + 1, log.purgeBefore(Long.MAX_VALUE));
            assertEquals(solo, log.oldestRetained());
            assertEquals(0, log.count("t", solo));
        } finally {
            log.close();
        }
    }

    @Test
    void everyCallAfterCloseThrowsLogClosedAndClosingTwiceIsFine() {
        Path file = dir.resolve("closed.deltas");
        DeltaLog log = DeltaLog.open(file);
        log.track("t");
        log.recordInsert("t", 1, Tuple.of(1));
        Consumer consumer = log.consumer("c", 0);
        Subscription sub = log.subscribe((ts, deltas) -> {});
        DeltaTransaction tx = log.begin().insert("t", 2, Tuple.of(2));
        DeltaCursor cursor = log.changesAfter("t", 0);
        log.close();
        log.close();
        List<Executable> calls = List.of(
                () -> log.untrack("t"),
                () -> log.mergedChangesAfter(List.of("t"), 0),
                log::purge,
                () -> log.purgeBefore(Long.MAX_VALUE),
                () -> log.consumer("c"),
                () -> log.consumer("d", 0),
                log::consumers,
                () -> log.dropConsumer("c"),
                consumer::position,
                consumer::isStale,
                () -> consumer.advanceTo(1),
                () -> consumer.changes("t"),
                () -> consumer.changes(List.of("t")),
                () -> consumer.mergedChanges(List.of("t")),
                consumer::reset,
                () -> tx.update("t", 1, Tuple.of(1), Tuple.of(3)),
                () -> tx.delete("t", 1, Tuple.of(1)),
                tx::commit,
                cursor::hasNext,
                cursor::next);
        for (int i = 0; i < calls.size(); i++) {
            Executable call = calls.get(i);
            LogClosedException e = assertThrows(LogClosedException.class, call, "call " + i);
            assertTrue(e.getMessage().contains("closed.deltas"), "call " + i + ": " + e.getMessage());
        }
        assertDoesNotThrow(sub::close);
        assertDoesNotThrow(sub::close);
        assertDoesNotThrow(tx::close);
        assertDoesNotThrow(tx::close);
        assertDoesNotThrow(cursor::close);
        assertDoesNotThrow(cursor::close);
        assertDoesNotThrow(log::close);
        try (DeltaLog again = DeltaLog.open(file)) {
            assertEquals(1, again.countAll());
        }
    }

    /**
     * Threads close one log at the same moment while others commit and read: every close returns, every other
     * call returns or throws {@link LogClosedException}, and the reopened log holds exactly the acknowledged
     * commits.
     */
    @Test
    void concurrentCloseWhileCommittingAndReading() throws Exception {
        for (int round = 0; round < 10; round++) {
            Path file = dir.resolve("race-" + round + ".deltas");
            DeltaLog log = DeltaLog.open(file);
            log.track("t");
            ConcurrentLinkedQueue<Long> acked = new ConcurrentLinkedQueue<>();
            ConcurrentLinkedQueue<Throwable> wrong = new ConcurrentLinkedQueue<>();
            CountDownLatch start = new CountDownLatch(1);
            CountDownLatch closeNow = new CountDownLatch(1);
            List<Thread> threads = new ArrayList<>();
            AtomicLong nextRow = new AtomicLong();
            for (int w = 0; w < 3; w++) {
                threads.add(new Thread(() -> {
                    await(start);
                    try {
                        while (true) {
                            long row = nextRow.incrementAndGet();
                            log.recordInsert("t", row, Tuple.of(row));
                            acked.add(row);
                        }
                    } catch (LogClosedException expected) {
                        // done
                    } catch (Throwable t) {
                        wrong.add(t);
                    }
                }));
            }
            threads.add(new Thread(() -> {
                await(start);
                try {
                    while (true) {
                        try (DeltaCursor c = log.changesAfter("t", 0)) {
                            for (Delta d : c) {
                                d.rowId();
                            }
                        }
                        log.count("t", 0);
                        log.stats();
                    }
                } catch (LogClosedException expected) {
                    // done
                } catch (Throwable t) {
                    wrong.add(t);
                }
            }));
            for (int c = 0; c < 3; c++) {
                threads.add(new Thread(() -> {
                    await(closeNow);
                    try {
                        log.close();
                    } catch (Throwable t) {
                        wrong.add(t);
                    }
                }));
            }
            threads.forEach(Thread::start);
            start.countDown();
            Thread.sleep(30 + round * 5L);
            closeNow.countDown();
            for (Thread t : threads) {
                t.join(TimeUnit.SECONDS.toMillis(30));
                if (t.isAlive()) {
                    fail("a thread hangs after a concurrent close");
                }
            }
            if (!wrong.isEmpty()) {
                AssertionError e = new AssertionError("round " + round + ": unexpected failures " + wrong);
                wrong.forEach(e::addSuppressed);
                throw e;
            }
            assertTrue(log.isClosed());
            try (DeltaLog again = DeltaLog.open(file)) {
                List<Long> rows = new ArrayList<>();
                for (Delta d : read(again, "t")) {
                    rows.add(d.rowId());
                }
                List<Long> want = new ArrayList<>(acked);
                Collections.sort(want);
                Collections.sort(rows);
                assertEquals(
                        want, rows, "round " + round + ": the reopened log holds exactly the acknowledged commits");
            }
            assertTrue(Files.exists(file));
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
