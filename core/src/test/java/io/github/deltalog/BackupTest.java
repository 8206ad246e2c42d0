package io.github.deltalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link DeltaLog#backup}: consistent copies of a log taken while four threads commit. Each backup must open
 * (read-only and read-write) as a prefix of the log's commits that holds every commit acknowledged before its
 * {@code backup()} call began (read-only; one backup in ten also read-write). Rounds: {@code -Ddeltalog.backup.rounds} (100; 1000 under {@code -Pstress});
 * seed: {@code -Ddeltalog.backup.seed}.
 */
class BackupTest {
    private static final int ROUNDS = Integer.getInteger("deltalog.backup.rounds", 100);
    private static final int WRITERS = 4;

    @TempDir
    Path dir;

    /** One commit that returned: its timestamp and the row it wrote. */
    private record Acked(long ts, long rowId) {}

    /** One backup: where it went and the commits acknowledged before it began. */
    private record Taken(Path file, List<Acked> before) {}

    @Test
    void backupsUnderConcurrentCommitsArePrefixesHoldingEveryEarlierAcknowledgedCommit() throws Exception {
        long seed = Long.getLong("deltalog.backup.seed", System.nanoTime());
        SplittableRandom random = new SplittableRandom(seed);
        String replay = "seed=" + seed + " (replay with -Ddeltalog.backup.seed=" + seed + ")";
        Path file = dir.resolve("live.deltas");
        ConcurrentLinkedQueue<Acked> acked = new ConcurrentLinkedQueue<>();
        List<Taken> taken = new ArrayList<>();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        try (DeltaLog log = DeltaLog.builder()
                .path(file)
                .durability(random.nextBoolean() ? Durability.COMMIT : Durability.ASYNC)
                .checkpointInterval(Duration.ofMillis(10 + random.nextInt(50)))
                .open()) {
            log.track("t");
            List<Thread> writers = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                long base = (long) w << 40;
                Thread t = new Thread(() -> {
                    try {
                        for (long i = 0; !stop.get(); i++) {
                            try (DeltaTransaction tx = log.begin()) {
                                tx.insert("t", base + i, Tuple.of(base + i, "row"));
                                acked.add(new Acked(tx.commit(), base + i));
                            }
                            if (i % 4 == 0) {
                                Thread.sleep(1);
                            }
                        }
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                });
                t.start();
                writers.add(t);
            }
            try {
                for (int r = 0; r < ROUNDS && failure.get() == null; r++) {
                    Thread.sleep(random.nextInt(10));
                    List<Acked> before = new ArrayList<>(acked);
                    Path dest = dir.resolve("backup-" + r + ".deltas");
                    log.backup(dest);
                    taken.add(new Taken(dest, before));
                }
            } finally {
                stop.set(true);
                for (Thread t : writers) {
                    t.join();
                }
            }
        }
        if (failure.get() != null) {
            throw new AssertionError("a writer failed, " + replay, failure.get());
        }
        long verifyStart = System.nanoTime();
        System.out.printf(
                "backup loop: %d backups of up to %d commits taken; %s%n", taken.size(), acked.size(), replay);
        TreeSet<Long> allTs = new TreeSet<>();
        java.util.Map<Long, Long> rowOf = new java.util.HashMap<>();
        for (Acked a : acked) {
            allTs.add(a.ts());
            rowOf.put(a.ts(), a.rowId());
        }
        for (int r = 0; r < taken.size(); r++) {
            Taken t = taken.get(r);
            String what = "backup " + r + ", " + replay;
            // Every backup read-only; one in ten also read-write (recovery, a new journal generation, a reopen).
            for (boolean readOnly : r % 10 == 0 ? new boolean[] {true, false} : new boolean[] {true}) {
                try (DeltaLog copy =
                        DeltaLog.builder().path(t.file()).readOnly(readOnly).open()) {
                    long last = copy.lastCommitted();
                    for (Acked a : t.before()) {
                        assertTrue(a.ts() <= last, what + ": commit " + a.ts() + " acknowledged before is missing");
                    }
                    List<Long> expected = new ArrayList<>(allTs.headSet(last, true));
                    List<Long> seen = new ArrayList<>();
                    try (DeltaCursor c = copy.changesAfter("t", Long.MIN_VALUE)) {
                        for (Delta d : c) {
                            assertEquals(rowOf.get(d.commitTimestamp()), d.rowId(), what);
                            seen.add(d.commitTimestamp());
                        }
                    }
                    assertEquals(expected, seen, what + ": not the prefix up to " + last);
                }
            }
            Files.delete(t.file());
        }
        assertEquals(ROUNDS, taken.size());
        System.out.printf("backup loop: verified in %d ms%n", (System.nanoTime() - verifyStart) / 1_000_000);
    }

    @Test
    void backupRefusesAnExistingDestinationAndInMemoryLogs() throws Exception {
        Path file = dir.resolve("a.deltas");
        Path dest = dir.resolve("b.deltas");
        Files.write(dest, new byte[] {1, 2, 3});
        try (DeltaLog log = DeltaLog.open(file)) {
            log.track("t");
            log.recordInsert("t", 1, Tuple.of(1));
            DeltaLogException e = assertThrows(DeltaLogException.class, () -> log.backup(dest));
            assertTrue(e.getMessage().contains("exists"), e.getMessage());
            assertEquals(3, Files.size(dest));
            assertFalse(Files.exists(dir.resolve("b.deltas.journal")));
        }
        try (DeltaLog log = DeltaLog.inMemory()) {
            assertThrows(DeltaLogException.class, () -> log.backup(dir.resolve("c.deltas")));
        }
    }

    @Test
    void encryptedAndReadOnlyLogsBackUp() throws Exception {
        Path file = dir.resolve("enc.deltas");
        try (DeltaLog log =
                DeltaLog.builder().path(file).encryptionKey("pw".toCharArray()).open()) {
            log.track("t");
            for (int i = 0; i < 50; i++) {
                log.recordInsert("t", i, Tuple.of(i));
            }
            log.backup(dir.resolve("enc-backup.deltas"));
        }
        try (DeltaLog log = DeltaLog.builder()
                .path(file)
                .encryptionKey("pw".toCharArray())
                .readOnly(true)
                .open()) {
            log.backup(dir.resolve("enc-backup-ro.deltas"));
        }
        for (String name : new String[] {"enc-backup.deltas", "enc-backup-ro.deltas"}) {
            try (DeltaLog copy = DeltaLog.builder()
                    .path(dir.resolve(name))
                    .encryptionKey("pw".toCharArray())
                    .open()) {
                assertEquals(50, copy.countAll(), name);
            }
        }
    }
}
