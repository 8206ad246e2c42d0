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
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * The on-disk format of version 1 stays readable: a committed golden file (written by {@link GoldenFormat})
 * reads exactly as its committed listing, read-only and read-write, and the value encoding of a few fixed
 * operations is byte for byte what it was. A failure here means a format change: add a new golden file and a
 * new format version instead of editing these.
 */
class FormatGoldenTest {
    private static final String GOLDEN = "/golden/format-v1";

    // Sealed values (CRC-32C, version 1, Kryo class id and fields) under the key (3, 1714979289123456, -42).
    private static final String HEX_INSERT = "70e08719010c0319021d05616c6963651f0400ec0e";
    private static final String HEX_UPDATE = "00ed797b010d031a02001601031a041e01ff1600";
    private static final String HEX_DELETE_EVERY_TYPE =
            "d72b4422010e11001601178018feff0319ffffffff0f1afeffffffffffffffff1b010000001c00000000000000801d15"
                    + "68c3a96c6c6f20e2988320f09d849e200920656e641e0400ff7f801f080087d996012010a31f165a9fea013a55205cd7"
                    + "51c67eeb21efcdab89674523011032547698badcfe2201ff93ebdc0323eea3daa1a11524ffffbb8ac9d21325b3f389a3"
                    + "a11500";
    private static final String HEX_INSERT_EVERY_TYPE_AGAIN =
            "a50c077f010c1116001707180119001affffffffffffffffff1b0000c07f1c000000000000f0ff1d001e001f00000020"
                    + "1a0100000000000000000000000000000000000000000000000000210000000000000000000000000000000022000023"
                    + "85d295042400258cb50281ecd0adc5d21300";

    @TempDir
    Path dir;

    @Test
    void goldenFileReadsAsItsListingReadOnly() throws IOException {
        Path file = copyOfGolden();
        try (DeltaLog log = DeltaLog.builder().path(file).readOnly(true).open()) {
            assertEquals(expectedListing(), GoldenFormat.listing(log));
        }
    }

    @Test
    void goldenFileReadsAsItsListingReadWriteAndAcceptsNewCommits() throws IOException {
        Path file = copyOfGolden();
        List<String> expected = expectedListing();
        long last;
        try (DeltaLog log = DeltaLog.open(file)) {
            assertEquals(expected, GoldenFormat.listing(log));
            last = log.lastCommitted();
        }
        try (DeltaLog log = DeltaLog.open(file)) {
            assertEquals(expected, GoldenFormat.listing(log), "a read-write open and close changed the contents");
            long ts = log.recordInsert(GoldenFormat.ORDERS, 7L, Tuple.of(7));
            assertTrue(ts > last, "a new commit must get a later timestamp than the golden file's last");
        }
        // A clean close leaves only the header of the next journal generation (its record of the checkpoint).
        assertEquals(41, Files.size(dir.resolve("format-v1.deltas.journal")));
    }

    @Test
    void valueEncodingIsByteForByteUnchanged() {
        DeltaKey key = new DeltaKey(3, 1_714_979_289_123_456L, -42L);
        assertEquals(HEX_INSERT, sealed(key, new DeltaOp.Insert(Tuple.of(1, "alice", new BigDecimal("9.50")))));
        assertEquals(
                HEX_UPDATE,
                sealed(key, new DeltaOp.Update(Tuple.of(1L, null, true), Tuple.of(2L, new byte[] {-1}, false))));
        assertEquals(HEX_DELETE_EVERY_TYPE, sealed(key, new DeltaOp.Delete(GoldenFormat.everyType())));
        assertEquals(HEX_INSERT_EVERY_TYPE_AGAIN, sealed(key, new DeltaOp.Insert(GoldenFormat.everyTypeAgain())));
    }

    @Test
    void committedValueBytesDecodeToTheirOperations() {
        DeltaKey key = new DeltaKey(3, 1_714_979_289_123_456L, -42L);
        assertEquals(
                new DeltaOp.Delete(GoldenFormat.everyType()),
                DeltaCodec.decode(key, unhex(HEX_DELETE_EVERY_TYPE), "t", "golden"));
        assertEquals(
                new DeltaOp.Insert(GoldenFormat.everyTypeAgain()),
                DeltaCodec.decode(key, unhex(HEX_INSERT_EVERY_TYPE_AGAIN), "t", "golden"));
    }

    /** Writes a new golden file; runs only when asked to, see {@link GoldenFormat}. */
    @Test
    @EnabledIfSystemProperty(named = "deltalog.golden.dir", matches = ".+")
    void writeGoldenFile() throws IOException {
        GoldenFormat.writeGolden(
                Path.of(System.getProperty("deltalog.golden.dir")),
                System.getProperty("deltalog.golden.name", "format-vN"));
    }

    private Path copyOfGolden() throws IOException {
        Path file = dir.resolve("format-v1.deltas");
        try (InputStream in = FormatGoldenTest.class.getResourceAsStream(GOLDEN + ".deltas")) {
            Files.copy(in, file);
        }
        return file;
    }

    private static List<String> expectedListing() throws IOException {
        try (InputStream in = FormatGoldenTest.class.getResourceAsStream(GOLDEN + ".txt")) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII)
                    .lines()
                    .toList();
        }
    }

    private static String sealed(DeltaKey key, DeltaOp op) {
        byte[] value = DeltaCodec.encode("t", key.rowId(), op);
        DeltaCodec.seal(key, value);
        assertEquals(op, DeltaCodec.decode(key, value, "t", "golden"));
        return GoldenFormat.hex(value);
    }

    private static byte[] unhex(String hex) {
        return HexFormat.of().parseHex(hex);
    }
}
