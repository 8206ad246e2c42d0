package io.github.deltalog.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The records of the positions topic ({@code <prefix>.__positions}, compacted, one partition): the key is {@code
 * <logName>/<consumer>} in UTF-8, the value {@code {"position":TS}}, the commit timestamp up to which the
 * exporter of that log and consumer has published, written in the same Kafka transaction as the deltas.
 */
public final class PositionsTopic {
    private static final Pattern VALUE = Pattern.compile("\\{\"position\":(-?[0-9]{1,19})\\}");

    private PositionsTopic() {}

    /**
     * Returns the key of an exporter's position.
     *
     * @param logName the log's name (without {@code /})
     * @param consumer the log consumer's name
     * @return {@code <logName>/<consumer>} in UTF-8
     */
    public static byte[] key(String logName, String consumer) {
        return (logName + '/' + consumer).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Returns the value of a position record.
     *
     * @param position the commit timestamp published up to
     * @return {@code {"position":TS}} in UTF-8
     */
    public static byte[] value(long position) {
        return ("{\"position\":" + position + "}").getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Reads a position back from a record's value.
     *
     * @param value the value
     * @return the position
     * @throws IllegalArgumentException if the value is not {@code {"position":TS}}
     */
    public static long position(byte[] value) {
        String text = value == null ? "null" : new String(value, StandardCharsets.ISO_8859_1);
        Matcher m = VALUE.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a position record: " + text);
        }
        return Long.parseLong(m.group(1));
    }

    /**
     * Reads the positions topic from its start to its end, as committed ({@code isolation.level=read_committed}),
     * and returns the last position under a key. O(records in the topic); the topic is compacted, so that is
     * about one record per exporter.
     *
     * <p>The end is the last stable offset: records of transactions still open are not waited for. An exporter
     * calls this right after {@code initTransactions()}, which completes or aborts its own previous transaction,
     * so its own last commit is before that offset unless another exporter sharing the topic holds a transaction
     * open that began earlier (then this returns an older position until that transaction ends).
     *
     * @param consumerProperties the connection settings (bootstrap servers, timeouts, security)
     * @param topic the positions topic
     * @param key the key to look up
     * @param timeout how long to try
     * @return the position, or -1 if there is none
     * @throws org.apache.kafka.common.KafkaException if Kafka cannot be read in time
     */
    static long read(Map<String, Object> consumerProperties, String topic, byte[] key, Duration timeout) {
        Map<String, Object> props = new HashMap<>(consumerProperties);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition tp = new TopicPartition(topic, 0);
            List<TopicPartition> tps = Collections.singletonList(tp);
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            long end = consumer.endOffsets(tps, timeout).get(tp);
            long found = -1;
            long deadline = System.nanoTime() + timeout.toNanos();
            while (consumer.position(tp, timeout) < end) {
                if (System.nanoTime() > deadline) {
                    throw new org.apache.kafka.common.errors.TimeoutException("reading " + topic + " to offset " + end
                            + " took longer than " + timeout.toMillis() + " ms");
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (Arrays.equals(r.key(), key) && r.value() != null) {
                        found = position(r.value());
                    }
                }
            }
            return found;
        }
    }
}
