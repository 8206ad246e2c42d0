package io.github.deltalog.kafka;

import io.github.deltalog.Delta;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads exported deltas back from Kafka on another machine: a Kafka consumer with {@code
 * isolation.level=read_committed} (so it sees whole export batches, never an aborted one) on the topics of some
 * tables, decoding each record into a {@link Delta} and skipping tombstones. It reads both forms of the envelope:
 * the named one the exporter writes (with its schema block values come back as their exact types; without it as
 * the JSON gives them: whole numbers as Long, other numbers as Double, the rest as text) and the older positional
 * one.
 *
 * <p>Order: each row's changes come in commit order (a row's records share a key, hence a partition); a table
 * topic with one partition (the exporter's default) gives the table's changes in commit order. Across tables
 * there is no order.
 *
 * <p>Positions, two ways:
 *
 * <ul>
 *   <li>With a {@link Builder#groupId group id} the source subscribes as that consumer group, starts where the
 *       group committed (the beginning the first time), and {@link #commitSync()} commits what {@link #poll}
 *       returned: call it after applying a poll's deltas durably (at-least-once; make applying idempotent, or keep
 *       the offsets with your state instead).
 *   <li>Without one it assigns itself every partition of the topics and starts from the beginning (a full
 *       rebuild); {@link #positions()} and {@link #seek} let an application keep offsets with its own state, which
 *       gives exactly-once application.
 * </ul>
 *
 * Not thread-safe (a Kafka consumer belongs to one thread).
 */
public final class KafkaChangeSource implements AutoCloseable {
    private final KafkaConsumer<byte[], byte[]> kafka;
    private final TopicNames topics;
    private final boolean grouped;
    private boolean closed;

    private KafkaChangeSource(Builder b) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, b.servers);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) b.timeout.toMillis());
        props.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.max(50, b.timeout.toMillis() / 2));
        if (b.groupId != null) {
            props.put(ConsumerConfig.GROUP_ID_CONFIG, b.groupId);
        }
        props.putAll(b.properties);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        this.topics = b.topics;
        this.grouped = b.groupId != null;
        this.kafka = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        try {
            List<String> names = new ArrayList<>();
            for (String t : b.tables) {
                names.add(topics.topicOf(t));
            }
            if (grouped) {
                kafka.subscribe(names);
            } else {
                List<TopicPartition> parts = new ArrayList<>();
                for (String topic : names) {
                    List<PartitionInfo> infos = kafka.partitionsFor(topic, b.timeout);
                    if (infos == null || infos.isEmpty()) {
                        throw new IllegalStateException("topic '" + topic + "' does not exist at " + b.servers
                                + " (has the exporter published that table yet?)");
                    }
                    for (PartitionInfo p : infos) {
                        parts.add(new TopicPartition(topic, p.partition()));
                    }
                }
                kafka.assign(parts);
                kafka.seekToBeginning(parts);
            }
        } catch (RuntimeException e) {
            kafka.close(CloseOptions.timeout(Duration.ZERO));
            throw e;
        }
    }

    /**
     * Starts describing a source.
     *
     * @param bootstrapServers {@code host:port[,...]}
     * @return a builder
     */
    public static Builder builder(String bootstrapServers) {
        return new Builder(bootstrapServers);
    }

    /**
     * Waits up to a timeout for records and returns the deltas they hold, tombstones skipped.
     *
     * @param timeout the longest wait
     * @return the deltas, in the order of their partitions (possibly none)
     * @throws UndecodableRecordException if a record is not an exported delta of its topic's table; names the
     *     topic, partition and offset
     */
    public List<Delta> poll(Duration timeout) {
        List<Delta> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : kafka.poll(timeout)) {
            if (r.value() == null) {
                continue;
            }
            out.add(decode(r));
        }
        return out;
    }

    private Delta decode(ConsumerRecord<byte[], byte[]> r) {
        String where = "topic '" + r.topic() + "' partition " + r.partition() + " offset " + r.offset();
        try {
            Delta d = DeltaRecords.delta(r.value());
            Long keyRow = DeltaRecords.rowIdIfPlain(r.key());
            String table = topics.tableOf(r.topic());
            if (!d.table().equals(table) || (keyRow != null && d.rowId() != keyRow)) {
                throw new IllegalArgumentException("the record is about table '" + d.table() + "' row " + d.rowId()
                        + " but its topic is table '" + table + "' and its key row " + keyRow);
            }
            return d;
        } catch (IllegalArgumentException e) {
            throw new UndecodableRecordException(
                    "the record at " + where + " is not an exported delta: " + e.getMessage(), e);
        }
    }

    /**
     * Commits, for the consumer group, the offsets after the records the last polls returned. Synchronous.
     *
     * @throws IllegalStateException if the source has no group id
     */
    public void commitSync() {
        if (!grouped) {
            throw new IllegalStateException("commitSync needs a group id; without one keep positions() yourself");
        }
        kafka.commitSync();
    }

    /**
     * Returns the offset of the next record to read in each assigned partition.
     *
     * @return partition to offset
     */
    public Map<TopicPartition, Long> positions() {
        Map<TopicPartition, Long> out = new HashMap<>();
        for (TopicPartition tp : kafka.assignment()) {
            out.put(tp, kafka.position(tp));
        }
        return out;
    }

    /**
     * Moves the next read of a partition to an offset (one returned by {@link #positions()} earlier).
     *
     * @param partition an assigned partition
     * @param offset the offset of the next record to read
     */
    public void seek(TopicPartition partition, long offset) {
        kafka.seek(partition, offset);
    }

    /** Closes the Kafka consumer. Idempotent. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            kafka.close();
        }
    }

    /** Describes a {@link KafkaChangeSource}. */
    public static final class Builder {
        private final String servers;
        private TopicNames topics = TopicNames.of(KafkaExporterBuilder.DEFAULT_PREFIX);
        private List<String> tables;
        private String groupId;
        private Duration timeout = Duration.ofSeconds(10);
        private final Map<String, Object> properties = new HashMap<>();

        private Builder(String servers) {
            if (servers == null || servers.isBlank()) {
                throw new IllegalArgumentException("bootstrap servers must not be blank");
            }
            this.servers = servers.trim();
        }

        /**
         * The topic prefix the exporter used. Default {@value KafkaExporterBuilder#DEFAULT_PREFIX}.
         *
         * @param prefix the prefix
         * @return this builder
         */
        public Builder topicPrefix(String prefix) {
            this.topics = TopicNames.of(prefix);
            return this;
        }

        /**
         * The tables to read. Required.
         *
         * @param tables table names, at least one
         * @return this builder
         */
        public Builder tables(Collection<String> tables) {
            List<String> list = new ArrayList<>(Objects.requireNonNull(tables, "tables"));
            if (list.isEmpty()) {
                throw new IllegalArgumentException("give at least one table");
            }
            this.tables = list;
            return this;
        }

        /**
         * The Kafka consumer group. Default none: read every partition from the beginning.
         *
         * @param groupId the group id
         * @return this builder
         */
        public Builder groupId(String groupId) {
            if (groupId == null || groupId.isBlank()) {
                throw new IllegalArgumentException("the group id must not be blank");
            }
            this.groupId = groupId;
            return this;
        }

        /**
         * How long a Kafka call may take ({@code default.api.timeout.ms}; half as {@code request.timeout.ms}).
         * Default 10 s.
         *
         * @param timeout at least 100 ms
         * @return this builder
         */
        public Builder timeout(Duration timeout) {
            if (timeout == null || timeout.toMillis() < 100) {
                throw new IllegalArgumentException("the timeout must be at least 100 ms, was " + timeout);
            }
            this.timeout = timeout;
            return this;
        }

        /**
         * A Kafka consumer setting (security, fetch sizes). {@code isolation.level} stays {@code read_committed}.
         *
         * @param key the setting
         * @param value its value
         * @return this builder
         */
        public Builder property(String key, Object value) {
            properties.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /**
         * Connects: subscribes or assigns (see the class comment).
         *
         * @return the source
         * @throws IllegalStateException if no tables were given, or (without a group id) a topic does not exist
         */
        public KafkaChangeSource build() {
            if (tables == null) {
                throw new IllegalStateException("tables(...) is required");
            }
            return new KafkaChangeSource(this);
        }
    }
}
