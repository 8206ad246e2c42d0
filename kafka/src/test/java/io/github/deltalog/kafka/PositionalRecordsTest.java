package io.github.deltalog.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.deltalog.Delta;
import io.github.deltalog.DeltaLog;
import io.github.deltalog.json.TableColumns;
import io.github.deltalog.kafka.testing.KafkaBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * Topics written by an older exporter, in the positional envelope ({@code {"after":[{"long":1},...]}}, key {@code
 * {"rowId":N}}, a tombstone after each delete), and topics where the older and the named form alternate (an
 * exporter upgraded in the middle of a topic; the named records with their schema block), read back through a real broker by {@link KafkaChangeSource}: every
 * delta equals the recorded one, in commit order per table. Seed: {@code -Ddeltalog.seed}.
 */
class PositionalRecordsTest {
    @Test
    void theSourceReadsOldPositionalRecordsAndMixedTopics() throws Exception {
        long seed = Long.getLong("deltalog.seed", new Random().nextLong());
        List<String> tables = List.of("orders", "customers");
        try (KafkaBroker broker = KafkaBroker.start();
                DeltaLog log = DeltaLog.inMemory()) {
            Workload w = new Workload(log, seed, tables);
            for (int i = 0; i < 300; i++) {
                w.step();
            }
            Map<String, List<Delta>> expected = new HashMap<>();
            for (Delta d : Workload.all(log, tables)) {
                expected.computeIfAbsent(d.table(), t -> new ArrayList<>()).add(d);
            }
            TopicNames names = TopicNames.of("old");
            try (Admin admin =
                    Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
                List<NewTopic> topics = new ArrayList<>();
                for (String t : tables) {
                    topics.add(new NewTopic(names.topicOf(t), 1, (short) 1));
                }
                admin.createTopics(topics).all().get();
            }
            Random rnd = new Random(seed);
            // Every send is checked: a batch the broker did not take (a slow start on a loaded machine) fails the
            // test with the producer's reason instead of showing up as deltas the source never read.
            List<Future<RecordMetadata>> sends = new ArrayList<>();
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                    Map.of(
                            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                            broker.bootstrapServers(),
                            ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
                            300_000),
                    new ByteArraySerializer(),
                    new ByteArraySerializer())) {
                for (String t : tables) {
                    // orders: all in the older form; customers: the older and the named form (with its schema block,
                    // so that the values read back exactly) mixed, as in a topic whose exporter was upgraded
                    boolean mixed = t.equals("customers");
                    for (Delta d : expected.get(t)) {
                        String topic = names.topicOf(t);
                        int form = mixed ? 2 * rnd.nextInt(2) : 0;
                        byte[] key = form == 0
                                ? DeltaRecords.key(d.rowId())
                                : DeltaRecords.key(d, TableColumns.of(log, d), "shop", form == 2);
                        byte[] value = form == 0
                                ? DeltaRecords.value(d, "shop")
                                : DeltaRecords.value(d, TableColumns.of(log, d), "shop", form == 2);
                        sends.add(producer.send(new ProducerRecord<>(topic, key, value)));
                        if (Workload.isDelete(d)) {
                            sends.add(producer.send(new ProducerRecord<>(topic, key, null)));
                        }
                    }
                }
                producer.flush();
                for (Future<RecordMetadata> send : sends) {
                    send.get();
                }
            }
            Map<String, List<Delta>> read = new HashMap<>();
            int total = expected.values().stream().mapToInt(List::size).sum();
            int got = 0;
            try (KafkaChangeSource source = KafkaChangeSource.builder(broker.bootstrapServers())
                    .topicPrefix("old")
                    .tables(tables)
                    .build()) {
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (got < total && System.nanoTime() < deadline) {
                    for (Delta d : source.poll(Duration.ofMillis(500))) {
                        read.computeIfAbsent(d.table(), t -> new ArrayList<>()).add(d);
                        got++;
                    }
                }
            }
            for (String t : tables) {
                assertEquals(expected.get(t), read.getOrDefault(t, List.of()), "seed " + seed + ", table " + t);
            }
        }
    }
}
