package io.github.deltalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a child JVM ({@link SchemaCrashWriter}) that commits rows and schema versions (ALTERs) in turn, at random
 * moments, and checks the recovered log: every acknowledged commit and version survived; the history is versions
 * 1..H with increasing timestamps; the recovered rows are a prefix; each row is read under the version it was
 * written (and validated) under, {@code 1 + txno / ALTER_EVERY}, and fits it; no version survived without the
 * commits before it; every row upcasts to the current version. Rounds: {@code -Ddeltalog.schema.crash.rounds}
 * (6; {@code -Pstress} 300); seed printed on failure, replay with {@code -Ddeltalog.schema.crash.seed}.
 */
class SchemaCrashTest {
    private static final int ROUNDS = Integer.getInteger("deltalog.schema.crash.rounds", 6);

    @TempDir
    Path dir;

    @Test
    void schemaVersionsAndCommitsStayConsistentAcrossSigkill() throws Exception {
        long seed = Long.getLong("deltalog.schema.crash.seed", new Random().nextLong());
        Random random = new Random(seed);
        Path file = dir.resolve("typed.deltas");
        long next = 0;
        TreeMap<Long, Long> acked = new TreeMap<>();
        TreeMap<Integer, Long> alters = new TreeMap<>();
        for (int round = 0; round < ROUNDS; round++) {
            try {
                next = round(file, next, random, acked, alters);
            } catch (AssertionError | Exception e) {
                throw new AssertionError(
                        "round " + round + " failed; replay with -Ddeltalog.schema.crash.seed=" + seed, e);
            }
        }
    }

    private long round(Path file, long next, Random random, TreeMap<Long, Long> acked, TreeMap<Integer, Long> alters)
            throws Exception {
        Path stdout = dir.resolve("child.out");
        Path stderr = dir.resolve("child.err");
        Process child = ChildJvm.start(
                "128m",
                false,
                SchemaCrashWriter.class,
                stdout,
                stderr,
                file.toString(),
                Long.toString(next),
                Long.toString(new long[] {5, 20, 200}[random.nextInt(3)]),
                Long.toString(new long[] {8 << 10, 64 << 20}[random.nextInt(2)]));
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (completeLines(stdout).stream().noneMatch(l -> l.startsWith("ACK"))) {
                if (!child.isAlive() || System.nanoTime() > deadline) {
                    fail("child ended or hung before its first ack: " + Files.readString(stderr));
                }
                Thread.sleep(2);
            }
            Thread.sleep(20 + random.nextInt(300));
        } finally {
            child.destroyForcibly();
            child.waitFor();
        }
        for (String line : completeLines(stdout)) {
            String[] f = line.split(" ");
            if (f[0].equals("ACK")) {
                acked.put(Long.parseLong(f[1]), Long.parseLong(f[2]));
            } else if (f[0].equals("ALTER")) {
                alters.put(Integer.parseInt(f[1]), Long.parseLong(f[2]));
            }
        }
        String errors = Files.readString(stderr);
        assertTrue(errors.isBlank(), () -> "child wrote to stderr: " + errors);
        try (DeltaLog log = DeltaLog.open(file)) {
            return verify(log, acked, alters);
        }
    }

    /** Checks the recovered log; returns the next transaction number. */
    private static long verify(DeltaLog log, TreeMap<Long, Long> acked, TreeMap<Integer, Long> alters) {
        String t = SchemaCrashWriter.TABLE;
        List<TableSchema> history = log.schemaHistory(t);
        for (int i = 0; i < history.size(); i++) {
            assertEquals(i + 1, history.get(i).version());
            assertTrue(i == 0 || history.get(i).since() > history.get(i - 1).since());
        }
        alters.forEach((v, ts) -> {
            assertTrue(v <= history.size(), "acknowledged version " + v + " lost; history has " + history.size());
            assertEquals(ts, history.get(v - 1).since(), "version " + v);
        });
        long expected = 0;
        try (DeltaCursor c = log.changesAfter(t, 0L)) {
            for (Delta d : c) {
                long txno = d.rowId();
                assertEquals(expected++, txno, "recovered rows are not a prefix");
                Long ts = acked.get(txno);
                if (ts != null) {
                    assertEquals(ts, d.commitTimestamp(), "transaction " + txno);
                }
                TableSchema written = log.schemaAt(t, d.commitTimestamp());
                assertEquals(1 + txno / SchemaCrashWriter.ALTER_EVERY, written.version(), "version of " + txno);
                Tuple after = d.op().after();
                assertEquals(written.columns().size(), after.size());
                assertEquals(SchemaCrashWriter.row(txno, written), after);
                assertEquals(txno, after.get("tx"));
            }
        }
        long recovered = expected;
        if (!acked.isEmpty()) {
            assertTrue(acked.lastKey() < recovered, "acknowledged transaction " + acked.lastKey() + " lost");
        }
        // A version is altered in only after the commit before its first transaction: none without it.
        int maxVersion = 1 + (int) (recovered / SchemaCrashWriter.ALTER_EVERY);
        assertTrue(history.size() <= maxVersion, history.size() + " versions but only " + recovered + " rows");
        TableSchema current = log.schema(t).orElseThrow();
        try (DeltaCursor c = log.changesAfter(t, 0L, Long.MAX_VALUE, ReadAs.CURRENT)) {
            for (Delta d : c) {
                Tuple after = d.op().after();
                assertEquals(current.columns().size(), after.size());
                assertEquals(d.rowId(), after.get("tx"));
                for (int i = 1; i < after.size(); i++) {
                    Object v = after.get(i);
                    assertTrue(v == null || v instanceof Long || v instanceof BigDecimal, () -> "upcast " + after);
                }
            }
        }
        return recovered;
    }

    private static List<String> completeLines(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.US_ASCII);
        List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
        lines.remove(lines.size() - 1);
        return lines;
    }
}
