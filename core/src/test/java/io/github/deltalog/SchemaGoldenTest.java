package io.github.deltalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.deltalog.store.DeltaCodec;
import io.github.deltalog.store.DeltaKey;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Format 3 (schema versions) stays readable, and the formats before it open unchanged and take schemas: the
 * committed golden file of format 3 (written by {@link SchemaGolden}) reads as its listing, the stored schema
 * versions encode byte for byte as pinned here, and the golden files of formats 1 and 2 read as their listings,
 * then accept a schema and keep it across a reopen. A failure here means a format change: add a new golden file
 * and format version instead of editing these.
 */
class SchemaGoldenTest {
    // Sealed schema versions 1, 2 and 5 of the golden file under the key (0, 1714979289123460, 2).
    private static final String HEX_V1 =
            "5a83c425010c1a1d066f72646572731902190a190819021d0269641d03494e5416000019041d046e616d651d06535452494e4716000019061d06616d6f756e741d07444543494d414c16010019081d037174791d0553484f525416000019021d026964";
    private static final String HEX_V2 =
            "88bf0896010c1f1d066f72646572731904190c190a19021d0269641d03494e5416000019041d046e616d651d06535452494e4716000019061d06616d6f756e741d07444543494d414c16010019081d037174791d0553484f5254160000190a1d067374617475731d06535452494e4716001d036e657719021d026964";
    private static final String HEX_V5 =
            "9387d94f010c1a1d066f7264657273190a190c190819021d0269641d03494e5416000019041d08637573746f6d65721d06535452494e4716000019081d037174791d044c4f4e47160000190a1d067374617475731d06535452494e4716001d036e657719021d026964";

    @TempDir
    Path dir;

    @Test
    void formatThreeGoldenFileReadsAsItsListing() throws IOException {
        Path file = copy("format-v3");
        try (DeltaLog log = DeltaLog.builder().path(file).readOnly(true).open()) {
            assertEquals(listing("format-v3"), SchemaGolden.listing(log));
        }
        try (DeltaLog log = DeltaLog.open(file)) {
            assertEquals(listing("format-v3"), SchemaGolden.listing(log));
            assertEquals(5, log.schema(SchemaGolden.ORDERS).orElseThrow().version());
            SchemaMismatchException e = org.junit.jupiter.api.Assertions.assertThrows(
                    SchemaMismatchException.class,
                    () -> log.recordInsert(SchemaGolden.ORDERS, 9L, Tuple.of(9, "dan", new BigDecimal("1"), 1L, "x")));
            assertTrue(e.getMessage().contains("5 columns") || e.getMessage().contains("has 4 columns"), e::getMessage);
            log.recordInsert(SchemaGolden.ORDERS, 9L, Tuple.of(9, "dan", 1L, "x"));
        }
    }

    @Test
    void storedSchemaVersionsAreByteForByteUnchanged() throws IOException {
        try (DeltaLog log =
                DeltaLog.builder().path(copy("format-v3")).readOnly(true).open()) {
            List<TableSchema> history = log.schemaHistory(SchemaGolden.ORDERS);
            assertEquals(5, history.size());
            assertEquals(HEX_V1, sealed(history.get(0)));
            assertEquals(HEX_V2, sealed(history.get(1)));
            assertEquals(HEX_V5, sealed(history.get(4)));
        }
    }

    @Test
    void formatOneAndTwoFilesReadUnchangedAndTakeASchema() throws IOException {
        for (String name : List.of("format-v1", "format-v2")) {
            Path file = copy(name);
            List<String> expected = listing(name);
            try (DeltaLog log = DeltaLog.open(file)) {
                assertEquals(expected, GoldenFormat.listing(log), name);
                log.track(
                        "typed",
                        TableSchema.builder().column("n", ColumnType.INT).build());
                log.recordInsert("typed", 1L, Tuple.of(1));
            }
            try (DeltaLog log = DeltaLog.open(file)) {
                assertEquals(
                        expected.subList(4, expected.size()),
                        GoldenFormat.listing(log).subList(4, expected.size()));
                assertEquals(1, log.schema("typed").orElseThrow().version());
                try (DeltaCursor c = log.changesAfter("typed", 0L)) {
                    assertEquals(1, c.next().op().after().get("n"));
                }
            }
        }
    }

    /** Writes a new golden file; runs only when asked to, see {@link SchemaGolden}. */
    @Test
    @EnabledIfSystemProperty(named = "deltalog.golden.dir", matches = ".+")
    void writeGoldenFile() throws IOException {
        SchemaGolden.writeGolden(
                Path.of(System.getProperty("deltalog.golden.dir")),
                System.getProperty("deltalog.golden.name", "format-vN"));
    }

    private static String sealed(TableSchema schema) {
        DeltaKey key = new DeltaKey(0, 1_714_979_289_123_460L, 2L);
        byte[] value = DeltaCodec.encode("orders", 2L, new DeltaOp.Insert(SchemaCodec.encode(schema)));
        DeltaCodec.seal(key, value);
        return GoldenFormat.hex(value);
    }

    private Path copy(String name) throws IOException {
        Path file = dir.resolve(name + ".deltas");
        try (InputStream in = SchemaGoldenTest.class.getResourceAsStream("/golden/" + name + ".deltas")) {
            Files.copy(in, file);
        }
        return file;
    }

    private static List<String> listing(String name) throws IOException {
        try (InputStream in = SchemaGoldenTest.class.getResourceAsStream("/golden/" + name + ".txt")) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII)
                    .lines()
                    .toList();
        }
    }
}
