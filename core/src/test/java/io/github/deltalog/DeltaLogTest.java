package io.github.deltalog;

import static io.github.deltalog.Support.micros;
import static io.github.deltalog.Support.read;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The log as a whole: opening, tables, the record shortcuts, timestamps, stats, checkpoints, options. */
class DeltaLogTest {
    @TempDir
    Path dir;

    @Test
    void recordsReadsAndReopens() throws Exception {
        Path file = dir.resolve("app.deltas");
        Tuple alice = Tuple.of(1, "alice", new BigDecimal("9.50"));
        Tuple bob = Tuple.of(2, "bob", new BigDecimal("1.00"));
        long ts;
        long deleted;
        try (DeltaLog log = DeltaLog.open(file)) {
            log.track("orders");
            try (DeltaTransaction tx = log.begin()) {
                tx.insert("orders", 1L, alice);
                tx.insert("orders", 2L, bob);
                ts = tx.commit();
            }
            deleted = log.recordDelete("orders", 1L, alice);
            assertTrue(deleted > ts);
            assertEquals(3, log.count("orders", 0L));
            assertEquals(1, log.count("orders", ts));
        }
        assertTrue(Files.size(file) > 0);
        try (DeltaLog log = DeltaLog.open(file)) {
            assertEquals(List.of("orders"), log.trackedTables());
            assertEquals(deleted, log.lastCommitted());
            assertEquals(
                    List.of(
                            new Delta("orders", 1L, ts, new DeltaOp.Insert(alice)),
                            new Delta("orders", 2L, ts, new DeltaOp.Insert(bob)),
                            new Delta("orders", 1L, deleted, new DeltaOp.Delete(alice))),
                    read(log, "orders"));
            assertEquals(3, log.countAll());
        }
    }

    @Test
    void recordShortcutsEachCommitOneTransaction() {
        try (DeltaLog log = DeltaLog.inMemory()) {
            log.track("t");
            Tuple a = Tuple.of("a");
            Tuple b = Tuple.of("b");
            long t1 = log.recordInsert("t", 7, a);
            long t2 = log.recordUpdate("t", 7, a, b);
            long t3 = log.recordDelete("t", 7, b);
            assertTrue(t1 < t2 && t2 < t3);
            assertEquals(t3, log.lastCommitted());
            assertEquals(
                    List.of(
                            new Delta("t", 7, t1, new DeltaOp.Insert(a)),
                            new Delta("t", 7, t2, new DeltaOp.Update(a, b)),
                            new Delta("t", 7, t3, new DeltaOp.Delete(b))),
                    read(log, "t"));
        }
    }

    @Test
    void recordUpdateWithEqualImagesRecordsNothingAndReturnsTheWatermark() {
        try (DeltaLog log = DeltaLog.inMemory()) {
            log.track("t");
            long t1 = log.recordInsert("t", 1, Tuple.of(1));
            assertEquals(t1, log.recordUpdate("t", 1, Tuple.of(2), Tuple.of(2)));
            assertEquals(1, log.countAll());
            assertEquals(t1, log.lastCommitted());
        }
    }

    @Test
    void trackIsIdempotentAndTrackedTablesAreSorted() {
        try (DeltaLog log = DeltaLog.inMemory()) {
            assertEquals(List.of(), log.trackedTables());
            log.track("zeta");
            log.track("alpha");
            log.track("Mid");
            log.track("alpha");
            assertEquals(List.of("Mid", "alpha", "zeta"), log.trackedTables());
            assertTrue(log.isTracked("alpha"));
            assertFalse(log.isTracked("beta"));
            assertFalse(log.isTracked(null));
            assertThrows(UnsupportedOperationException.class, () -> log.trackedTables()
                    .add("x"));
        }
    }

    @Test
    void untrackKeepsDeltasReadableAndSurvivesReopen() {
        Path file = dir.resolve("u.deltas");
        long ts;
        try (DeltaLog log = DeltaLog.open(file)) {
            log.track("a");
            log.track("b");
            ts = log.recordInsert("a", 1, Tuple.of("x"));
            log.untrack("a");
            log.untrack("a"); // idempotent
            log.untrack("never-tracked"); // a no-op
            assertFalse(log.isTracked("a"));
            assertEquals(List.of("b"), log.trackedTables());
            assertEquals(List.of("a", "b"), log.tables(), "an untracked table stays known");
            assertEquals(List.of(new Delta("a", 1, ts, new DeltaOp.Insert(Tuple.of("x")))), read(log, "a"));
            assertEquals(1, log.count("a", 0));
            UntrackedTableException e =
                    assertThrows(UntrackedTableException.class, () -> log.recordInsert("a", 2, Tuple.of("y")));
            assertTrue(e.getMessage().contains("'a'"), e.getMessage());
            assertEquals(1, log.countAll());
            assertEquals(ts, log.lastCommitted());
        }
        try (DeltaLog log = DeltaLog.open(file)) {
            assertEquals(List.of("b"), log.trackedTables());
            assertEquals(List.of("a", "b"), log.tables());
            assertEquals(1, read(log, "a").size());
            log.track("a"); // tracking again keeps the old deltas and records new ones
            long ts2 = log.recordInsert("a", 2, Tuple.of("y"));
            assertEquals(
                    List.of(ts, ts2),
                    read(log, "a").stream().map(Delta::commitTimestamp).toList());
        }
    }

    @Test
    void tableNamesWithSeparatorsAndUnicodeAreDistinctTables() {
        Path file = dir.resolve("names.deltas");
        List<String> names =
                List.of("a:b", "a/b", "a", "b", "schema.table", "Ünïcödé 表 \uD83D\uDE00", "x".repeat(256), " padded ");
        try (DeltaLog log = DeltaLog.open(file)) {
            for (int i = 0; i < names.size(); i++) {
                log.track(names.get(i));
                log.recordInsert(names.get(i), i, Tuple.of(names.get(i)));
            }
        }
        try (DeltaLog log = DeltaLog.open(file)) {
            List<String> sorted = names.stream().sorted().toList();
            assertEquals(sorted, log.trackedTables());
            for (int i = 0; i < names.size(); i++) {
                List<Delta> ds = read(log, names.get(i));
                assertEquals(1, ds.size(), names.get(i));
                assertEquals(names.get(i), ds.get(0).table());
                assertEquals(i, ds.get(0).rowId());
                assertEquals(Tuple.of(names.get(i)), ds.get(0).op().after());
            }
        }
    }

    @Test
    void commitTimestampsFollowTheClockAndStayIncreasingWhenItGoesBack() {
        Path file = dir.resolve("clock.deltas");
        Instant t10 = Instant.parse("2030-01-01T00:00:10.123456Z");
        Instant t05 = Instant.parse("2030-01-01T00:00:05Z");
        Instant t20 = Instant.parse("2030-01-01T00:00:20Z");
        Support.ScriptedClock clock = new Support.ScriptedClock(t10, t05, t05, t20, t05);
        long[] ts = new long[5];
        try (DeltaLog log = DeltaLog.builder().path(file).clock(clock).open()) {
            log.track("t");
            for (int i = 0; i < ts.length; i++) {
                ts[i] = log.recordInsert("t", i, Tuple.of(i));
            }
            assertEquals(micros(t10), ts[0]);
            assertEquals(micros(t20), ts[3]);
            for (int i = 1; i < ts.length; i++) {
                assertTrue(ts[i] > ts[i - 1], Arrays.toString(ts));
            }
            assertEquals(t10, read(log, "t").get(0).timestamp());
        }
        // Reopened with a clock decades behind: still after every earlier commit.
        Clock past = Clock.fixed(Instant.parse("1990-06-01T00:00:00Z"), ZoneOffset.UTC);
        try (DeltaLog log = DeltaLog.builder().path(file).clock(past).open()) {
            assertEquals(ts[4], log.lastCommitted());
            long a = log.recordInsert("t", 10, Tuple.of(10));
            long b = log.recordInsert("t", 11, Tuple.of(11));
            assertTrue(a > ts[4]);
            assertTrue(b > a);
        }
    }

    @Test
    void timestampsAreStrictlyIncreasingUnderAFrozenClock() {
        Clock frozen = Clock.fixed(Instant.parse("2024-01-01T00:00:00Z"), ZoneOffset.UTC);
        try (DeltaLog log = DeltaLog.builder().inMemory().clock(frozen).open()) {
            log.track("t");
            long prev = 0;
            for (int i = 0; i < 100; i++) {
                long ts = log.recordInsert("t", i, Tuple.of(i));
                assertTrue(ts > prev);
                prev = ts;
            }
        }
    }

    @Test
    void statsReportTheLogsFigures() {
        Path file = dir.resolve("stats.deltas");
        try (DeltaLog log =
                DeltaLog.builder().path(file).durability(Durability.SYNC).open()) {
            log.track("a");
            log.track("b");
            log.track("c");
            log.untrack("c");
            log.recordInsert("a", 1, Tuple.of(1));
            try (DeltaTransaction tx = log.begin()) {
                tx.insert("a", 2, Tuple.of(2)).insert("b", 1, Tuple.of(3));
                tx.commit();
            }
            log.checkpoint();
            LogStats s = log.stats();
            assertTrue(s.file().contains("stats.deltas"), s.file());
            assertTrue(s.fileSizeBytes() > 0);
            assertEquals(2, s.trackedTables());
            assertEquals(3, s.deltas());
            assertEquals(log.lastCommitted(), s.lastCommitted());
            assertEquals(0, s.oldestRetained());
            assertEquals(Durability.SYNC, s.durability());
        }
        try (DeltaLog log = DeltaLog.inMemory()) {
            LogStats s = log.stats();
            assertEquals(0, s.fileSizeBytes());
            assertEquals(0, s.deltas());
            assertEquals(0, s.lastCommitted());
            assertEquals(Durability.COMMIT, s.durability());
        }
    }

    @Test
    void checkpointEmptiesTheJournalAndCloseRemovesIt() throws Exception {
        Path file = dir.resolve("cp.deltas");
        Path journal = dir.resolve("cp.deltas.journal");
        long last;
        try (DeltaLog log = DeltaLog.builder()
                .path(file)
                .checkpointInterval(Duration.ofHours(1))
                .open()) {
            log.track("t");
            for (int i = 0; i < 10; i++) {
                log.recordInsert("t", i, Tuple.of(i));
            }
            long header = 41; // the generation header that starts every journal file
            assertTrue(Files.size(journal) > header, "commits go to the journal first");
            log.checkpoint();
            assertEquals(header, Files.size(journal), "a checkpoint leaves a journal of only its header");
            last = log.recordInsert("t", 10, Tuple.of(10));
            assertEquals(11, log.countAll());
        }
        assertEquals(41, Files.size(journal), "a clean close leaves only the next generation's header");
        try (DeltaLog log = DeltaLog.open(file)) {
            assertEquals(11, log.countAll());
            assertEquals(last, log.lastCommitted());
        }
    }

    @Test
    void inMemoryLogWorksAndForgetsOnClose() {
        DeltaLog log = DeltaLog.inMemory();
        log.track("t");
        long ts = log.recordInsert("t", 1, Tuple.of("x"));
        log.checkpoint(); // nothing to do in memory
        assertEquals(1, log.count("t", 0));
        assertEquals(ts, log.lastCommitted());
        assertTrue(log.toString().contains("in-memory"), log.toString());
        assertFalse(log.isClosed());
        log.close();
        assertTrue(log.isClosed());
        log.close(); // idempotent
        try (DeltaLog fresh = DeltaLog.inMemory()) {
            assertEquals(0, fresh.countAll());
            assertEquals(List.of(), fresh.trackedTables());
        }
    }

    @Test
    void compressedLogRoundTrips() throws Exception {
        Path file = dir.resolve("z.deltas");
        String text = "compressible ".repeat(200);
        try (DeltaLog log = DeltaLog.builder().path(file).compress(true).open()) {
            log.track("t");
            for (int i = 0; i < 50; i++) {
                log.recordInsert("t", i, Tuple.of(i, text));
            }
        }
        try (DeltaLog log = DeltaLog.builder().path(file).compress(true).open()) {
            List<Delta> all = read(log, "t");
            assertEquals(50, all.size());
            assertEquals(Tuple.of(49, text), all.get(49).op().after());
        }
        try (DeltaLog log = DeltaLog.open(file)) { // compression is a write option; any reader reads it
            assertEquals(50, log.countAll());
        }
    }

    @Test
    void encryptedLogRoundTripsAndHidesItsContent() throws Exception {
        Path file = dir.resolve("secret.deltas");
        String marker = "PLAINTEXT-MARKER-1234567890";
        char[] key = "secret".toCharArray();
        DeltaLogBuilder builder = DeltaLog.builder().path(file).encryptionKey(key);
        Arrays.fill(key, '\0'); // the builder keeps its own copy
        long ts;
        try (DeltaLog log = builder.open()) {
            log.track("t");
            ts = log.recordInsert("t", 1, Tuple.of(marker));
            assertFalse(contains(Files.readAllBytes(dir.resolve("secret.deltas.journal")), marker));
        }
        assertFalse(contains(Files.readAllBytes(file), marker));
        try (DeltaLog log = DeltaLog.builder()
                .path(file)
                .encryptionKey("secret".toCharArray())
                .open()) {
            assertEquals(List.of(new Delta("t", 1, ts, new DeltaOp.Insert(Tuple.of(marker)))), read(log, "t"));
            log.recordInsert("t", 2, Tuple.of("more"));
        }
        try (DeltaLog log = DeltaLog.builder()
                .path(file)
                .encryptionKey("secret".toCharArray())
                .open()) {
            assertEquals(2, log.countAll());
        }
    }

    @Test
    void builderRejectsBadOptionsAndSaysWhich() {
        IllegalStateException none = assertThrows(
                IllegalStateException.class, () -> DeltaLog.builder().open());
        assertTrue(none.getMessage().contains("path"), none.getMessage());
        assertThrows(IllegalStateException.class, () -> DeltaLog.builder()
                .path(dir.resolve("x.deltas"))
                .inMemory()
                .open());
        assertThrows(IllegalStateException.class, () -> DeltaLog.builder()
                .inMemory()
                .encryptionKey("k".toCharArray())
                .open());
        assertThrows(
                IllegalStateException.class,
                () -> DeltaLog.builder().inMemory().readOnly(true).open());
        IllegalArgumentException cache = assertThrows(
                IllegalArgumentException.class, () -> DeltaLog.builder().cacheSizeMb(0));
        assertTrue(cache.getMessage().contains("0"), cache.getMessage());
        assertThrows(IllegalArgumentException.class, () -> DeltaLog.builder().encryptionKey(new char[0]));
        assertThrows(IllegalArgumentException.class, () -> DeltaLog.builder().journalFlushInterval(Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> DeltaLog.builder().checkpointInterval(Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> DeltaLog.builder().checkpointBytes(0));
        assertThrows(NullPointerException.class, () -> DeltaLog.builder().path(null));
        assertThrows(NullPointerException.class, () -> DeltaLog.builder().clock(null));
        assertThrows(NullPointerException.class, () -> DeltaLog.builder().durability(null));
        assertFalse(Files.exists(dir.resolve("x.deltas")));
    }

    @Test
    void builderAcceptsEveryOption() {
        Path file = dir.resolve("opts.deltas");
        try (DeltaLog log = DeltaLog.builder()
                .path(file)
                .cacheSizeMb(1)
                .durability(Durability.ASYNC)
                .journalFlushInterval(Duration.ofMillis(5))
                .checkpointInterval(Duration.ofMillis(50))
                .checkpointBytes(1024)
                .readOnly(false)
                .compress(false)
                .open()) {
            log.track("t");
            for (int i = 0; i < 200; i++) {
                log.recordInsert("t", i, Tuple.of(i, "row " + i));
            }
            assertEquals(200, log.countAll());
            assertEquals(Durability.ASYNC, log.stats().durability());
        }
        try (DeltaLog log = DeltaLog.open(file)) {
            assertEquals(200, log.countAll());
        }
    }

    @Test
    void openingInAMissingFolderFailsNamingIt() {
        Path file = dir.resolve("no-such-folder").resolve("x.deltas");
        DeltaLogException e = assertThrows(DeltaLogException.class, () -> DeltaLog.open(file));
        assertTrue(e.getMessage().contains("no-such-folder"), e.getMessage());
        assertFalse(Files.exists(file.getParent()));
    }

    private static boolean contains(byte[] haystack, String needle) {
        byte[] n = needle.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        outer:
        for (int i = 0; i + n.length <= haystack.length; i++) {
            for (int j = 0; j < n.length; j++) {
                if (haystack[i + j] != n[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    @Test
    void containsHelperFindsText() {
        assertTrue(contains("xxabcxx".getBytes(java.nio.charset.StandardCharsets.UTF_8), "abc"));
        assertFalse(contains("xxabxcx".getBytes(java.nio.charset.StandardCharsets.UTF_8), "abc"));
    }
}
