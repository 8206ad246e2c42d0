package io.github.deltalog.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.deltalog.CommitOutcomeUnknownException;
import io.github.deltalog.CorruptLogException;
import io.github.deltalog.Delta;
import io.github.deltalog.DeltaCursor;
import io.github.deltalog.DeltaLog;
import io.github.deltalog.DeltaLogException;
import io.github.deltalog.DeltaTransaction;
import io.github.deltalog.Durability;
import io.github.deltalog.LogFailedException;
import io.github.deltalog.LogIOException;
import io.github.deltalog.Tuple;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Failed writes at chosen points (issue 21, case 3): a fault-injecting file layer ({@link FaultFilePath}) makes
 * the n-th write, fsync or truncate of the store or journal fail with {@code ENOSPC}, {@code EIO} or a short
 * write, or interrupts the calling thread, once or until the fault is lifted, during a random mix of commits,
 * checkpoints, purges with compaction, consumer moves and close. After each case the log is reopened without
 * faults and must hold every acknowledged commit (above the purge mark) and no commit that threw, except one
 * that threw {@link CommitOutcomeUnknownException}; every failure must be a typed exception and never
 * {@link CorruptLogException} (there is no corruption); a log that did not fail must take commits again once the
 * fault is lifted. Cases: {@code -Ddeltalog.faults.cases} (200; 5000 under {@code -Pstress}); seed:
 * {@code -Ddeltalog.faults.seed}, one case: {@code -Ddeltalog.faults.case}.
 */
class FaultInjectionTest {
    private static final int CASES = Integer.getInteger("deltalog.faults.cases", 200);

    @TempDir
    Path dir;

    @BeforeEach
    void install() {
        FaultFilePath.install(dir.toString());
    }

    @AfterEach
    void uninstall() {
        FaultFilePath.uninstall();
        Thread.interrupted();
    }

    @Test
    void everyAcknowledgedCommitSurvivesAndNoFailedCommitComesBack() throws Exception {
        long seed = Long.getLong("deltalog.faults.seed", System.nanoTime());
        Integer only = Integer.getInteger("deltalog.faults.case");
        long injected = 0;
        int failedLogs = 0;
        for (int c = 0; c < CASES; c++) {
            if (only != null && only != c) {
                continue;
            }
            SplittableRandom random = new SplittableRandom(seed + c * 0x9E3779B97F4A7C15L);
            try {
                Result r = runCase(random, dir.resolve("case-" + c));
                injected += r.fired;
                failedLogs += r.failed ? 1 : 0;
            } catch (Throwable e) {
                throw new AssertionError(
                        "fault case " + c + " failed, seed=" + seed + " (replay with" + " -Ddeltalog.faults.seed="
                                + seed + " -Ddeltalog.faults.case=" + c + ")",
                        e);
            } finally {
                FaultFilePath.disarm();
                Thread.interrupted();
            }
        }
        System.out.printf(
                "fault injection: %d cases, %d faults injected, %d logs failed and reopened, seed=%d%n",
                CASES, injected, failedLogs, seed);
        assertTrue(only != null || injected >= CASES, "too few faults fired: " + injected);
    }

    private record Result(int fired, boolean failed) {}

    private Result runCase(SplittableRandom random, Path folder) throws Exception {
        Files.createDirectories(folder);
        Path file = folder.resolve("log.deltas");
        Durability durability = Durability.values()[random.nextInt(3)];
        Map<Long, Long> acked = new HashMap<>(); // row -> commit timestamp
        Set<Long> threw = new HashSet<>();
        Set<Long> unknown = new HashSet<>();
        long nextRow = 0;
        boolean failed = false;
        StringBuilder trace = new StringBuilder();
        DeltaLog log = open(file, durability);
        log.track("t");
        for (int i = 0; i < 3; i++) {
            acked.put(nextRow, log.recordInsert("t", nextRow, Tuple.of(nextRow)));
            nextRow++;
        }
        FaultFilePath.Fault fault = FaultFilePath.Fault.values()[random.nextInt(4)];
        boolean sticky = random.nextInt(3) == 0;
        int after = random.nextInt(8);
        trace.append(durability)
                .append(' ')
                .append(fault)
                .append(sticky ? " sticky" : " once")
                .append(" after ")
                .append(after)
                .append(':');
        FaultFilePath.arm(fault, after, sticky);
        boolean closed = false;
        int firedBefore = 0;
        for (int op = 0; op < 24 && !closed; op++) {
            if (!sticky && FaultFilePath.fired() > 0) {
                // The fault came and went: the next one, at another point of another operation.
                firedBefore += FaultFilePath.fired();
                fault = FaultFilePath.Fault.values()[random.nextInt(4)];
                after = random.nextInt(3);
                trace.append(" then ").append(fault).append(" after ").append(after);
                FaultFilePath.arm(fault, after, false);
            }
            int what = random.nextInt(100);
            long row = nextRow;
            int firedAtStart = FaultFilePath.fired();
            FaultFilePath.Fault armed = fault;
            trace.append(" [op ")
                    .append(what)
                    .append(" row ")
                    .append(row)
                    .append(" fired ")
                    .append(FaultFilePath.fired());
            try {
                if (what < 60) {
                    int n = 1 + random.nextInt(3);
                    nextRow += n;
                    try (DeltaTransaction tx = log.begin()) {
                        for (int k = 0; k < n; k++) {
                            tx.insert("t", row + k, Tuple.of(row + k, "x".repeat(random.nextInt(300))));
                        }
                        long ts = tx.commit();
                        for (int k = 0; k < n; k++) {
                            acked.put(row + k, ts);
                        }
                    } catch (CommitOutcomeUnknownException e) {
                        for (int k = 0; k < n; k++) {
                            unknown.add(row + k);
                        }
                        throw e;
                    } catch (RuntimeException e) {
                        for (int k = 0; k < n; k++) {
                            threw.add(row + k);
                        }
                        throw e;
                    }
                } else if (what < 72) {
                    log.checkpoint();
                } else if (what < 82) {
                    long newest = acked.values().stream()
                            .mapToLong(Long::longValue)
                            .max()
                            .orElse(0);
                    log.purgeBefore(newest - random.nextInt(1000));
                } else if (what < 97) {
                    io.github.deltalog.Consumer consumer = log.consumer("c" + random.nextInt(2));
                    if (consumer.isStale()) {
                        consumer.reset();
                    }
                    consumer.advanceTo(log.lastCommitted());
                } else {
                    closed = true;
                    try {
                        log.close();
                    } catch (DeltaLogException e) {
                        failed = true; // not closed cleanly: what only an ASYNC buffer held may be lost
                        throw e;
                    }
                }
            } catch (LogFailedException e) {
                trace.append(' ').append(e);
                failed = true;
            } catch (LogIOException e) {
                trace.append(' ').append(e);
                assertFalse(e.getMessage().contains("corrupt"), e.getMessage());
            } catch (DeltaLogException e) {
                if (e instanceof CorruptLogException) {
                    throw new AssertionError("an I/O fault reported as corruption", e);
                }
                if (!(e instanceof io.github.deltalog.LogClosedException)) {
                    throw e;
                }
            }
            trace.append(']');
            boolean interrupted = Thread.interrupted(); // cleared for the next operation
            if (armed == FaultFilePath.Fault.INTERRUPT
                    && FaultFilePath.fired() > firedAtStart
                    && FaultFilePath.interruptedThread() == Thread.currentThread() // not the ASYNC flusher
                    && !closed) {
                assertTrue(interrupted, "the caller's interrupt flag was lost: " + trace);
            }
        }
        int fired = firedBefore + FaultFilePath.fired();
        FaultFilePath.disarm();
        if (!closed) {
            if (!failed) {
                // The cause is gone: a log that did not fail takes commits again.
                long row = nextRow++;
                try {
                    acked.put(row, log.recordInsert("t", row, Tuple.of(row)));
                } catch (LogFailedException e) {
                    failed = true;
                }
            }
            try {
                log.close();
            } catch (DeltaLogException e) {
                assertFalse(e instanceof CorruptLogException, e.toString());
                failed = true;
            }
        }
        try (DeltaLog reopened = open(file, durability)) {
            long low = reopened.oldestRetained();
            Map<Long, Long> present = new HashMap<>();
            try (DeltaCursor cursor = reopened.changesAfter("t", low == 0 ? Long.MIN_VALUE : low)) {
                for (Delta d : cursor) {
                    present.put(d.rowId(), d.commitTimestamp());
                }
            }
            for (long row : threw) {
                assertFalse(present.containsKey(row), "row " + row + " of a commit that threw is present: " + trace);
            }
            boolean mayLose = durability == Durability.ASYNC && failed;
            for (Map.Entry<Long, Long> a : acked.entrySet()) {
                if (a.getValue() > low && !mayLose) {
                    assertEquals(
                            a.getValue(), present.get(a.getKey()), "acknowledged row " + a.getKey() + ": " + trace);
                }
            }
            for (Map.Entry<Long, Long> p : present.entrySet()) {
                assertTrue(
                        acked.containsKey(p.getKey()) || unknown.contains(p.getKey()),
                        "row " + p.getKey() + " present but never committed");
            }
            long row = nextRow;
            reopened.recordInsert("t", row, Tuple.of(row));
        }
        return new Result(fired, failed);
    }

    private static DeltaLog open(Path file, Durability durability) {
        return DeltaLog.builder()
                .path(file)
                .durability(durability)
                .checkpointInterval(Duration.ofHours(1))
                .open();
    }
}
