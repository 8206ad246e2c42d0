package io.github.deltalog.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.deltalog.CorruptLogException;
import io.github.deltalog.DamagedPageException;
import io.github.deltalog.Delta;
import io.github.deltalog.DeltaCursor;
import io.github.deltalog.DeltaLog;
import io.github.deltalog.DeltaLogException;
import io.github.deltalog.DeltaTransaction;
import io.github.deltalog.Tuple;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A damaged page in the middle of a table (issue 17): a cursor throws {@link DamagedPageException} saying how many
 * deltas it hides, and goes on with the deltas after it; every delta it returns is one that was written, the walk
 * always ends, and what it walked, hid and rejected adds up to the table's count unless the damage hit the counts
 * themselves. Blocks of a real file are zeroed one at a time.
 */
class DamagedPageTest {
    private static final int DELTAS = 30_000;

    @TempDir
    Path dir;

    @Test
    void aCursorReportsADamagedPageAndGoesOnAfterIt() throws IOException {
        Path full = dir.resolve("full.deltas");
        Map<Long, Delta> written = new HashMap<>();
        try (DeltaLog log = DeltaLog.open(full)) {
            log.track("t");
            for (int tx = 0; tx < DELTAS / 100; tx++) {
                try (DeltaTransaction t = log.begin()) {
                    for (int i = 0; i < 100; i++) {
                        long row = tx * 100L + i;
                        t.insert("t", row, Tuple.of(row, "row number " + row));
                    }
                    t.commit();
                }
            }
            try (DeltaCursor c = log.changesAfter("t", 0L)) {
                for (Delta d : c) {
                    written.put(d.rowId(), d);
                }
            }
        }
        byte[] bytes = Files.readAllBytes(full);
        Path file = dir.resolve("damaged.deltas");
        Path journal = dir.resolve("damaged.deltas.journal");
        int damagedCases = 0;
        int goneOn = 0;
        int refused = 0;
        int exact = 0;
        for (int block = 4; block * 4096 < bytes.length - 8192; block += 7) {
            byte[] b = bytes.clone();
            java.util.Arrays.fill(b, block * 4096, block * 4096 + 4096, (byte) 0);
            Files.write(file, b);
            Files.copy(full.resolveSibling("full.deltas.journal"), journal, StandardCopyOption.REPLACE_EXISTING);
            DeltaLog log;
            try {
                log = DeltaLog.builder().path(file).readOnly(true).open();
            } catch (CorruptLogException e) {
                assertTrue(e.getMessage().contains("damaged.deltas"), e.getMessage());
                refused++;
                continue;
            }
            try (log) {
                long counted = log.count("t", 0L);
                long walked = 0;
                long hidden = 0;
                long rejected = 0;
                boolean damaged = false;
                boolean after = false;
                try (DeltaCursor c = log.changesAfter("t", 0L)) {
                    while (true) {
                        try {
                            if (!c.hasNext()) {
                                break;
                            }
                            Delta d = c.next();
                            walked++;
                            assertEquals(written.get(d.rowId()), d, "a delta that was never written");
                            after |= damaged;
                        } catch (DamagedPageException e) {
                            assertTrue(e.getMessage().contains("damaged.deltas"), e.getMessage());
                            assertTrue(e.skippedDeltas() > 0);
                            hidden += e.skippedDeltas();
                            damaged = true;
                        } catch (CorruptLogException e) {
                            rejected++;
                            if (rejected > counted) {
                                throw new AssertionError(
                                        "block " + block + ": the walk does not end: counted " + counted + " walked "
                                                + walked + " hidden " + hidden + " rejected " + rejected,
                                        e);
                            }
                        }
                    }
                } catch (DeltaLogException e) {
                    throw new AssertionError("block " + block + ": the cursor could not go on", e);
                }
                if (damaged) {
                    damagedCases++;
                    goneOn += after ? 1 : 0;
                    // Exact unless the damage hit the counts in an inner page, which the skip navigates by.
                    exact += counted == walked + hidden + rejected ? 1 : 0;
                } else {
                    assertEquals(counted, walked + rejected, "block " + block + ": walked and rejected");
                }
            }
        }
        System.out.printf(
                "DamagedPageTest: %d damaged-page cases (%d went on after the damage, %d counted exactly), %d refused"
                        + " at open%n",
                damagedCases, goneOn, exact, refused);
        assertTrue(goneOn > 0, "no zeroed block gave a damaged page that the cursor went on after");
        assertTrue(exact > 0, "no damaged page was counted exactly");
    }
}
