package io.github.deltalog.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.deltalog.Delta;
import io.github.deltalog.DeltaLog;
import io.github.deltalog.json.DeltaJson;
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
        assertEquals(expected, parse(Cli.run("diff", file.toString(), "--from", "" + ts[0], "--to", "" + ts[2])));
        assertEquals(libraryDiff(ts[1], Long.MAX_VALUE), parse(Cli.run("diff", file.toString(), "--from", "" + ts[1])));
        assertEquals(
                0,
                parse(Cli.run("diff", file.toString(), "--from", "" + ts[2], "--to", "" + ts[2]))
                        .size());
    }

    @Test
    void diffRefusesABackwardRange() {
        Cli.Result r = Cli.run("diff", file.toString(), "--from", "" + ts[2], "--to", "" + ts[0]);
        assertEquals(2, r.exitCode(), r::toString);
        assertTrue(r.err().startsWith("deltalog: --from " + ts[2] + " is after --to " + ts[0]), r.err());
    }
}
