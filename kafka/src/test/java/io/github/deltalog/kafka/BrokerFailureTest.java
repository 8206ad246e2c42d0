package io.github.deltalog.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.deltalog.DeltaLog;
import io.github.deltalog.kafka.testing.KafkaBroker;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The broker dies (SIGKILL) while the background loop exports a steady stream of commits, and comes back on the same
 * port: while it is down the export reports the broker in plain words and the consumer stays put; once it is back
 * the loop catches up, and every delta is in Kafka exactly once.
 */
class BrokerFailureTest {
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

    @Test
    void aKilledAndRestartedBrokerLosesNothingAndDuplicatesNothing() throws Exception {
        long seed = new Random().nextLong();
        String context = "seed " + seed;
        try (DeltaLog log = DeltaLog.inMemory();
                KafkaExporter ex = KafkaExporter.builder(log)
                        .bootstrapServers(broker.bootstrapServers())
                        .logName("shop")
                        .topicPrefix("down")
                        .batchSize(100)
                        .linger(Duration.ofMillis(20))
                        .timeout(Duration.ofSeconds(2))
                        .retryBackoff(Duration.ofMillis(100), Duration.ofMillis(500))
                        .build()) {
            Workload w = new Workload(log, seed, Workload.TABLES);
            ex.start();
            AtomicBoolean writing = new AtomicBoolean(true);
            AtomicReference<Throwable> writerFailure = new AtomicReference<>();
            Thread writer = new Thread(() -> {
                try {
                    while (writing.get()) {
                        w.step();
                        Thread.sleep(2);
                    }
                } catch (Throwable t) {
                    writerFailure.set(t);
                }
            });
            writer.start();
            try {
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (ex.stats().batches() < 3 && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                assertTrue(
                        ex.stats().exportedDeltas() > 0, context + ": nothing exported before the kill " + ex.stats());
                broker.kill();
                Thread.sleep(1000); // commits go on while the broker is down

                long before = ex.position();
                KafkaExportException e = assertThrows(KafkaExportException.class, ex::exportAvailable);
                String m = e.getMessage();
                assertFalse(e.isFatal(), m);
                assertTrue(m.contains(broker.bootstrapServers()), m);
                assertTrue(m.contains("no answer from the broker at " + broker.bootstrapServers()), m);
                assertTrue(m.contains("topic 'down."), m);
                assertTrue(m.contains("nothing was lost"), m);
                assertTrue(log.lastCommitted() > ex.position(), context);
                assertTrue(ex.position() <= before + 0 || ex.position() == before, m);
                assertEquals(before, ex.position(), "the consumer moved while the broker was down");
                assertNotNull(ex.lastError(), context);
                assertTrue(ex.stats().lag() > 0, context);
                assertEquals(KafkaExporter.State.RUNNING, ex.state());

                broker.restart();
                Thread.sleep(1000);
            } finally {
                writing.set(false);
                writer.join();
            }
            if (writerFailure.get() != null) {
                throw new AssertionError(context + ": the writer failed", writerFailure.get());
            }
            assertTrue(
                    ex.awaitExported(log.lastCommitted(), Duration.ofSeconds(60)),
                    context + ": did not catch up after the restart: " + ex.stats());
            assertEquals(0, ex.stats().lag());
            ExportedTopics.assertExactlyOnce(
                    broker.bootstrapServers(),
                    TopicNames.of("down"),
                    "shop",
                    "kafka-export",
                    Workload.all(log, Workload.TABLES),
                    log.lastCommitted(),
                    context);
        }
    }
}
