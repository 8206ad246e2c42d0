package io.github.deltalog.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.deltalog.Delta;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Reads an export's topics with a plain read_committed consumer and checks them against the log. */
final class ExportedTopics {
    private ExportedTopics() {}

    /**
     * Reads every committed record of some topics, per topic in offset order (one partition each), waiting up to
     * 30 s for a topic to hold at least the given number of records: a producer's {@code commitTransaction} returns
     * before the commit markers reach the partitions, so a read_committed consumer right after it can find the last
     * stable offset still before the last transaction.
     */
    static Map<String, List<ConsumerRecord<byte[], byte[]>>> read(
            String servers, List<String> topics, Map<String, Integer> atLeast) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        Map<String, List<ConsumerRecord<byte[], byte[]>>> out = new LinkedHashMap<>();
        try (KafkaConsumer<byte[], byte[]> c =
                new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = new ArrayList<>();
            for (String t : topics) {
                out.put(t, new ArrayList<>());
                List<PartitionInfo> infos = c.partitionsFor(t, Duration.ofSeconds(30));
                for (PartitionInfo p : infos) {
                    parts.add(new TopicPartition(t, p.partition()));
                }
            }
            c.assign(parts);
            c.seekToBeginning(parts);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            long markersDeadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (true) {
                Map<TopicPartition, Long> ends = c.endOffsets(parts, Duration.ofSeconds(30));
                while (parts.stream().anyMatch(tp -> c.position(tp) < ends.get(tp))) {
                    assertTrue(System.nanoTime() < deadline, "reading " + topics + " to " + ends + " took over 60 s");
                    for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                        out.get(r.topic()).add(r);
                    }
                }
                boolean missing = atLeast.entrySet().stream()
                        .anyMatch(e -> out.get(e.getKey()).size() < e.getValue());
                if (!missing || System.nanoTime() > markersDeadline) {
                    return out;
                }
                sleep(100);
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while reading the topics", e);
        }
    }

    /**
     * Checks that the topics hold each delta of the log exactly once, each row's in commit order, a tombstone right
     * after each delete, each value with {@code source.name}; and that the positions record says {@code position}.
     */
    static void assertExactlyOnce(
            String servers,
            TopicNames names,
            String logName,
            String consumer,
            List<Delta> expected,
            long position,
            String context) {
        Map<String, List<Delta>> expectedByTopic = new LinkedHashMap<>();
        for (Delta d : expected) {
            expectedByTopic
                    .computeIfAbsent(names.topicOf(d.table()), k -> new ArrayList<>())
                    .add(d);
        }
        List<String> topics = new ArrayList<>(expectedByTopic.keySet());
        topics.add(names.positionsTopic());
        Map<String, Integer> atLeast = new HashMap<>();
        // Each delta is a record, each delete adds its tombstone.
        expectedByTopic.forEach((topic, deltas) -> atLeast.put(
                topic,
                deltas.size() + (int) deltas.stream().filter(Workload::isDelete).count()));
        Map<String, List<ConsumerRecord<byte[], byte[]>>> records = read(servers, topics, atLeast);
        for (Map.Entry<String, List<Delta>> e : expectedByTopic.entrySet()) {
            String topic = e.getKey();
            // With one partition the whole topic is in commit order, which implies each row's order.
            List<ConsumerRecord<byte[], byte[]>> got = records.get(topic);
            int i = 0;
            for (Delta d : e.getValue()) {
                String where = context + ", topic " + topic + ", record " + i + " of " + got.size() + ", expected " + d;
                assertTrue(i < got.size(), where + ": missing");
                ConsumerRecord<byte[], byte[]> r = got.get(i++);
                assertEquals(d.rowId(), DeltaRecords.rowIdOf(r.key()), where);
                assertEquals(d, DeltaRecords.delta(r.value()), where);
                assertTrue(
                        new String(r.value(), java.nio.charset.StandardCharsets.UTF_8)
                                .contains("\"source\":{\"version\":\"deltalog\",\"connector\":\"deltalog\",\"name\":\""
                                        + logName + "\",\"db\":\"" + logName + "\""),
                        where);
                if (Workload.isDelete(d)) {
                    assertTrue(i < got.size(), where + ": no tombstone");
                    ConsumerRecord<byte[], byte[]> t = got.get(i++);
                    assertTrue(Arrays.equals(r.key(), t.key()), where + ": tombstone key");
                    assertNull(t.value(), where + ": tombstone");
                }
            }
            assertEquals(
                    i, got.size(), context + ", topic " + topic + ": records beyond the log's deltas (duplicates?)");
        }
        long last = -1;
        byte[] key = PositionsTopic.key(logName, consumer);
        for (ConsumerRecord<byte[], byte[]> r : records.get(names.positionsTopic())) {
            if (Arrays.equals(r.key(), key)) {
                last = PositionsTopic.position(r.value());
            }
        }
        assertEquals(position, last, context + ": the positions record");
    }
}
