package io.github.deltalog.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.deltalog.Delta;
import io.github.deltalog.DeltaLog;
import io.github.deltalog.json.DeltaJson;
import io.github.deltalog.json.NamedEnvelope;
import io.github.deltalog.json.TableColumns;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code deltalog diff}: the net change between two positions, as the library computes it. */
class DiffCommandTest {
    private static final List<String> BOTH = Arrays.asList(SampleLog.CUSTOMERS, SampleLog.ORDERS);

    @TempDir
    Path dir;

    private Path file;
    private long[] ts;

    @BeforeEach
    void writeLog() {
        file = dir.resolve("app.deltas");
        ts = SampleLog.write(file);
    }

    private List<Delta> libraryDiff(long from, long to) {
        try (DeltaLog log = DeltaLog.builder().path(file).readOnly(true).open()) {
            return log.diff(BOTH, from, to).deltas();
        }
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

    @Test
    void diffWritesTheNetChangesBetweenTwoPositions() {
        List<Delta> expected = libraryDiff(ts[0], ts[2]);
        assertTrue(!expected.isEmpty());
        String f = file.toString();
        // --schema: the named form with Connect's schema block, which reads back as the exact values
        assertEquals(expected, parse(Cli.run("diff", f, "--schema", "--from", "" + ts[0], "--to", "" + ts[2])));
        assertEquals(libraryDiff(ts[1], Long.MAX_VALUE), parse(Cli.run("diff", f, "--schema", "--from", "" + ts[1])));
        assertEquals(
                0,
                parse(Cli.run("diff", f, "--from", "" + ts[2], "--to", "" + ts[2]))
                        .size());
        // --positional: the older form, exact as well
        String[] positional = Cli.run("diff", f, "--positional", "--from", "" + ts[0], "--to", "" + ts[2])
                .lines();
        assertTrue(positional[0].contains("\"after\":["), positional[0]);
        assertEquals(expected, parse(Cli.run("diff", f, "--positional", "--from", "" + ts[0], "--to", "" + ts[2])));
    }

    @Test
    void diffWritesTheNamedFormByDefaultAsDumpDoes() {
        List<Delta> expected = libraryDiff(ts[0], ts[3]);
        Cli.Result r = Cli.run("diff", file.toString(), "--from", "" + ts[0], "--to", "" + ts[3]);
        String[] lines = r.lines();
        assertEquals(expected.size(), lines.length, r::toString);
        String[] withSchema = Cli.run("diff", file.toString(), "--schema", "--from", "" + ts[0], "--to", "" + ts[3])
                .lines();
        try (DeltaLog log = DeltaLog.builder().path(file).readOnly(true).open()) {
            for (int i = 0; i < lines.length; i++) {
                Delta d = expected.get(i);
                String image = d.op().after() != null ? "\"after\":{\"c0\":" : "\"before\":{\"c0\":";
                assertTrue(lines[i].startsWith("{\"before\":") && lines[i].contains(image), lines[i]);
                // the plain line is the schema'd line's payload, which reads back as the recorded delta
                assertTrue(withSchema[i].startsWith("{\"schema\":"), withSchema[i]);
                assertTrue(withSchema[i].endsWith(",\"payload\":" + lines[i] + "}"), withSchema[i]);
                assertEquals(d, DeltaJson.fromJson(withSchema[i]), withSchema[i]);
                StringBuilder named = new StringBuilder();
                NamedEnvelope.appendValue(
                        named, d, TableColumns.of(log, d), file.getFileName().toString(), false);
                assertEquals(named.toString(), lines[i]);
            }
        }
        Cli.Result both = Cli.run("diff", file.toString(), "--schema", "--positional", "--from", "" + ts[0]);
        assertEquals(2, both.exitCode(), both::toString);
        assertTrue(both.err().contains("--schema and --positional exclude each other"), both.err());
    }

    @Test
    void dumpAndDiffWriteDecimalsAndTimesAsNumbersWhenAsked() {
        String f = file.toString();
        String[] numeric = {"--decimals", "number", "--times", "micros"};
        List<Delta> all;
        try (DeltaLog log = DeltaLog.builder().path(file).readOnly(true).open()) {
            all = log.changesAfter(BOTH, DeltaLog.FROM_OLDEST).deltas();
        }
        // the first line is the customer's insert, the second an order's: 2024-01-02, 10:11:12.5,
        // 2024-01-02T10:11:12 and 9.50 as numbers
        String[] dump = Cli.run(cat(new String[] {"dump", f}, numeric)).lines();
        assertTrue(dump[0].contains("\"c12\":19724,\"c13\":36672500000,\"c14\":1704190272000000,"), dump[0]);
        assertTrue(dump[1].contains("\"c2\":9.50,"), dump[1]);
        // with the schema block they read back exactly, as the default encoding does
        List<Delta> dumped = parse(Cli.run(cat(new String[] {"dump", "--schema", f}, numeric)));
        assertEquals(all.size(), dumped.size());
        assertEquals(logDeltasInCommitOrder(all), dumped);
        assertEquals(
                libraryDiff(ts[0], ts[3]),
                parse(Cli.run(cat(new String[] {"diff", f, "--schema", "--from", "" + ts[0]}, numeric))));
        for (String command : new String[] {"dump", "diff"}) {
            Cli.Result r = Cli.run(command, f, "--positional", "--decimals", "number", "--from", "" + ts[0]);
            if (command.equals("dump")) {
                r = Cli.run(command, f, "--positional", "--times", "micros");
            }
            assertEquals(2, r.exitCode(), r::toString);
            assertTrue(r.err().contains("--decimals and --times apply to the named form, not --positional"), r.err());
        }
    }

    private static List<Delta> logDeltasInCommitOrder(List<Delta> deltas) {
        List<Delta> sorted = new ArrayList<>(deltas);
        sorted.sort(io.github.deltalog.ChangeSet.COMMIT_ORDER);
        return sorted;
    }

    private static String[] cat(String[] a, String[] b) {
        String[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void diffRefusesABackwardRange() {
        Cli.Result r = Cli.run("diff", file.toString(), "--from", "" + ts[2], "--to", "" + ts[0]);
        assertEquals(2, r.exitCode(), r::toString);
        assertTrue(r.err().startsWith("deltalog: --from " + ts[2] + " is after --to " + ts[0]), r.err());
    }
}
