package io.github.deltalog.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.deltalog.DeltaLog;
import io.github.deltalog.DeltaTransaction;
import io.github.deltalog.Tuple;
import io.github.deltalog.json.DeltaJson;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * consumers (list, drop, reset), purge saying what holds deltas back and the file size, compact, stats --json,
 * and the polish: suggestions, refused and accepted --after values, singular counts, dump | head.
 */
class MaintenanceCommandsTest {
    @TempDir
    Path dir;

    private Path file;
    private long[] ts;

    @BeforeEach
    void writeLog() {
        file = dir.resolve("app.deltas");
        ts = SampleLog.write(file); // consumer 'sync' has read the first transaction (6 deltas) of 13
    }

    private static Cli.Result ok(String... args) {
        Cli.Result r = Cli.run(args);
        assertEquals(0, r.exitCode(), r::toString);
        return r;
    }

    @Test
    void consumersListsPositionLagAndLastAdvance() {
        Cli.Result r = ok("consumers", file.toString());
        assertTrue(r.out().startsWith(file + ": 1 consumer\n"), r::toString);
        assertTrue(r.out().contains("  'sync'\n    position      " + ts[0] + " ("), r::toString);
        assertTrue(r.out().contains("    lag           7 deltas behind\n"), r::toString);
        assertTrue(r.out().matches("(?s).*    last advance  \\d{4}-\\d\\d-\\d\\dT.*Z\n.*"), r::toString);
    }

    @Test
    void consumersDropAndResetChangeTheLog() {
        Cli.Result reset = ok("consumers", "reset", file.toString(), "sync");
        assertTrue(reset.out().startsWith("reset consumer 'sync' of " + file + " from " + ts[0]), reset::toString);
        try (DeltaLog log = DeltaLog.builder().path(file).readOnly(true).open()) {
            assertEquals(ts[3], log.findConsumer("sync").orElseThrow().position());
        }
        Cli.Result drop = ok("consumers", "drop", file.toString(), "sync");
        assertTrue(drop.out().startsWith("dropped consumer 'sync' of " + file), drop::toString);
        try (DeltaLog log = DeltaLog.builder().path(file).readOnly(true).open()) {
            assertEquals(List.of(), log.consumers());
        }
        Cli.Result missing = Cli.run("consumers", "drop", file.toString(), "sync");
        assertEquals(Main.EXIT_ERROR, missing.exitCode(), missing::toString);
        assertEquals(
                "deltalog: no consumer 'sync' in " + file + " (it has no consumers)\n",
                missing.err(),
                missing::toString);
        assertTrue(ok("consumers", file.toString()).out().startsWith(file + ": 0 consumers"));
    }

    @Test
    void purgeNamesTheConsumerThatHoldsDeltasBackAndPrintsTheSizes() {
        Cli.Result r = ok("purge", file.toString());
        String[] lines = r.lines();
        assertTrue(lines[0].startsWith("purged 6 deltas from " + file + "; 7 deltas left"), r::toString);
        assertEquals(
                "consumer 'sync' holds back 7 deltas it has not read (see 'deltalog consumers'; drop it if it no"
                        + " longer reads)",
                lines[1],
                r::toString);
        assertTrue(lines[2].matches("file size .*bytes\\) -> .*bytes\\).*"), r::toString);

        ok("consumers", "drop", file.toString(), "sync");
        Cli.Result none = ok("purge", file.toString());
        assertTrue(none.lines()[1].startsWith("the log has no consumers"), none::toString);
    }

    @Test
    void compactAndPurgeCompactShrinkAFileThatPurgesLeftEmpty() throws Exception {
        try (DeltaLog log = DeltaLog.open(file)) {
            for (int t = 0; t < 200; t++) {
                try (DeltaTransaction tx = log.begin()) {
                    for (int i = 0; i < 100; i++) {
                        tx.insert(SampleLog.ORDERS, 1000L + t * 100L + i, Tuple.of(t, i, "x".repeat(80)));
                    }
                    tx.commit();
                }
            }
        }
        long full = Files.size(file);
        Cli.Result purge = ok("purge", file.toString(), "--before", "" + Long.MAX_VALUE);
        assertTrue(purge.out().contains("--compact shrinks the file"), purge::toString);
        Cli.Result compact = ok("compact", file.toString());
        assertTrue(compact.out().startsWith("compacted " + file + ": "), compact::toString);
        long after = Files.size(file);
        // The target: at most 1.5 times the live data + 1 MB; nothing is live here.
        assertTrue(after <= (1 << 20) && after < full, full + " -> " + after + "\n" + compact);
        assertTrue(compact.out().contains("(" + String.format("%,d", after) + " bytes)"), compact::toString);
    }

    @Test
    void statsJsonIsOneObjectWithTablesAndConsumers() {
        String json = ok("stats", "--json", file.toString()).out();
        assertEquals(1, json.lines().count(), json);
        assertTrue(json.startsWith("{\"file\":\"" + file.toString().replace("\\", "\\\\") + "\",\"sizeBytes\":"), json);
        assertTrue(json.contains("\"deltas\":13,\"lastCommitted\":" + ts[3] + ",\"oldestRetained\":0"), json);
        assertTrue(
                json.contains("{\"name\":\"orders\",\"deltas\":10,\"firstCommit\":" + ts[0]
                        + ",\"tracked\":true,\"schemas\":[]}"),
                json);
        assertTrue(json.contains("{\"name\":\"sync\",\"position\":" + ts[0] + ",\"stale\":false,\"lag\":7,"), json);
    }

    @Test
    void aMistypedCommandGetsASuggestion() {
        Cli.Result r = Cli.run("stat", file.toString());
        assertEquals(Main.EXIT_ERROR, r.exitCode(), r::toString);
        assertTrue(r.err().contains("did you mean 'stats'?"), r::toString);
        Cli.Result c = Cli.run("consumer", file.toString());
        assertTrue(c.err().contains("did you mean 'consumers'"), c::toString);
    }

    @Test
    void afterRefusesNegativeAndOutOfRangeValuesAndTakesADate() {
        Cli.Result negative = Cli.run("dump", file.toString(), "--after", "-1");
        assertEquals(Main.EXIT_ERROR, negative.exitCode(), negative::toString);
        assertTrue(negative.err().contains("'-1' is negative"), negative::toString);
        Cli.Result huge = Cli.run("dump", file.toString(), "--after", "99999999999999999999");
        assertEquals(Main.EXIT_ERROR, huge.exitCode(), huge::toString);
        assertTrue(huge.err().contains("is out of range"), huge::toString);
        Cli.Result beyond = Cli.run("dump", file.toString(), "--after", "" + (ts[3] + 1));
        assertEquals(Main.EXIT_ERROR, beyond.exitCode(), beyond::toString);
        assertTrue(beyond.err().contains("is beyond the log's last commit"), beyond::toString);
        assertEquals(13, ok("dump", file.toString(), "--after", "2000-01-01").lines().length);
        assertEquals(0, ok("dump", file.toString(), "--after", "" + ts[3]).lines().length);
        Cli.Result date = Cli.run("purge", file.toString(), "--before", "2000-01-01");
        assertTrue(date.out().startsWith("purged 0 deltas"), date::toString);
        assertEquals(946_684_800_000_000L, Timestamps.parse("2000-01-01"));
    }

    @Test
    void oneTableAndOneConsumerAreSingular() throws Exception {
        Path single = dir.resolve("single.deltas");
        try (DeltaLog log = DeltaLog.open(single)) {
            log.track("t");
            log.recordInsert("t", 1, Tuple.of(1));
            log.consumer("view", 0);
        }
        Cli.Result r = ok("verify", single.toString());
        assertTrue(r.out().contains("verified 1 delta in 1 table and 1 consumer of "), r::toString);
    }

    @Test
    void dumpIntoAPipeThatIsClosedEarlyEndsQuietly() throws Exception {
        try (DeltaLog log = DeltaLog.open(file)) {
            for (int t = 0; t < 50; t++) {
                try (DeltaTransaction tx = log.begin()) {
                    for (int i = 0; i < 1000; i++) {
                        tx.insert(SampleLog.ORDERS, 1000L + t * 1000L + i, Tuple.of(t, i));
                    }
                    tx.commit();
                }
            }
        }
        Process p = new ProcessBuilder(
                        System.getProperty("java.home") + File.separator + "bin" + File.separator + "java",
                        "-cp",
                        System.getProperty("java.class.path"),
                        Main.class.getName(),
                        "dump",
                        file.toString())
                .redirectError(dir.resolve("err.txt").toFile())
                .start();
        List<String> head = new ArrayList<>();
        try (BufferedReader in =
                new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            head.add(in.readLine()); // as 'head -1' does: read a line, then close the pipe
        }
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "dump did not end after its reader went away");
        String err = Files.readString(dir.resolve("err.txt"));
        assertEquals(0, p.exitValue(), err);
        assertFalse(err.contains("Exception") || err.contains("deltalog:"), err);
        assertEquals(ts[0], DeltaJson.fromJson(head.get(0)).commitTimestamp());
    }
}
