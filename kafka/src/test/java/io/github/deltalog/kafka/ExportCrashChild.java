package io.github.deltalog.kafka;

import io.github.deltalog.DeltaLog;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;

/**
 * The child JVM of {@link ExportKillLoopTest}: opens a file log, starts a background {@link KafkaExporter} on it and
 * commits random transactions until it is killed. Prints {@code READY} once the exporter runs.
 *
 * <p>Arguments: log file, bootstrap servers, topic prefix, seed.
 */
public final class ExportCrashChild {
    private ExportCrashChild() {}

    /**
     * Runs until killed.
     *
     * @param args log file, bootstrap servers, topic prefix, seed
     * @throws Exception on any failure (the parent sees the exit code)
     */
    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        String servers = args[1];
        String prefix = args[2];
        long seed = Long.parseLong(args[3]);
        Random rnd = new Random(seed);
        try (DeltaLog log = DeltaLog.open(file)) {
            Workload w = new Workload(log, seed, Workload.TABLES);
            KafkaExporter ex = ExportKillLoopTest.exporter(log, servers, prefix)
                    .batchSize(1 + rnd.nextInt(200))
                    .linger(Duration.ofMillis(rnd.nextInt(30)))
                    .build();
            long t0 = System.nanoTime();
            long n = ex.exportAvailable(); // connects, reconciles with Kafka, exports what the last child left
            System.err.println("child " + seed + ": first export of " + n + " deltas took "
                    + (System.nanoTime() - t0) / 1_000_000 + " ms");
            ex.start();
            System.out.println("READY");
            System.out.flush();
            long nextReport = System.nanoTime();
            while (true) {
                if (System.nanoTime() > nextReport) {
                    System.err.println("child " + seed + ": " + ex.stats()); // to target/kill-loop-child.txt
                    nextReport += 250_000_000L;
                }
                w.step();
                // About a thousand deltas a second, and a pause when the exporter falls behind: a backlog would
                // only make the next child's first export (and the test) longer.
                Thread.sleep(ex.stats().lag() > 2000 ? 20 : 2);
                if (ex.state() == KafkaExporter.State.FAILED) {
                    System.out.println("FAILED " + ex.lastError().getMessage());
                    System.out.flush();
                    System.exit(3);
                }
            }
        }
    }
}
