package io.github.deltalog.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.deltalog.DeltaLog;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo at small sizes: every check matches, the summary says so, and a second run replaces the first. */
class DemoCommandTest {
    @TempDir
    Path dir;

    private Cli.Result demo(Path file, String... more) {
        String[] args = new String[6 + more.length];
        String[] base = {"demo", "--file", file.toString(), "--rows", "300", "--changes"};
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(more, 0, args, base.length, more.length);
        return Cli.run(args);
    }

    @Test
    void tinyDemoMatchesEveryTimeAndPrintsASummary() {
        Path file = dir.resolve("demo.deltas");
        Cli.Result r = demo(file, "3000", "--refresh-every", "250", "--customers", "20", "--seed", "7");
        assertEquals(0, r.exitCode(), r::toString);
        String out = r.out();
        assertTrue(out.startsWith("deltalog demo: 300 orders, then 3,000 changes"), out);
        assertTrue(out.contains("deltas recorded     3,320 "), out); // 300 orders, 20 customers, 3,000 changes
        assertTrue(out.contains("view 1              revenue per customer"), out);
        assertTrue(out.contains("view 2              revenue per region (orders joined with customers"), out);
        assertTrue(out.contains("  merged deltas     "), out);
        assertTrue(out.contains("applied in 12 refreshes"), out);
        assertTrue(out.contains("  incremental       "), out);
        assertTrue(out.contains("  full recompute    "), out);
        assertTrue(out.contains("full / incremental = "), out);
        assertTrue(out.contains("checks              26 of 26 matched"), out);
        assertTrue(out.contains("result              OK"), out);
        assertTrue(out.contains("log file            " + file), out);
        assertTrue(r.err().contains("changes: ") && r.err().contains("100%"), r::toString);

        try (DeltaLog log = DeltaLog.builder().path(file).readOnly(true).open()) {
            assertEquals(3320, log.countAll());
            assertEquals(java.util.List.of("view:revenue-per-customer", "view:revenue-per-region"), log.consumers());
        }
        assertFalse(Files.exists(dir.resolve("demo.deltas.revenue.view")), "view state lives in the log, no side file");

        Cli.Result again = demo(file, "1000", "--refresh-every", "1000");
        assertEquals(0, again.exitCode(), again::toString);
        // 300 orders, 1,000 customers (the default), 1,000 changes
        assertTrue(again.out().contains("deltas recorded     2,300 "), again::toString);
    }

    @Test
    void demoWithoutChangesStillChecksAfterReopening() {
        Cli.Result r = demo(dir.resolve("empty.deltas"), "0");
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.out().contains("checks              2 of 2 matched"), r::toString);
    }
}
