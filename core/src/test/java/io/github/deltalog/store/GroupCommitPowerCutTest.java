package io.github.deltalog.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.deltalog.Delta;
import io.github.deltalog.DeltaCursor;
import io.github.deltalog.DeltaLog;
import io.github.deltalog.Durability;
import io.github.deltalog.Tuple;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SYNC group commit under concurrent committers: a commit is acknowledged only once the fsync that covers its
 * journal record has run. Four threads commit SYNC transactions; at random moments the test takes the set of
 * acknowledged commits, then the journal's length as of its last fsync ({@link ForceTrackingFilePath}), and
 * copies the store file and the journal cut at that length: what a power cut at that moment would leave. Every
 * commit acknowledged before the cut must be in the copy once it is opened. No checkpoint runs meanwhile (an hour's
 * interval), so the store file does not change after the tables are tracked and the journal only grows. Seeded:
 * {@code -Ddeltalog.groupcommit.seed}.
 */
class GroupCommitPowerCutTest {
    private static final int THREADS = 4;
    private static final int COMMITS_PER_THREAD = 150;
    private static final int CUTS = 6;

    @TempDir
    Path dir;

    @BeforeEach
    void install() {
        ForceTrackingFilePath.install();
    }

    @AfterEach
    void uninstall() {
        ForceTrackingFilePath.uninstall();
    }

    @Test
    void everyCommitAcknowledgedBeforeAPowerCutIsInTheForcedJournal() throws Exception {
        long seed = Long.getLong("deltalog.groupcommit.seed", System.nanoTime());
        try {
            run(new SplittableRandom(seed));
        } catch (AssertionError | Exception e) {
            throw new AssertionError("seed " + seed + " (-Ddeltalog.groupcommit.seed=" + seed + ")", e);
        }
    }

    private void run(SplittableRandom random) throws Exception {
        Path file = dir.resolve("log.db");
        Set<Long> acknowledged = ConcurrentHashMap.newKeySet();
        List<Set<Long>> expected = new ArrayList<>();
        List<Path> copies = new ArrayList<>();
        try (DeltaLog log = DeltaLog.builder()
                .path(file)
                .durability(Durability.SYNC)
                .checkpointInterval(Duration.ofHours(1))
                .open()) {
            log.track("t");
            AtomicBoolean failed = new AtomicBoolean();
            CountDownLatch start = new CountDownLatch(1);
            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            try {
                List<Future<?>> committers = new ArrayList<>();
                for (int t = 0; t < THREADS; t++) {
                    long first = (long) t * COMMITS_PER_THREAD;
                    committers.add(pool.submit(() -> {
                        start.await();
                        for (long row = first; row < first + COMMITS_PER_THREAD && !failed.get(); row++) {
                            log.recordInsert("t", row, Tuple.of(row, "value of row " + row));
                            acknowledged.add(row);
                        }
                        return null;
                    }));
                }
                start.countDown();
                int total = THREADS * COMMITS_PER_THREAD;
                for (int cut = 0; cut < CUTS; cut++) {
                    // Cut somewhere in the run: wait until a random share of the commits is acknowledged.
                    int target = random.nextInt(total / 10, total);
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                    while (acknowledged.size() < target && !allDone(committers) && System.nanoTime() < deadline) {
                        Thread.sleep(0, 200_000);
                    }
                    // First the acknowledged set, then the forced length: a commit acknowledged before the set was
                    // taken had its record forced before that, and the forced length only grows.
                    Set<Long> before = new HashSet<>(acknowledged);
                    long forced = ForceTrackingFilePath.forcedLength("log.db.journal");
                    Path copy = dir.resolve("cut-" + cut);
                    Files.createDirectories(copy);
                    Files.copy(file, copy.resolve("log.db"));
                    copyPrefix(dir.resolve("log.db.journal"), copy.resolve("log.db.journal"), forced);
                    expected.add(before);
                    copies.add(copy);
                }
                for (Future<?> f : committers) {
                    f.get(300, TimeUnit.SECONDS);
                }
            } catch (Exception | AssertionError e) {
                failed.set(true);
                throw e;
            } finally {
                pool.shutdownNow();
                assertTrue(pool.awaitTermination(60, TimeUnit.SECONDS), "committers did not stop");
            }
            assertEquals(THREADS * COMMITS_PER_THREAD, acknowledged.size());
        }
        for (int cut = 0; cut < copies.size(); cut++) {
            Set<Long> present = rows(copies.get(cut).resolve("log.db"));
            for (long row : expected.get(cut)) {
                assertTrue(present.contains(row), "cut " + cut + ": acknowledged row " + row + " is missing");
            }
        }
        assertEquals(new HashSet<>(acknowledged), rows(file), "the log itself after a clean close");
    }

    private static boolean allDone(List<Future<?>> futures) {
        for (Future<?> f : futures) {
            if (!f.isDone()) {
                return false;
            }
        }
        return true;
    }

    /** Copies the first {@code length} bytes of a file (it may grow meanwhile; those bytes do not change). */
    private static void copyPrefix(Path from, Path to, long length) throws IOException {
        try (InputStream in = Files.newInputStream(from);
                OutputStream out = Files.newOutputStream(to)) {
            byte[] buffer = new byte[8192];
            long left = length;
            while (left > 0) {
                int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                if (n < 0) {
                    throw new IOException(from + " is shorter than its forced length " + length);
                }
                out.write(buffer, 0, n);
                left -= n;
            }
        }
    }

    private static Set<Long> rows(Path file) {
        Set<Long> rows = new HashSet<>();
        try (DeltaLog log = DeltaLog.builder().path(file).open();
                DeltaCursor cursor = log.changesAfter("t", DeltaLog.FROM_OLDEST)) {
            while (cursor.hasNext()) {
                Delta d = cursor.next();
                assertTrue(rows.add(d.rowId()), "row " + d.rowId() + " twice");
            }
        }
        return rows;
    }
}
