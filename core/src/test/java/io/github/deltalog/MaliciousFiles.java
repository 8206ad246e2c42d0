package io.github.deltalog;

import io.github.deltalog.store.DeltaCodec;
import io.github.deltalog.store.DeltaKey;
import io.github.deltalog.store.DeltaKeyType;
import io.github.deltalog.store.ValueBytesType;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.zip.CRC32C;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;

/**
 * Makes the minimized malicious files under {@code src/test/resources/malicious/} that {@link MaliciousFilesTest}
 * reads; each reproduces an anomaly the hostile tests found (see {@code docs/TESTING.md}). One file is not made
 * here: {@code encrypted-zeroed-bytes.deltas} is the fuzzer's own case, kept as it was found. Run once by hand:
 * {@code java -cp ... io.github.deltalog.MaliciousFiles core/src/test/resources/malicious}. Files whose name
 * contains {@code encrypted} use the key {@value HostileFiles#KEY}; {@code readonly} ones open read-only.
 */
final class MaliciousFiles {
    static final String BOMB = "io.github.deltalog.store.HostileValueBytesTest$Bomb";

    private MaliciousFiles() {}

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        Files.createDirectories(out);
        valueLengthBomb(out.resolve("value-length-bomb.deltas"));
        encryptedHeaderOnly(out.resolve("encrypted-header-only.readonly.deltas"));
        zeroedLeafPage(out.resolve("zeroed-leaf-page.deltas"));
        forgedValue(out.resolve("kryo-class-name.deltas"), kryoClassName());
        forgedValue(out.resolve("kryo-name-length-bomb.deltas"), new byte[] {1, 1, (byte) 0xFF, -1, -1, -1, 0x0F, 'a'});
        journalCountBomb(out.resolve("journal-count-bomb.deltas"));
    }

    /** A page value whose length varint claims 2^31 - 1 bytes: MVStore allocated it (OutOfMemoryError). */
    static void valueLengthBomb(Path file) throws Exception {
        Files.deleteIfExists(file);
        byte[] payload = new byte[1000];
        Arrays.fill(payload, (byte) 'Z');
        try (DeltaLog log = DeltaLog.open(file)) {
            log.track("t");
            log.recordInsert("t", 1, Tuple.of(payload));
        }
        byte[] b = Files.readAllBytes(file);
        // value: crc 4, version 1, Insert 0x0C, count 1, byte[] 0x1E, length 0xE8 0x07, then 'Z's.
        int p = indexOf(b, new byte[] {1, 0x0C, 1, 0x1E, (byte) 0xE8, 0x07, 'Z', 'Z'});
        int lengthAt = p - 4 - 2;
        byte[] bomb = {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x07};
        System.arraycopy(bomb, 0, b, lengthAt, bomb.length);
        Files.write(file, b);
    }

    /** An encrypted log cut to its encryption header, opened read-only: MVStore leaked its file lock. */
    static void encryptedHeaderOnly(Path file) throws Exception {
        Files.deleteIfExists(file);
        try (DeltaLog log = DeltaLog.builder()
                .path(file)
                .encryptionKey(HostileFiles.KEY.toCharArray())
                .open()) {
            log.track("t");
            log.recordInsert("t", 1, Tuple.of("x"));
        }
        Files.write(file, Arrays.copyOf(Files.readAllBytes(file), 4096));
    }

    /** A leaf page of deltas zeroed: the cursor step that reads it threw MVStoreException. */
    static void zeroedLeafPage(Path file) throws Exception {
        Files.deleteIfExists(file);
        try (DeltaLog log = DeltaLog.open(file)) {
            log.track("t");
            for (int i = 0; i < 400; i++) {
                log.recordInsert("t", i, Tuple.of(i, (i == 200 ? "MIDDLE-MARKER" : "row") + "-".repeat(100)));
            }
        }
        byte[] b = Files.readAllBytes(file);
        int p = indexOf(b, "MIDDLE-MARKER".getBytes(StandardCharsets.US_ASCII));
        int block = (p / 4096) * 4096;
        Arrays.fill(b, block, Math.min(b.length, block + 4096), (byte) 0);
        Files.write(file, b);
    }

    static byte[] kryoClassName() {
        ByteArrayOutputStream v = new ByteArrayOutputStream();
        v.write(12); // Insert
        v.write(1); // one value
        v.write(1); // Kryo's NAME tag
        v.write(1); // name id
        byte[] name = BOMB.getBytes(StandardCharsets.US_ASCII);
        name[name.length - 1] |= (byte) 0x80;
        v.writeBytes(name);
        return v.toByteArray();
    }

    /** A log of two deltas of table "t" at one commit; the value of row 2 is forged, with a correct checksum. */
    static void forgedValue(Path file, byte[] kryo) throws Exception {
        Files.deleteIfExists(file);
        long ts;
        try (DeltaLog log = DeltaLog.open(file)) {
            log.track("t");
            ts = log.recordInsert("t", 1, Tuple.of("genuine"));
        }
        MVStore s = new MVStore.Builder().fileName(file.toString()).open();
        try {
            MVMap<String, Long> catalog = s.openMap("catalog");
            int tableId = (int) (catalog.get("t") >>> 1);
            MVMap<DeltaKey, byte[]> deltas = s.openMap(
                    "deltas",
                    new MVMap.Builder<DeltaKey, byte[]>()
                            .keyType(DeltaKeyType.INSTANCE)
                            .valueType(ValueBytesType.INSTANCE));
            DeltaKey key = new DeltaKey(tableId, ts, 2);
            byte[] value = new byte[5 + kryo.length];
            value[4] = DeltaCodec.VALUE_VERSION;
            System.arraycopy(kryo, 0, value, 5, kryo.length);
            DeltaCodec.seal(key, value);
            deltas.put(key, value);
            s.commit();
        } finally {
            s.close();
        }
    }

    /** A journal record with a correct checksum that announces 2^31 - 1 deltas. */
    static void journalCountBomb(Path file) throws Exception {
        Files.deleteIfExists(file);
        Path journal = file.resolveSibling(file.getFileName() + ".journal");
        Path tmp = Files.createTempDirectory("bomb").resolve("log.deltas");
        long ts;
        try (DeltaLog log = DeltaLog.builder()
                .path(tmp)
                .checkpointInterval(Duration.ofHours(1))
                .open()) {
            log.track("t");
            log.checkpoint();
            ts = log.recordInsert("t", 1, Tuple.of("in the journal"));
            Files.copy(tmp, file);
            Files.copy(tmp.resolveSibling("log.deltas.journal"), journal);
        }
        ByteBuffer body = ByteBuffer.allocate(1 + 8 + 5);
        body.put((byte) 1).putLong(ts + 1).put(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x07});
        CRC32C crc = new CRC32C();
        crc.update(body.array());
        ByteBuffer record = ByteBuffer.allocate(8 + body.capacity());
        record.putInt(body.capacity()).putInt((int) crc.getValue()).put(body.array());
        byte[] old = Files.readAllBytes(journal);
        byte[] all = Arrays.copyOf(old, old.length + record.capacity());
        System.arraycopy(record.array(), 0, all, old.length, record.capacity());
        Files.write(journal, all);
    }

    static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new IllegalStateException("pattern not found");
    }
}
