package io.github.deltalog.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.deltalog.ChangeSet;
import io.github.deltalog.ColumnType;
import io.github.deltalog.Delta;
import io.github.deltalog.DeltaLog;
import io.github.deltalog.SchemaChange;
import io.github.deltalog.TableSchema;
import io.github.deltalog.Tuple;
import io.github.deltalog.json.DeltaJson;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** stats, dump and purge on a small log written by the test. */
class FileCommandsTest {
    @TempDir
    Path dir;

    private Path file;
    private long[] ts;

    @BeforeEach
    void writeLog() {
        file = dir.resolve("app.deltas");
        ts = SampleLog.write(file);
    }

    private static List<Delta> parse(Cli.Result r) {
        assertEquals(0, r.exitCode(), r::toString);
        assertEquals("", r.err(), r::toString);
        List<Delta> deltas = new ArrayList<>();
        for (String line : r.lines()) {
            deltas.add(DeltaJson.fromJson(line));
        }
        return deltas;
    }

    private List<Delta> logDeltas(List<String> tables, long after, boolean merged) {
        try (DeltaLog log = DeltaLog.builder().path(file).readOnly(true).open()) {
            ChangeSet cs = merged ? log.mergedChangesAfter(tables, after) : log.changesAfter(tables, after);
            return cs.deltas();
        }
    }

    private static final List<String> BOTH = Arrays.asList(SampleLog.CUSTOMERS, SampleLog.ORDERS);

    @Test
    void dumpReadsBackAsTheLogsDeltasInCommitOrder() {
        List<Delta> dumped = parse(Cli.run("dump", "--schema", file.toString()));
        List<Delta> expected = logDeltas(BOTH, Long.MIN_VALUE, false);
        assertEquals(13, expected.size());
        assertEquals(expected, dumped);
        String first = Cli.run("dump", file.toString()).lines()[0];
        assertTrue(first.startsWith("{\"before\":null,\"after\":{\"c0\":"), first);
        assertTrue(first.contains("\"table\":\"customers\",\"rowId\":1,\"commitTimestamp\":" + ts[0]), first);
        assertTrue(first.contains("\"op\":\"c\""), first);
        String positional = Cli.run("dump", "--positional", file.toString()).lines()[0];
        assertTrue(positional.startsWith("{\"op\":\"c\",\"before\":null,\"after\":["), positional);
        assertEquals(expected, parse(Cli.run("dump", "--positional", file.toString())));
    }

    @Test
    void dumpNamesColumnsByTheSchemaVersionOfEachDeltaAndStatsShowsTheVersions() {
        Path schemaFile = dir.resolve("named.deltas");
        Delta first;
        Delta second;
        try (DeltaLog log = DeltaLog.open(schemaFile)) {
            log.track(
                    "items",
                    TableSchema.builder()
                            .column("id", ColumnType.LONG)
                            .nullableColumn("name", ColumnType.STRING)
                            .key("id")
                            .build());
            log.recordInsert("items", 1, Tuple.of(1L, "pen"));
            log.alterTable("items", SchemaChange.renameColumn("name", "label"));
            log.alterTable("items", SchemaChange.addColumn("price", ColumnType.DECIMAL, true, null));
            log.recordInsert("items", 2, Tuple.of(2L, "ink", new BigDecimal("3.50")));
            List<Delta> all =
                    log.changesAfter(List.of("items"), DeltaLog.FROM_OLDEST).deltas();
            first = all.get(0);
            second = all.get(1);
        }
        String[] lines = Cli.run("dump", schemaFile.toString()).lines();
        assertEquals(2, lines.length);
        assertTrue(lines[0].startsWith("{\"before\":null,\"after\":{\"id\":1,\"name\":\"pen\"},"), lines[0]);
        assertTrue(lines[0].contains("\"db\":\"named.deltas\",\"table\":\"items\""), lines[0]);
        assertTrue(
                lines[1].startsWith("{\"before\":null,\"after\":{\"id\":2,\"label\":\"ink\",\"price\":\"3.50\"},"),
                lines[1]);
        assertEquals(List.of(first, second), parse(Cli.run("dump", "--schema", schemaFile.toString())));
        String stats = Cli.run("stats", schemaFile.toString()).out();
        assertTrue(stats.contains("v1   since "), stats);
        assertTrue(stats.contains(": id LONG key, name STRING null"), stats);
        assertTrue(stats.contains(": id LONG key, label STRING null, price DECIMAL null"), stats);
        String json = Cli.run("stats", "--json", schemaFile.toString()).out();
        assertTrue(json.contains("\"schemas\":[{\"version\":1,\"since\":"), json);
        assertTrue(json.contains("{\"name\":\"price\",\"type\":\"DECIMAL\",\"nullable\":true,\"key\":false}"), json);
    }

    @Test
    void dumpFiltersByTableAndPosition() {
        List<String> orders = Collections.singletonList(SampleLog.ORDERS);
        assertEquals(
                logDeltas(orders, Long.MIN_VALUE, false),
                parse(Cli.run("dump", "--schema", file.toString(), "--table", SampleLog.ORDERS)));
        assertEquals(
                logDeltas(BOTH, ts[1], false),
                parse(Cli.run("dump", "--schema", file.toString(), "--after", "" + ts[1])));
        assertEquals(
                4,
                parse(Cli.run("dump", "--schema", file.toString(), "--after", "" + ts[1]))
                        .size());
        assertEquals(
                0,
                parse(Cli.run("dump", "--schema", file.toString(), "--after", "" + ts[3]))
                        .size());
        assertEquals(
                logDeltas(BOTH, Long.MIN_VALUE, false),
                parse(Cli.run("dump", "--schema", file.toString(), "--after", "1970-01-01T00:00:00Z")));
        Cli.Result unknown = Cli.run("dump", file.toString(), "--table", "nope");
        assertEquals(2, unknown.exitCode(), unknown::toString);
        assertTrue(unknown.err().startsWith("deltalog: ") && unknown.err().contains("nope"), unknown::toString);
    }

    @Test
    void statsDumpAndVerifySeeATableUntrackedSince() {
        try (DeltaLog log = DeltaLog.open(file)) {
            log.untrack(SampleLog.ORDERS);
        }
        assertEquals(logDeltas(BOTH, Long.MIN_VALUE, false), parse(Cli.run("dump", "--schema", file.toString())));
        Cli.Result stats = Cli.run("stats", file.toString());
        assertEquals(0, stats.exitCode(), stats::toString);
        assertTrue(stats.out().contains("tables          2"), stats::toString);
        assertTrue(stats.out().contains(SampleLog.ORDERS) && stats.out().contains("(untracked)"), stats::toString);
        Cli.Result verify = Cli.run("verify", file.toString());
        assertEquals(0, verify.exitCode(), verify::toString);
        assertTrue(verify.out().contains("verified 13 deltas in 2 tables"), verify::toString);
    }

    @Test
    void mergedDumpEqualsMergedChanges() {
        List<Delta> merged = parse(Cli.run("dump", "--schema", file.toString(), "--merged"));
        assertEquals(logDeltas(BOTH, Long.MIN_VALUE, true), merged);
        assertEquals(6, merged.size()); // orders 1, 3, 4, 5 (2 and 6 came and went); customers 1, 2
        assertEquals(
                logDeltas(BOTH, ts[0], true),
                parse(Cli.run("dump", "--schema", file.toString(), "--merged", "--after", "" + ts[0])));
    }

    @Test
    void statsShowsTablesCountsRangeAndConsumers() {
        Cli.Result r = Cli.run("stats", file.toString());
        assertEquals(0, r.exitCode(), r::toString);
        String out = r.out();
        assertTrue(out.contains("tables          2"), out);
        assertTrue(out.contains("customers     3 deltas, first at " + ts[0]), out);
        assertTrue(out.contains("orders        10 deltas, first at " + ts[0]), out);
        assertTrue(out.contains("deltas          13"), out);
        assertTrue(
                out.contains("time range      " + Timestamps.format(ts[0]) + " .. " + Timestamps.format(ts[3])), out);
        assertTrue(out.contains("low-water mark  0 (nothing purged)"), out);
        assertTrue(out.contains("consumers       1"), out);
        assertTrue(out.contains("sync           at " + Timestamps.format(ts[0]) + ", 7 deltas behind"), out);
        assertTrue(out.contains("size            "), out);
    }

    @Test
    void statsKeepsALongTableNameApartFromItsCount() {
        Path longNames = dir.resolve("long-names.deltas");
        try (DeltaLog log = DeltaLog.open(longNames)) {
            log.track("warehouse_movements_2026");
            log.recordInsert("warehouse_movements_2026", 1, Tuple.of(1L));
        }
        String out = Cli.run("stats", longNames.toString()).out();
        assertTrue(out.contains("  warehouse_movements_2026 1 deltas, first at "), out);
    }

    @Test
    void purgeBeforeRemovesOlderDeltas() {
        Cli.Result r = Cli.run("purge", file.toString(), "--before", "" + ts[2]);
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.out().startsWith("purged 9 deltas from "), r::toString);
        try (DeltaLog log = DeltaLog.builder().path(file).readOnly(true).open()) {
            assertEquals(4, log.countAll());
            assertEquals(ts[1], log.oldestRetained());
        }
        assertEquals(logDeltas(BOTH, ts[1], false), parse(Cli.run("dump", "--schema", file.toString())));
        assertTrue(Cli.run("stats", file.toString()).out().contains("STALE"));
    }

    @Test
    void purgeWithoutBeforeAppliesTheRetentionPolicy() {
        Cli.Result r = Cli.run("purge", file.toString());
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.out().startsWith("purged 6 deltas from "), r::toString); // what consumer 'sync' has read
        try (DeltaLog log = DeltaLog.builder().path(file).readOnly(true).open()) {
            assertEquals(7, log.countAll());
        }
    }

    @Test
    void everyCommandHasHelp() {
        for (String command : new String[] {"demo", "stats", "dump", "purge", "verify", "consumers", "compact"}) {
            Cli.Result r = Cli.run(command, "--help");
            assertEquals(0, r.exitCode(), r::toString);
            assertTrue(r.out().startsWith("Usage: deltalog " + command), r::toString);
        }
        Cli.Result top = Cli.run("--help");
        assertEquals(0, top.exitCode(), top::toString);
        for (String command : new String[] {"demo", "stats", "dump", "purge", "verify", "consumers", "compact"}) {
            assertTrue(top.out().contains("  " + command + " "), top::toString);
        }
    }
}
