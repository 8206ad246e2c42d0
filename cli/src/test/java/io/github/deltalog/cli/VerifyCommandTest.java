package io.github.deltalog.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.deltalog.store.DeltaKey;
import io.github.deltalog.store.DeltaKeyType;
import java.nio.file.Path;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.type.ByteArrayDataType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** verify: a sound file passes; a flipped byte inside a stored value is reported with its table and row. */
class VerifyCommandTest {
    @TempDir
    Path dir;

    @Test
    void soundFileVerifies() {
        Path file = dir.resolve("app.deltas");
        SampleLog.write(file);
        Cli.Result r = Cli.run("verify", file.toString());
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.out().contains("verified 13 deltas in 2 tables and 1 consumer"), r::toString);
        assertTrue(r.out().contains("no corruption"), r::toString);
    }

    @Test
    void flippedByteInAValueIsReportedAndTheWalkGoesOn() {
        Path file = dir.resolve("app.deltas");
        long[] ts = SampleLog.write(file);
        DeltaKey flipped = flipOneByte(file, 1); // the second delta of the first table id
        Cli.Result r = Cli.run("verify", file.toString());
        assertEquals(1, r.exitCode(), r::toString);
        String out = r.out();
        assertTrue(out.contains("corrupt: corrupt delta of row " + flipped.rowId() + " at timestamp " + ts[0]), out);
        assertTrue(out.contains("in table 'orders'"), out);
        assertTrue(out.contains("table 'orders'       10 deltas, 1 corrupt"), out);
        assertTrue(out.contains("table 'customers'    3 deltas, 0 corrupt"), out);
        assertTrue(out.contains("verified 13 deltas in 2 tables and 1 consumer of " + file + ": 1 corrupt"), out);

        Cli.Result dump = Cli.run("dump", file.toString());
        assertEquals(2, dump.exitCode(), dump::toString);
        assertTrue(dump.err().startsWith("deltalog: corrupt delta of row " + flipped.rowId()), dump::toString);
    }

    @Test
    void storeReplacedByAnOlderCopyExitsOneAndSalvageOpensItAsItIs() throws Exception {
        Path file = dir.resolve("app.deltas");
        Path older = dir.resolve("older.deltas");
        SampleLog.write(file);
        java.nio.file.Files.copy(file, older);
        try (io.github.deltalog.DeltaLog log = io.github.deltalog.DeltaLog.open(file)) {
            log.recordInsert(SampleLog.ORDERS, 99, SampleLog.order(99, "new", java.math.BigDecimal.ONE));
        }
        java.nio.file.Files.copy(older, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);

        Cli.Result r = Cli.run("verify", file.toString());
        assertEquals(1, r.exitCode(), r::toString);
        assertTrue(r.out().contains("corrupt: log file " + file + " is older than its journal"), r::toString);
        assertTrue(r.out().contains("--salvage"), r::toString);

        Cli.Result s = Cli.run("verify", "--salvage", file.toString());
        assertEquals(0, s.exitCode(), s::toString);
        assertTrue(s.out().contains("salvaged " + file), s::toString);
        assertTrue(s.out().contains("verified 13 deltas"), s::toString);
        assertEquals(0, Cli.run("verify", file.toString()).exitCode(), "a salvaged log verifies without --salvage");
    }

    /** Flips the last byte of the n-th stored value of the first table, through the raw store; returns its key. */
    private static DeltaKey flipOneByte(Path file, int n) {
        MVStore store = new MVStore.Builder().fileName(file.toString()).open();
        try {
            MVMap<DeltaKey, byte[]> deltas = store.openMap(
                    "deltas",
                    new MVMap.Builder<DeltaKey, byte[]>()
                            .keyType(DeltaKeyType.INSTANCE)
                            .valueType(ByteArrayDataType.INSTANCE));
            DeltaKey key = deltas.getKey(n);
            byte[] value = deltas.get(key).clone();
            value[value.length - 1] ^= 0x40;
            deltas.put(key, value);
            store.commit();
            return key;
        } finally {
            store.close();
        }
    }
}
