package io.github.deltalog.kafka;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.github.deltalog.DeltaLog;
import io.github.deltalog.kafka.testing.KafkaBroker;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGKILL of a process that commits to a file log while its background exporter publishes to Kafka, at random
 * moments (during start-up and transaction init too), round after round on the same log and topics; then the parent
 * exports the rest and checks that Kafka holds every delta of the log exactly once, in order, with its tombstones.
 * Rounds: {@code -Ddeltalog.kafka.kill.rounds} (default 10, {@code -Pstress} 200); replay with {@code
 * -Ddeltalog.kafka.seed}.
 */
class ExportKillLoopTest {
    private static KafkaBroker broker;

    @BeforeAll
    static void startBroker() {
        broker = KafkaBroker.start();
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    static KafkaExporterBuilder exporter(DeltaLog log, String servers, String prefix) {
        return KafkaExporter.builder(log)
                .bootstrapServers(servers)
                .logName("crash")
                .topicPrefix(prefix)
                .timeout(Duration.ofSeconds(5));
    }

    @Test
    void everyDeltaIsInKafkaExactlyOnceAfterRandomKills(@TempDir Path dir) throws Exception {
        int rounds = Integer.getInteger("deltalog.kafka.kill.rounds", 10);
        long seed = Long.getLong("deltalog.kafka.seed", new Random().nextLong());
        String context = "seed " + seed + " (replay with -Ddeltalog.kafka.seed=" + seed + ")";
        Random rnd = new Random(seed);
        Path file = dir.resolve("export.deltas");
        Path out = Path.of("target", "kill-loop-child.txt").toAbsolutePath();
        String prefix = "kill";
        int killedBeforeReady = 0;
        for (int round = 0; round < rounds; round++) {
            Process child = new ProcessBuilder(
                            Path.of(System.getProperty("java.home"), "bin", "java")
                                    .toString(),
                            "-Xmx256m",
                            "-XX:+UseSerialGC",
                            "-cp",
                            System.getProperty("java.class.path"),
                            ExportCrashChild.class.getName(),
                            file.toString(),
                            broker.bootstrapServers(),
                            prefix,
                            Long.toString(rnd.nextLong()))
                    .redirectError(ProcessBuilder.Redirect.appendTo(out.toFile()))
                    .start();
            try {
                if (rnd.nextInt(5) == 0) {
                    // Kill during start-up: opening and recovering the log, initTransactions, reading positions.
                    Thread.sleep(rnd.nextInt(1500));
                    killedBeforeReady++;
                } else {
                    awaitReady(child, context + ", round " + round);
                    Thread.sleep(200 + rnd.nextInt(1000));
                }
                if (!child.isAlive()) {
                    fail(context + ", round " + round + ": the child exited with " + child.exitValue() + "; see "
                            + out);
                }
            } finally {
                child.destroyForcibly();
                child.waitFor(30, TimeUnit.SECONDS);
            }
        }
        try (DeltaLog log = DeltaLog.open(file)) {
            long byChildren = log.consumers().contains("kafka-export")
                    ? log.changesAfter(Workload.TABLES, log.oldestRetained()).deltas().stream()
                            .filter(d -> d.commitTimestamp()
                                    <= log.consumer("kafka-export").position())
                            .count()
                    : 0;
            assertTrue(
                    rounds < 10 || byChildren > 0, // with fewer rounds, all kills may come before a first batch
                    context + ": the children exported nothing before their kills; consumers " + log.consumers()
                            + ", watermark " + log.lastCommitted() + ", oldest retained " + log.oldestRetained()
                            + ", position "
                            + (log.consumers().contains("kafka-export")
                                    ? log.consumer("kafka-export").position()
                                    : -1));
            Workload w = new Workload(log, seed, Workload.TABLES);
            w.step(); // so that the last batch, and the position record, reach the watermark
            try (KafkaExporter ex =
                    exporter(log, broker.bootstrapServers(), prefix).build()) {
                ex.exportAvailable();
                assertTrue(ex.position() == log.lastCommitted(), context);
            }
            List<io.github.deltalog.Delta> all = Workload.all(log, Workload.TABLES);
            assertTrue(all.size() > rounds, context + ": only " + all.size() + " deltas");
            ExportedTopics.assertExactlyOnce(
                    broker.bootstrapServers(),
                    TopicNames.of(prefix),
                    "crash",
                    "kafka-export",
                    all,
                    log.lastCommitted(),
                    context);
            System.out.println("ExportKillLoopTest: " + rounds + " rounds (" + killedBeforeReady
                    + " killed during start-up), " + all.size() + " deltas exactly once, " + byChildren
                    + " of them exported by the killed children, " + context);
        }
    }

    /** Reads the child's output until READY, without blocking past the deadline (a hung child fails the test). */
    private static void awaitReady(Process child, String context) throws Exception {
        InputStream in = child.getInputStream();
        StringBuilder line = new StringBuilder();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (in.available() == 0) {
                if (!child.isAlive()) {
                    break;
                }
                Thread.sleep(10);
                continue;
            }
            int b = in.read();
            if (b < 0) {
                break;
            }
            if (b != '\n') {
                line.append((char) b);
                continue;
            }
            if (line.toString().equals("READY")) {
                return;
            }
            if (line.toString().startsWith("FAILED")) {
                fail(context + ": " + line);
            }
            line.setLength(0);
        }
        fail(context + ": the child did not get ready within 60 s (alive: " + child.isAlive()
                + "); see target/kill-loop-child.txt");
    }
}
