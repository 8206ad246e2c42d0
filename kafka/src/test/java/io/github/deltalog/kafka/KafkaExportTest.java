package io.github.deltalog.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.deltalog.Consumer;
import io.github.deltalog.Delta;
import io.github.deltalog.DeltaLog;
import io.github.deltalog.Tuple;
import io.github.deltalog.kafka.testing.KafkaBroker;
import io.github.deltalog.view.BaseRows;
import io.github.deltalog.view.View;
import io.github.deltalog.view.ViewComputation;
import io.github.deltalog.view.ViewDefinition;
import io.github.deltalog.view.ViewRow;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The export against a real broker (one for the class; each test has its own topic prefix): a random workload
 * arrives exactly once and in order, restarts and a crash between Kafka's commit and the local advance publish
 * nothing twice, a fenced exporter stops, an unreachable broker is reported in plain words, and a view kept from
 * the topics on "another machine" equals the one kept from the log.
 */
class KafkaExportTest {
    private static final AtomicInteger PREFIXES = new AtomicInteger();
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

    private static String prefix() {
        return "t" + PREFIXES.incrementAndGet();
    }

    private static KafkaExporterBuilder exporter(DeltaLog log, String prefix) {
        return KafkaExporter.builder(log)
                .bootstrapServers(broker.bootstrapServers())
                .logName("shop")
                .topicPrefix(prefix)
                .timeout(Duration.ofSeconds(10));
    }

    @Test
    void randomWorkloadArrivesExactlyOnceInCommitOrderWithTombstones() throws Exception {
        long seed = Long.getLong("deltalog.kafka.seed", new Random().nextLong());
        String context = "seed " + seed + " (replay with -Ddeltalog.kafka.seed=" + seed + ")";
        String prefix = prefix();
        try (DeltaLog log = DeltaLog.inMemory()) {
            Workload w = new Workload(log, seed, Workload.TABLES);
            for (int i = 0; i < 300; i++) {
                w.step();
            }
            try (KafkaExporter ex = exporter(log, prefix).batchSize(50).build()) {
                long n = ex.exportAvailable();
                List<Delta> all = Workload.all(log, Workload.TABLES);
                assertEquals(all.size(), n, context);
                assertEquals(log.lastCommitted(), ex.position(), context);
                // Then the background loop, woken by commits.
                ex.start();
                for (int i = 0; i < 200; i++) {
                    w.step();
                }
                assertTrue(
                        ex.awaitExported(log.lastCommitted(), Duration.ofSeconds(30)), context + ": " + ex.lastError());
                all = Workload.all(log, Workload.TABLES);
                assertEquals(0, ex.stats().lag(), context);
                assertEquals(all.size(), ex.stats().exportedDeltas(), context);
                assertTrue(ex.stats().batches() >= all.size() / 60, context + " " + ex.stats());
                assertTrue(all.stream().anyMatch(Workload::isDelete), context);
                ExportedTopics.assertExactlyOnce(
                        broker.bootstrapServers(),
                        TopicNames.of(prefix),
                        "shop",
                        "kafka-export",
                        all,
                        log.lastCommitted(),
                        context);
            }
        }
    }

    @Test
    void batchesAreCutOnlyBetweenTransactions() {
        try (DeltaLog log = DeltaLog.inMemory()) {
            log.track("a");
            log.track("b");
            List<Long> stamps = new ArrayList<>();
            for (int t = 0; t < 10; t++) {
                try (var tx = log.begin()) {
                    for (int r = 0; r < 7; r++) {
                        tx.insert(r % 2 == 0 ? "a" : "b", t * 10L + r, Tuple.of(t, r));
                    }
                    stamps.add(tx.commit());
                }
            }
            ExportBatch first = ExportBatch.read(log, List.of("a", "b"), 0, 10);
            assertEquals(14, first.deltas().size()); // 10 reached inside the second transaction: it is kept whole
            assertEquals(stamps.get(1), first.upTo());
            ExportBatch rest = ExportBatch.read(log, List.of("a", "b"), first.upTo(), 1000);
            assertEquals(56, rest.deltas().size());
            assertEquals(log.lastCommitted(), rest.upTo());
            assertTrue(ExportBatch.read(log, List.of("a", "b"), rest.upTo(), 1).isEmpty());
        }
    }

    @Test
    void restartsAndACrashBeforeTheLocalAdvancePublishNothingTwice() throws Exception {
        String prefix = prefix();
        long seed = new Random().nextLong();
        String context = "seed " + seed;
        List<String> exported = List.of("orders", "customers");
        try (DeltaLog log = DeltaLog.inMemory()) {
            Workload w = new Workload(log, seed, exported);
            log.track("not-exported");
            for (int i = 0; i < 100; i++) {
                w.step();
            }
            try (KafkaExporter ex = exporter(log, prefix).tables(exported).build()) {
                assertEquals(Workload.all(log, exported).size(), ex.exportAvailable());
            }
            for (int i = 0; i < 50; i++) {
                w.step();
            }
            long beforeLastBatch;
            long kafkaPosition;
            try (KafkaExporter ex = exporter(log, prefix).tables(exported).build()) {
                beforeLastBatch = ex.position();
                assertTrue(ex.exportAvailable() > 0);
                kafkaPosition = ex.position();
            }
            // The crash: Kafka committed the batch, the log's consumer never advanced. Put it back.
            log.dropConsumer("kafka-export");
            Consumer c = log.consumer("kafka-export", beforeLastBatch);
            assertEquals(beforeLastBatch, c.position());
            try (KafkaExporter ex = exporter(log, prefix).tables(exported).build()) {
                assertEquals(0, ex.exportAvailable(), "republished what Kafka had");
                assertEquals(kafkaPosition, ex.position());
            }
            // Commits of a table not exported move the consumer without a Kafka transaction: Kafka's position then
            // trails the log's, and a restart goes on from the log's.
            log.recordInsert("not-exported", 1, Tuple.of(1));
            try (KafkaExporter ex = exporter(log, prefix).tables(exported).build()) {
                assertEquals(0, ex.exportAvailable());
                assertEquals(log.lastCommitted(), ex.position());
            }
            for (int i = 0; i < 30; i++) {
                w.step();
            }
            try (KafkaExporter ex = exporter(log, prefix).tables(exported).build()) {
                assertTrue(ex.exportAvailable() > 0);
                ExportedTopics.assertExactlyOnce(
                        broker.bootstrapServers(),
                        TopicNames.of(prefix),
                        "shop",
                        "kafka-export",
                        Workload.all(log, exported),
                        log.lastCommitted(),
                        context);
            }
        }
    }

    @Test
    void aSecondExporterOfTheSameTransactionalIdFencesTheFirst() {
        String prefix = prefix();
        try (DeltaLog log = DeltaLog.inMemory()) {
            log.track("orders");
            log.recordInsert("orders", 1, Tuple.of(1));
            try (KafkaExporter first = exporter(log, prefix)
                            .consumer("a")
                            .transactionalId("fence-me")
                            .build();
                    KafkaExporter second = exporter(log, prefix)
                            .consumer("b")
                            .transactionalId("fence-me")
                            .build()) {
                assertEquals(1, first.exportAvailable());
                assertEquals(1, second.exportAvailable()); // its initTransactions fences the first
                log.recordInsert("orders", 2, Tuple.of(2));
                long before = first.position();
                KafkaExportException e = assertThrows(KafkaExportException.class, first::exportAvailable);
                assertTrue(e.isFatal(), e.getMessage());
                assertTrue(e.getMessage().contains("fenced"), e.getMessage());
                assertTrue(e.getMessage().contains(broker.bootstrapServers()), e.getMessage());
                assertEquals(KafkaExporter.State.FAILED, first.state());
                assertEquals(before, first.position());
                assertThrows(KafkaExportException.class, first::exportAvailable);
            }
        }
    }

    @Test
    void anUnreachableBrokerIsReportedInPlainWordsWithinTheTimeout() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String servers = "127.0.0.1:" + port;
        try (DeltaLog log = DeltaLog.inMemory()) {
            log.track("orders");
            log.recordInsert("orders", 1, Tuple.of(1));
            try (KafkaExporter ex = KafkaExporter.builder(log)
                    .bootstrapServers(servers)
                    .logName("shop")
                    .timeout(Duration.ofSeconds(2))
                    .build()) {
                long start = System.nanoTime();
                KafkaExportException e = assertThrows(KafkaExportException.class, ex::exportAvailable);
                long ms = (System.nanoTime() - start) / 1_000_000;
                assertTrue(ms < 10_000, "took " + ms + " ms");
                assertFalse(e.isFatal(), e.getMessage());
                assertTrue(e.getMessage().contains(servers), e.getMessage());
                assertTrue(e.getMessage().contains("no answer from the broker"), e.getMessage());
                assertTrue(e.getMessage().contains("topic 'deltalog."), e.getMessage());
                assertTrue(e.getMessage().contains("nothing was lost"), e.getMessage());
                assertEquals(0, ex.position());
                assertNotNull(ex.lastError());
                assertEquals(1, ex.stats().lag());
                assertTrue(ex.consumer().isEmpty(), "registered before reaching Kafka");
            }
            // An exporter that never reached Kafka leaves no consumer behind to hold back every purge.
            assertEquals(List.of(), log.consumers());
            assertTrue(log.findConsumer("kafka-export").isEmpty());
        }
    }

    @Test
    void aViewKeptFromTheTopicsEqualsTheViewKeptFromTheLog() {
        long seed = new Random().nextLong();
        String prefix = prefix();
        ViewDefinition revenue = ViewDefinition.from("orders")
                .groupBy(1)
                .count()
                .sum(2)
                .min(2)
                .max(2)
                .build();
        try (DeltaLog log = DeltaLog.inMemory()) {
            log.track("orders");
            View local = log.view("revenue", revenue);
            Workload w = new Workload(log, seed, List.of("orders"));
            try (KafkaExporter ex = exporter(log, prefix).batchSize(40).build()) {
                ex.exportAvailable(); // nothing yet, but the topics are there from now on
                KafkaChangeSource source = KafkaChangeSource.builder(broker.bootstrapServers())
                        .topicPrefix(prefix)
                        .tables(List.of("orders"))
                        .build();
                // The remote side rebuilds the rows from the topic's deltas alone and computes the view over them.
                Map<Long, Tuple> remoteRows = new TreeMap<>();
                long got = 0;
                for (int round = 0; round < 5; round++) {
                    for (int i = 0; i < 60; i++) {
                        w.step();
                    }
                    ex.exportAvailable();
                    local.refresh();
                    long expected = log.count("orders", 0);
                    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                    while (got < expected) {
                        assertTrue(System.nanoTime() < deadline, "seed " + seed + ": got " + got + " of " + expected);
                        List<Delta> ds = source.poll(Duration.ofMillis(200));
                        for (Delta d : ds) {
                            Tuple after = d.op().after();
                            if (after == null) {
                                remoteRows.remove(d.rowId());
                            } else {
                                remoteRows.put(d.rowId(), after);
                            }
                        }
                        got += ds.size();
                    }
                    assertEquals(expected, got, "seed " + seed);
                    List<ViewRow> remote = ViewComputation.compute(revenue, table -> remoteRows.entrySet().stream()
                            .map(e -> new BaseRows.Row(e.getKey(), e.getValue()))
                            .toList());
                    assertEquals(local.stream().toList(), remote, "seed " + seed + ", round " + round);
                }
                assertTrue(local.size() > 1, "seed " + seed);
                source.close();
            }
        }
    }

    @Test
    void aConsumerGroupGoesOnWhereItCommitted() {
        String prefix = prefix();
        try (DeltaLog log = DeltaLog.inMemory()) {
            log.track("orders");
            for (int i = 0; i < 20; i++) {
                log.recordInsert("orders", i, Tuple.of(i));
            }
            try (KafkaExporter ex = exporter(log, prefix).batchSize(5).build()) {
                ex.exportAvailable();
            }
            List<Delta> first;
            try (KafkaChangeSource s = ordersOfGroup(prefix, "g1")) {
                first = pollAtLeast(s, 20);
                s.commitSync();
            }
            assertEquals(20, first.size());
            log.recordInsert("orders", 100, Tuple.of(100));
            try (KafkaExporter ex = exporter(log, prefix).build()) {
                ex.exportAvailable();
            }
            List<Delta> second;
            try (KafkaChangeSource s = ordersOfGroup(prefix, "g1")) {
                second = pollAtLeast(s, 1);
                assertThrows(IllegalStateException.class, () -> KafkaChangeSource.builder(broker.bootstrapServers())
                        .topicPrefix(prefix)
                        .tables(List.of("missing"))
                        .timeout(Duration.ofSeconds(1))
                        .build());
            }
            assertEquals(1, second.size());
            assertEquals(100, second.get(0).rowId());
        }
    }

    private static KafkaChangeSource ordersOfGroup(String prefix, String group) {
        return KafkaChangeSource.builder(broker.bootstrapServers())
                .topicPrefix(prefix)
                .tables(List.of("orders"))
                .groupId(group)
                .build();
    }

    /** Polls until at least {@code n} deltas came (or 30 s passed): what one poll returns depends on timing. */
    private static List<Delta> pollAtLeast(KafkaChangeSource source, int n) {
        List<Delta> got = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (got.size() < n && System.nanoTime() < deadline) {
            got.addAll(source.poll(Duration.ofMillis(200)));
        }
        return got;
    }
}
