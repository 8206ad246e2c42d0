package io.github.deltalog.jdbc;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.github.deltalog.DeltaLog;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.Comparator;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A child JVM runs the workload with capture and the background relay and is SIGKILLed 0.3-1.5 s after it is ready (during
 * start-up, a database commit, a relay pass, between a log commit and the outbox clean-up); after each kill the
 * parent relays what is left and checks exactly once: the view kept from the log equals the database, every
 * committed transaction is one log commit, nothing of a rolled-back one is there. Rounds per case:
 * {@code -Ddeltalog.jdbc.kill.rounds} (10; 200 with {@code -Pstress}); seed: {@code -Ddeltalog.jdbc.seed}; one case only:
 * {@code -Ddeltalog.jdbc.kill.db=SQLITE|H2|H2_CONCURRENT}. The database and log as the last kill left them are kept
 * in {@code target/capture-kill-<case>} (the failure message names it).
 */
class CaptureKillLoopTest {
    @TempDir
    Path dir;

    /**
     * A database and how many application threads write to it in the child. The H2 cases run only with {@code -Pstress}
     * ({@code -Ddeltalog.jdbc.h2.killLoop=true}): H2 2.4.240 can store a transaction while its commit rewrites its
     * rows, and a kill right after leaves it torn (its outbox rows committed, rows of another table dead or never
     * stored), so the log, which follows the outbox, then holds rows the database lost; about one {@code H2} run of
     * 10 rounds in five (docs/TESTING.md "H2 under a kill", issue 15). The failure message names the dead writes H2
     * holds, which show such a tear.
     */
    enum Case {
        SQLITE(Db.SQLITE, 2),
        /**
         * H2 with one writing thread (the relay's reads, deletes and flushes run beside it). Both H2 cases failed now
         * and then, more often under load, with "the view kept from the log differs from the database": the check
         * read the database with two transactions and kept the rows both saw, and after a kill one of them could get
         * the recycled id of a transaction the kill cut short and take its dead delete for its own, hiding a
         * committed row ({@code LogCheck#committedRows} now reads with a transaction id no killed one had).
         */
        H2(Db.H2, 1),
        /**
         * H2 with two writing threads. H2 2.4.240 is not crash-atomic when one of its stores runs while a transaction
         * commits (shown without deltalog by {@link H2DurabilityProbe}, docs/TESTING.md): after a kill a committed
         * transaction can keep its row in one table and lose its rows in another. The check then accepts a committed
         * transaction that left nothing in the database and nothing in the log ({@code LogCheck#lostByDatabase}): the
         * log follows the database.
         */
        H2_CONCURRENT(Db.H2, 2);

        final Db db;
        final int writers;

        Case(Db db, int writers) {
            this.db = db;
            this.writers = writers;
        }
    }

    @ParameterizedTest
    @EnumSource(Case.class)
    void exactlyOnceAcrossKills(Case kase) throws Exception {
        String only = System.getProperty("deltalog.jdbc.kill.db");
        Assumptions.assumeTrue(only == null || only.isEmpty() || only.equalsIgnoreCase(kase.name()), "only " + only);
        Assumptions.assumeTrue(
                kase == Case.SQLITE || Boolean.getBoolean("deltalog.jdbc.h2.killLoop"),
                "the H2 cases run with -Pstress (-Ddeltalog.jdbc.h2.killLoop=true)");
        Db db = kase.db;
        int rounds = Integer.getInteger("deltalog.jdbc.kill.rounds", 10);
        long seed = Long.getLong("deltalog.jdbc.seed", new Random().nextLong());
        String context = kase + " seed " + seed + " (replay with -Ddeltalog.jdbc.seed=" + seed + ")";
        Random rnd = new Random(seed);
        Path out = Path.of("target", "capture-kill-child-" + kase + ".txt").toAbsolutePath();
        Path kept = Path.of("target", "capture-kill-" + kase).toAbsolutePath();
        context += "; the files as the last kill left them: " + kept;
        int transactions = 0;
        for (int round = 0; round < rounds; round++) {
            Process child = new ProcessBuilder(
                            Path.of(System.getProperty("java.home"), "bin", "java")
                                    .toString(),
                            "-Xmx128m",
                            "-XX:+UseSerialGC",
                            "-XX:TieredStopAtLevel=1",
                            "-cp",
                            System.getProperty("java.class.path"),
                            CaptureCrashChild.class.getName(),
                            db.name(),
                            dir.toString(),
                            Long.toString(rnd.nextLong()),
                            Integer.toString(round),
                            Integer.toString(kase.writers))
                    .redirectError(ProcessBuilder.Redirect.appendTo(out.toFile()))
                    .start();
            try {
                if (rnd.nextInt(6) == 0) {
                    Thread.sleep(rnd.nextInt(800)); // during start-up: log recovery, install, the first relay pass
                } else {
                    BufferedReader r =
                            new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
                    String line = r.readLine();
                    if (!"ready".equals(line)) {
                        fail(context + ", round " + round + ": the child said " + line + "; see " + out);
                    }
                    Thread.sleep(300 + rnd.nextInt(1200));
                }
                if (!child.isAlive()) {
                    fail(context + ", round " + round + ": the child exited with " + child.exitValue() + "; see "
                            + out);
                }
            } finally {
                child.destroyForcibly(); // SIGKILL on Linux
                child.waitFor(30, TimeUnit.SECONDS);
            }
            keepAsKilled(dir, kept);
            try (DeltaLog log = DeltaLog.open(dir.resolve("log.deltas"));
                    Capture capture = Capture.of(log, () -> db.connect(dir));
                    Connection c = db.connect(dir)) {
                Workload.createSchema(c, db);
                capture.install(c, "items");
                capture.relayAvailable(c);
                transactions = LogCheck.check(log, c, db, db == Db.H2, context + ", after round " + round);
                if (countOutbox(c) != 0) {
                    StringBuilder b = new StringBuilder();
                    try (var s = c.createStatement();
                            var rs = s.executeQuery("SELECT * FROM DELTALOG_OUTBOX")) {
                        while (rs.next()) {
                            b.append("\n  ")
                                    .append(rs.getObject(1))
                                    .append(' ')
                                    .append(rs.getObject(2))
                                    .append(' ')
                                    .append(rs.getObject(3))
                                    .append(' ')
                                    .append(rs.getObject(4))
                                    .append(' ')
                                    .append(rs.getObject(5));
                        }
                    }
                    b.append("\n consumer ")
                            .append(log.consumer("deltalog.capture/main").position());
                    try (var cur = log.changesAfter(Capture.positionTable("main"), 0L)) {
                        cur.forEach(d -> b.append("\n  ").append(d));
                    }
                    fail(context + ": outbox not empty after the relay:" + b);
                }
            }
        }
        // At least one: on busy cores a child may be killed before it commits anything, so no rate is asked for.
        assertTrue(transactions > 0, context + ": no transaction reached the log in " + rounds + " rounds");
        System.out.println("CaptureKillLoopTest " + context + ": " + rounds + " rounds, " + kase.writers
                + " writer(s), " + transactions + " log transactions exactly once");
    }

    /**
     * Copies the database and the log as the kill left them (before the parent's recovery changes them) over the
     * previous round's copy, so a failing round's files can be inspected.
     */
    private static void keepAsKilled(Path dir, Path kept) throws IOException {
        if (Files.exists(kept)) {
            try (Stream<Path> old = Files.walk(kept)) {
                for (Path p : old.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.toList()) {
                Files.copy(p, kept.resolve(dir.relativize(p).toString()));
            }
        }
    }

    /**
     * Counts the outbox rows the database has committed (H2's COUNT(*) also counts the dead rows a kill can
     * leave, see {@code Dialect#needsWitness}).
     */
    private static long countOutbox(Connection c) throws Exception {
        return LogCheck.committedRows(c, "SELECT ID FROM " + Dialect.OUTBOX).size();
    }
}
