package io.github.deltalog;

import static io.github.deltalog.Support.read;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every durability level keeps what was committed across close and reopen, and across a simulated kill. */
class DurabilityTest {
    @TempDir
    Path dir;

    private static List<Delta> commitSome(DeltaLog log, int transactions) {
        List<Delta> expected = new ArrayList<>();
        for (int i = 0; i < transactions; i++) {
            try (DeltaTransaction tx = log.begin()) {
                tx.insert("t", i, Tuple.of(i, "row " + i));
                tx.insert("u", -i, Tuple.of((long) i));
                long ts = tx.commit();
                expected.add(new Delta("t", i, ts, new DeltaOp.Insert(Tuple.of(i, "row " + i))));
            }
        }
        return expected;
    }

    @ParameterizedTest
    @EnumSource(Durability.class)
    void roundTripsAcrossCloseAndReopen(Durability durability) {
        Path file = dir.resolve(durability + ".deltas");
        List<Delta> expected;
        long last;
        try (DeltaLog log = DeltaLog.builder().path(file).durability(durability).open()) {
            log.track("t");
            log.track("u");
            expected = commitSome(log, 40);
            last = log.lastCommitted();
            assertEquals(durability, log.stats().durability());
        }
        try (DeltaLog log = DeltaLog.builder().path(file).durability(durability).open()) {
            assertEquals(expected, read(log, "t"));
            assertEquals(40, read(log, "u").size());
            assertEquals(last, log.lastCommitted());
            long next = log.recordInsert("t", 1000, Tuple.of(1000));
            assertTrue(next > last);
        }
        // Durability is a property of the session, not of the file.
        Durability other = durability == Durability.COMMIT ? Durability.ASYNC : Durability.COMMIT;
        try (DeltaLog log = DeltaLog.builder().path(file).durability(other).open()) {
            assertEquals(81, log.countAll());
        }
    }

    /**
     * Copies the log's files while it is open and never checkpointed, as a process kill would leave them: the
     * copy holds a prefix of the commits, and with COMMIT and SYNC all of them.
     */
    @ParameterizedTest
    @EnumSource(Durability.class)
    void aCopyTakenWhileOpenHoldsAPrefixOfTheCommits(Durability durability) throws Exception {
        Path file = dir.resolve("live.deltas");
        Path copyDir = Files.createDirectory(dir.resolve("copy"));
        Path copy = copyDir.resolve("live.deltas");
        List<Delta> expected;
        try (DeltaLog log = DeltaLog.builder()
                .path(file)
                .durability(durability)
                .checkpointInterval(Duration.ofHours(1))
                .open()) {
            log.track("t");
            log.track("u");
            expected = commitSome(log, 25);
            Files.copy(dir.resolve("live.deltas.journal"), copyDir.resolve("live.deltas.journal"));
            Files.copy(file, copy);
        }
        try (DeltaLog log = DeltaLog.open(copy)) {
            List<Delta> recovered = read(log, "t");
            assertTrue(recovered.size() <= expected.size());
            assertEquals(expected.subList(0, recovered.size()), recovered);
            assertEquals(recovered.size(), read(log, "u").size(), "no part of a transaction");
            long watermark = recovered.isEmpty()
                    ? 0
                    : recovered.get(recovered.size() - 1).commitTimestamp();
            assertEquals(watermark, log.lastCommitted());
            if (durability != Durability.ASYNC) {
                assertEquals(expected, recovered);
            }
            long next = log.recordInsert("t", 999, Tuple.of(999));
            assertTrue(next > watermark);
        }
    }

    @ParameterizedTest
    @EnumSource(Durability.class)
    void checkpointThenReopen(Durability durability) {
        Path file = dir.resolve("cp-" + durability + ".deltas");
        List<Delta> expected;
        try (DeltaLog log = DeltaLog.builder()
                .path(file)
                .durability(durability)
                .checkpointInterval(Duration.ofHours(1))
                .open()) {
            log.track("t");
            log.track("u");
            expected = new ArrayList<>(commitSome(log, 10));
            log.checkpoint();
            log.checkpoint(); // nothing new: a no-op
            long ts = log.recordInsert("t", 77, Tuple.of(77));
            expected.add(new Delta("t", 77, ts, new DeltaOp.Insert(Tuple.of(77))));
        }
        try (DeltaLog log = DeltaLog.open(file)) {
            assertEquals(expected, read(log, "t"));
        }
    }
}
