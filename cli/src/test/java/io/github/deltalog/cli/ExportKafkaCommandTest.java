package io.github.deltalog.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.deltalog.Delta;
import io.github.deltalog.DeltaLog;
import io.github.deltalog.DeltaOp;
import io.github.deltalog.kafka.DeltaRecords;
import io.github.deltalog.kafka.TopicNames;
import io.github.deltalog.kafka.testing.KafkaBroker;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code deltalog export-kafka} against a real broker (one for the class, a topic prefix per test): the topics,
 * read back with a plain read_committed consumer, hold the log's deltas exactly once; a second run publishes nothing;
 * an unreachable broker fails fast without moving the consumer; SIGTERM ends a continuous export cleanly.
 */
class ExportKafkaCommandTest {
    private static KafkaBroker broker;

    @TempDir
    Path dir;

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
    void helpListsTheOptions() {
        Cli.Result r = Cli.run("export-kafka", "--help");
        assertEquals(0, r.exitCode(), r::toString);
        for (String option : List.of(
                "--bootstrap",
                "--consumer",
                "--topic-prefix",
                "--log-name",
                "--table",
                "--batch-size",
                "--linger",
                "--timeout",
                "--once",
                "--kafka-property")) {
            assertTrue(r.out().contains(option), option + " missing in\n" + r.out());
        }
        assertTrue(Cli.run("--help").out().contains("export-kafka"));
    }

    @Test
    void exportsTheLogOnceAndASecondRunPublishesNothing() {
        Path file = dir.resolve("shop.deltas");
        SampleLog.write(file);
        String prefix = "once";
        Cli.Result first = exportOnce(file, prefix, "--batch-size", "2");
        assertEquals(0, first.exitCode(), first::toString);
        assertTrue(first.out().startsWith("exported 13 deltas in 4 Kafka transactions"), first::toString);
        assertTrue(first.out().contains("consumer 'kafka-export' of log 'shop' at "), first::toString);
        assertTrue(first.out().contains(", 0 deltas behind"), first::toString);

        Map<String, List<ConsumerRecord<byte[], byte[]>>> records = readTopics(prefix);
        assertTopicsHold(file, records);

        Cli.Result second = exportOnce(file, prefix);
        assertEquals(0, second.exitCode(), second::toString);
        assertTrue(second.out().startsWith("exported 0 deltas in 0 Kafka transactions"), second::toString);
        Map<String, List<ConsumerRecord<byte[], byte[]>>> again = readTopics(prefix);
        for (String topic : records.keySet()) {
            assertEquals(records.get(topic).size(), again.get(topic).size(), topic + ": published again");
        }
        try (DeltaLog log = DeltaLog.open(file)) {
            assertEquals(log.lastCommitted(), log.consumer("kafka-export").position());
        }
    }

    @Test
    void exportsDecimalsAndTimesAsNumbersWhenAsked() {
        Path file = dir.resolve("shop.deltas");
        SampleLog.write(file);
        String prefix = "numeric";
        Cli.Result r = exportOnce(file, prefix, "--decimals", "number", "--times", "micros");
        assertEquals(0, r.exitCode(), r::toString);
        Map<String, List<ConsumerRecord<byte[], byte[]>>> records = readTopics(prefix);
        assertTopicsHold(file, records, prefix); // the schema block's semantic names give the exact values back
        TopicNames names = TopicNames.of(prefix);
        String order =
                new String(records.get(names.topicOf(SampleLog.ORDERS)).get(0).value(), StandardCharsets.UTF_8);
        assertTrue(order.contains("\"c2\":9.50,"), order);
        assertTrue(
                order.contains(
                        "{\"type\":\"double\",\"optional\":true,\"name\":\"io.github.deltalog.data.Decimal\",\"field\":\"c2\"}"),
                order);
        String customer = new String(
                records.get(names.topicOf(SampleLog.CUSTOMERS)).get(0).value(), StandardCharsets.UTF_8);
        assertTrue(customer.contains("\"c12\":19724,\"c13\":36672500000,\"c14\":1704190272000000,"), customer);
        assertTrue(customer.contains("\"name\":\"io.debezium.time.MicroTimestamp\",\"field\":\"c14\""), customer);
    }

    @Test
    void exportsOnlyTheGivenTablesUnderTheGivenNames() {
        Path file = dir.resolve("app.deltas");
        SampleLog.write(file);
        Cli.Result r = exportOnce(
                file, "tables", "--table", SampleLog.ORDERS, "--log-name", "eu-shop", "--consumer", "orders-export");
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.out().startsWith("exported 10 deltas in 1 Kafka transaction to"), r::toString);
        assertTrue(r.out().contains("consumer 'orders-export' of log 'eu-shop'"), r::toString);
        List<ConsumerRecord<byte[], byte[]>> orders = readTopics("tables").get("tables.orders");
        assertEquals(10 + 2, orders.size()); // two deletes, each followed by its tombstone
        assertTrue(new String(orders.get(0).value(), StandardCharsets.UTF_8).contains("\"name\":\"eu-shop\""));
    }

    @Test
    void anUnreachableBrokerFailsFastNamingItAndTheConsumerStays() throws IOException {
        Path file = dir.resolve("shop.deltas");
        SampleLog.write(file);
        String servers = "127.0.0.1:" + closedPort();
        long t0 = System.nanoTime();
        Cli.Result r = Cli.run("export-kafka", file.toString(), "--bootstrap", servers, "--timeout", "1s", "--once");
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0);
        assertEquals(Main.EXIT_EXPORT_FAILED, r.exitCode(), r::toString);
        assertEquals("", r.out(), r::toString);
        String last = r.err().lines().reduce((a, b) -> b).orElse("");
        assertTrue(last.startsWith("deltalog: export of log 'shop'"), r::toString);
        assertTrue(last.contains("at " + servers), r::toString);
        assertTrue(last.contains("no answer from the broker"), r::toString);
        assertTrue(last.endsWith("run the command again to retry"), r::toString);
        assertTrue(seconds < 15, "took " + seconds + " s");
        try (DeltaLog log = DeltaLog.open(file)) {
            // The exporter never reached Kafka, so it registered no consumer that would hold back every purge.
            assertTrue(log.findConsumer("kafka-export").isEmpty(), () -> "consumers: " + log.consumers());
            assertEquals(
                    13,
                    log.count(SampleLog.ORDERS, log.oldestRetained())
                            + log.count(SampleLog.CUSTOMERS, log.oldestRetained()));
        }
    }

    @Test
    void aContinuousExportEndsCleanlyOnSigterm() throws Exception {
        Path file = dir.resolve("shop.deltas");
        SampleLog.write(file);
        Path out = dir.resolve("out.txt");
        Path err = dir.resolve("err.txt");
        Process p = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx256m",
                        "-cp",
                        System.getProperty("java.class.path"),
                        Main.class.getName(),
                        "export-kafka",
                        file.toString(),
                        "--bootstrap",
                        broker.bootstrapServers(),
                        "--topic-prefix",
                        "continuous")
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.readString(err).contains("13 deltas exported")) {
                assertTrue(p.isAlive(), () -> "exited early: " + read(out) + read(err));
                assertTrue(System.nanoTime() < deadline, () -> "no progress line within 60 s: " + read(err));
                Thread.sleep(100);
            }
            p.destroy(); // SIGTERM
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "still running 60 s after SIGTERM");
        } finally {
            p.destroyForcibly();
        }
        String stderr = read(err);
        assertTrue(stderr.contains("export-kafka: 13 deltas exported, "), stderr);
        assertTrue(stderr.contains(", lag 0 deltas, "), stderr);
        assertTrue(read(out).startsWith("exported 13 deltas in 1 Kafka transaction to"), read(out) + stderr);
        // Closed cleanly: the file is not locked and the consumer's position was saved.
        try (DeltaLog log = DeltaLog.open(file)) {
            assertEquals(log.lastCommitted(), log.consumer("kafka-export").position());
        }
        assertEquals(
                13,
                readTopics("continuous").values().stream().mapToInt(List::size).sum() - 2);
    }

    private static String read(Path f) {
        try {
            return Files.readString(f, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(cannot read " + f + ": " + e + ")";
        }
    }

    /** Checks that the table topics hold each delta of the log once, in commit order, a tombstone after each delete. */
    private static void assertTopicsHold(Path file, Map<String, List<ConsumerRecord<byte[], byte[]>>> records) {
        assertTopicsHold(file, records, "once");
    }

    private static void assertTopicsHold(
            Path file, Map<String, List<ConsumerRecord<byte[], byte[]>>> records, String prefix) {
        TopicNames names = TopicNames.of(prefix);
        try (DeltaLog log = DeltaLog.builder().path(file).readOnly(true).open()) {
            for (String table : List.of(SampleLog.ORDERS, SampleLog.CUSTOMERS)) {
                List<ConsumerRecord<byte[], byte[]>> got = records.get(names.topicOf(table));
                List<Delta> expected =
                        log.changesAfter(List.of(table), LogFiles.start(log)).deltas();
                int i = 0;
                for (Delta d : expected) {
                    String where = table + " record " + i + ", expected " + d;
                    assertTrue(i < got.size(), where + ": missing");
                    ConsumerRecord<byte[], byte[]> r = got.get(i++);
                    assertEquals(d.rowId(), DeltaRecords.rowIdOf(r.key()), where);
                    assertEquals(d, DeltaRecords.delta(r.value()), where);
                    if (d.op() instanceof DeltaOp.Delete) {
                        ConsumerRecord<byte[], byte[]> t = got.get(i++);
                        assertTrue(Arrays.equals(r.key(), t.key()), where + ": tombstone key");
                        assertNull(t.value(), where + ": tombstone");
                    }
                }
                assertEquals(i, got.size(), table + ": records beyond the log's deltas");
            }
        }
    }

    /** Reads every committed record of a prefix's table topics, per topic in offset order (one partition each). */
    private static Map<String, List<ConsumerRecord<byte[], byte[]>>> readTopics(String prefix) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        TopicNames names = TopicNames.of(prefix);
        Map<String, List<ConsumerRecord<byte[], byte[]>>> out = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> c =
                new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = new ArrayList<>();
            for (Map.Entry<String, List<PartitionInfo>> e :
                    c.listTopics(Duration.ofSeconds(30)).entrySet()) {
                if (names.isTableTopic(e.getKey())) {
                    out.put(e.getKey(), new ArrayList<>());
                    for (PartitionInfo p : e.getValue()) {
                        parts.add(new TopicPartition(e.getKey(), p.partition()));
                    }
                }
            }
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> ends = c.endOffsets(parts, Duration.ofSeconds(30));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (parts.stream().anyMatch(tp -> c.position(tp) < ends.get(tp))) {
                assertTrue(System.nanoTime() < deadline, "reading " + parts + " took over 60 s");
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    out.get(r.topic()).add(r);
                }
            }
        }
        return out;
    }

    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Runs {@code export-kafka FILE --bootstrap ... --topic-prefix PREFIX [extra ...] --once} against the test's broker. */
    private Cli.Result exportOnce(Path file, String prefix, String... extra) {
        List<String> args = new java.util.ArrayList<>(List.of(
                "export-kafka", file.toString(), "--bootstrap", broker.bootstrapServers(), "--topic-prefix", prefix));
        args.addAll(List.of(extra));
        args.add("--once");
        return Cli.run(args.toArray(String[]::new));
    }
}
