package io.github.deltalog.view;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.github.deltalog.ChildJvm;
import io.github.deltalog.Delta;
import io.github.deltalog.DeltaCursor;
import io.github.deltalog.DeltaLog;
import io.github.deltalog.Tuple;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly once across kills: a child JVM ({@link ViewKillChild}) commits transactions and refreshes five views
 * (group-by, projection, inner and left join) on one log file and is SIGKILLed at a random moment, often in the
 * middle of a refresh or a checkpoint. After each kill the parent reopens the log and checks every view: its
 * position is at least the last position a returned refresh acknowledged, its rows equal the nested-loop reference
 * over the log's history up to that position (a change applied twice or skipped would show), its consumer is at
 * the same position, and after a refresh it equals the reference over the whole log.
 *
 * <p>Rounds: {@code -Ddeltalog.view.kill.rounds} (default 6; {@code -Pstress} runs 200); seed: {@code
 * -Ddeltalog.view.kill.seed}.
 */
class ViewKillLoopTest {
    @TempDir
    Path dir;

    @Test
    void viewsAreExactlyOnceAcrossKillsAtRandomMoments() throws Exception {
        int rounds = Integer.getInteger("deltalog.view.kill.rounds", 6);
        long seed = Long.getLong(
                "deltalog.view.kill.seed", ThreadLocalRandom.current().nextLong());
        Random rnd = new Random(seed);
        Path file = dir.resolve("views.deltas");
        long started = System.nanoTime();
        int acked = 0;
        for (int round = 0; round < rounds; round++) {
            try {
                acked += round(file, rnd.nextLong(), rnd);
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError(
                        "seed " + seed + ", round " + round + " (rerun with -Ddeltalog.view.kill.seed=" + seed + "): "
                                + e,
                        e);
            }
        }
        System.out.printf(
                "ViewKillLoopTest: %d rounds, %d acknowledged refreshes verified, %.1f s (seed %d)%n",
                rounds, acked, (System.nanoTime() - started) / 1e9, seed);
    }

    private int round(Path file, long childSeed, Random rnd) throws Exception {
        Path stdout = dir.resolve("child.out");
        Path stderr = dir.resolve("child.err");
        long checkpointMillis = new long[] {5, 50, 1000}[rnd.nextInt(3)];
        Process child = ChildJvm.start(
                "256m",
                false,
                ViewKillChild.class,
                stdout,
                stderr,
                file.toString(),
                Long.toString(childSeed),
                Long.toString(checkpointMillis));
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            // Killed only after its first acknowledged refresh (a loaded machine may take seconds to get there),
            // then at a random moment of its commits, refreshes and checkpoints.
            while (lines(stdout).stream().noneMatch(l -> l.startsWith("REFRESH "))) {
                if (!child.isAlive() || System.nanoTime() > deadline) {
                    fail("child ended or hung before its first refresh: " + Files.readString(stderr));
                }
                Thread.sleep(2);
            }
            Thread.sleep(20 + rnd.nextInt(600));
            if (!child.isAlive()) {
                fail("child exited by itself with " + child.exitValue() + ": " + Files.readString(stderr));
            }
        } finally {
            child.destroyForcibly(); // SIGKILL on Linux
            child.waitFor();
        }
        String errors = Files.readString(stderr);
        assertTrue(errors.isBlank(), () -> "child wrote to stderr: " + errors);
        Map<String, Long> lastAck = new HashMap<>();
        int acks = 0;
        for (String line : lines(stdout)) {
            if (line.startsWith("REFRESH ")) {
                String[] f = line.split(" ");
                lastAck.put(f[1], Long.parseLong(f[2]));
                acks++;
            }
        }
        check(file, lastAck);
        return acks;
    }

    private static void check(Path file, Map<String, Long> lastAck) {
        Map<String, ViewDefinition> defs = ViewWorkload.definitions();
        try (DeltaLog log = DeltaLog.open(file)) {
            for (Map.Entry<String, ViewDefinition> e : defs.entrySet()) {
                String name = e.getKey();
                View v = log.view(name, e.getValue());
                long p = v.position();
                long acked = lastAck.getOrDefault(name, Long.MIN_VALUE);
                assertTrue(p >= acked, name + " at " + p + " lost an acknowledged refresh to " + acked);
                assertEquals(
                        ViewReference.compute(v.definition(), replay(log, p)),
                        ViewReference.rowsOf(v),
                        name + " at its position " + p);
                assertEquals(p, log.consumer("view:" + name).position(), name + "'s consumer");
                v.refresh();
                assertEquals(
                        ViewReference.compute(v.definition(), replay(log, log.lastCommitted())),
                        ViewReference.rowsOf(v),
                        name + " after a refresh");
            }
        }
    }

    /** The tables' rows as of a position, from every delta of the log up to it. */
    static Map<String, Map<Long, Tuple>> replay(DeltaLog log, long upTo) {
        Map<String, Map<Long, Tuple>> tables = new HashMap<>();
        for (String t : List.of(ViewWorkload.ORDERS, ViewWorkload.CUSTOMERS)) {
            Map<Long, Tuple> rows = new LinkedHashMap<>();
            try (DeltaCursor c = log.changesAfter(t, Long.MIN_VALUE, upTo)) {
                for (Delta d : c) {
                    if (d.op().after() == null) {
                        rows.remove(d.rowId());
                    } else {
                        rows.put(d.rowId(), d.op().after());
                    }
                }
            }
            tables.put(t, rows);
        }
        return tables;
    }

    private static List<String> lines(Path p) throws IOException {
        if (!Files.exists(p)) {
            return List.of();
        }
        String s = Files.readString(p, StandardCharsets.US_ASCII);
        int end = s.lastIndexOf('\n');
        return end < 0 ? new ArrayList<>() : List.of(s.substring(0, end).split("\n"));
    }
}
