package io.github.deltalog.view;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.github.deltalog.ChildJvm;
import io.github.deltalog.Consumer;
import io.github.deltalog.DeltaLog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A kill between a refresh's journal record and the next checkpoint: a child JVM ({@link ViewHoldChild}) builds
 * the workload's views, refreshes each of them a few times with checkpoints an hour apart, and is SIGKILLed while
 * the refreshes live only in the journal (its store file still holds the views at their build). Then the store
 * file declares format 4 (so a deltalog that does not know these journal records refuses it), a read-only open
 * and then a read-write open each replay the records: every view is at its last acknowledged position, equals
 * the nested-loop reference over the history up to it, its consumer is at the same position with a known last
 * advance; and it refreshes on from there. For COMMIT and ASYNC durability.
 *
 * <p>Seed: {@code -Ddeltalog.view.hold.seed}.
 */
class ViewJournalKillTest {
    @TempDir
    Path dir;

    @Test
    void journaledRefreshesSurviveAKillBeforeTheCheckpoint() throws Exception {
        long seed = Long.getLong(
                "deltalog.view.hold.seed", ThreadLocalRandom.current().nextLong());
        for (String durability : List.of("COMMIT", "ASYNC")) {
            try {
                check(dir.resolve(durability + ".deltas"), seed, durability);
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError(
                        durability + ", seed " + seed + " (rerun with -Ddeltalog.view.hold.seed=" + seed + "): " + e,
                        e);
            }
        }
    }

    private void check(Path file, long seed, String durability) throws Exception {
        Map<String, Long> acked = runAndKill(file, seed, durability);
        assertEquals(ViewWorkload.definitions().keySet(), acked.keySet(), "every view acknowledged a refresh");
        MVStore raw = new MVStore.Builder().fileName(file.toString()).readOnly().open();
        try {
            assertEquals(4L, raw.openMap("meta").get("format"), "the store declares the journal's record kind");
            MVMap<String, String> registry = raw.openMap("views");
            for (String view : acked.keySet()) {
                String entry = registry.get(view);
                MVMap<String, Long> meta = raw.openMap("view." + entry.substring(0, entry.indexOf('\n')) + ".meta");
                assertTrue(
                        meta.get("position") < acked.get(view),
                        view + ": the store file already holds the acknowledged refresh; nothing tests the journal");
            }
        } finally {
            raw.close();
        }
        try (DeltaLog log = DeltaLog.builder().path(file).readOnly(true).open()) {
            checkViews(log, acked, "read-only open");
        }
        try (DeltaLog log = DeltaLog.open(file)) {
            checkViews(log, acked, "read-write open");
            for (Map.Entry<String, ViewDefinition> e :
                    ViewWorkload.definitions().entrySet()) {
                View v = log.view(e.getKey(), e.getValue());
                Refresh r = v.refresh();
                assertEquals(log.lastCommitted(), r.position(), e.getKey() + " refreshed to the log's end");
                assertEquals(
                        ViewReference.compute(v.definition(), ViewKillLoopTest.replay(log, r.position())),
                        ViewReference.rowsOf(v),
                        e.getKey() + " after a refresh past the replayed records");
            }
        }
    }

    private static void checkViews(DeltaLog log, Map<String, Long> acked, String how) {
        for (Map.Entry<String, ViewDefinition> e : ViewWorkload.definitions().entrySet()) {
            String name = e.getKey();
            View v = log.view(name, e.getValue());
            long p = v.position();
            assertEquals((long) acked.get(name), p, how + ": " + name + " at its last acknowledged refresh");
            assertEquals(
                    ViewReference.compute(v.definition(), ViewKillLoopTest.replay(log, p)),
                    ViewReference.rowsOf(v),
                    how + ": " + name + " at its position " + p);
            Consumer c = log.consumer("view:" + name);
            assertEquals(p, c.position(), how + ": " + name + "'s consumer");
            assertTrue(c.lastAdvanced().isPresent(), how + ": " + name + "'s consumer has a last advance");
        }
    }

    /** Runs the child until it holds, kills it and returns each view's last acknowledged position. */
    private Map<String, Long> runAndKill(Path file, long seed, String durability) throws Exception {
        Path stdout = dir.resolve("hold.out");
        Path stderr = dir.resolve("hold.err");
        Process child = ChildJvm.start(
                "256m",
                false,
                ViewHoldChild.class,
                stdout,
                stderr,
                file.toString(),
                Long.toString(seed),
                durability,
                "4");
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (!lines(stdout).contains("HELD")) {
                if (!child.isAlive() || System.nanoTime() > deadline) {
                    fail("child ended or hung before it held: " + Files.readString(stderr));
                }
                Thread.sleep(5);
            }
        } finally {
            child.destroyForcibly(); // SIGKILL on Linux
            child.waitFor();
        }
        String errors = Files.readString(stderr);
        assertTrue(errors.isBlank(), () -> "child wrote to stderr: " + errors);
        Map<String, Long> acked = new HashMap<>();
        for (String line : lines(stdout)) {
            if (line.startsWith("REFRESH ")) {
                String[] f = line.split(" ");
                acked.put(f[1], Long.parseLong(f[2]));
            }
        }
        return acked;
    }

    private static List<String> lines(Path p) throws IOException {
        if (!Files.exists(p)) {
            return List.of();
        }
        String s = Files.readString(p, StandardCharsets.US_ASCII);
        int end = s.lastIndexOf('\n');
        return end < 0 ? List.of() : List.of(s.substring(0, end).split("\n"));
    }
}
