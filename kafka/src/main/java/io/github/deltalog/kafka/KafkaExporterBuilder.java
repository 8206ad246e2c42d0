package io.github.deltalog.kafka;

import io.github.deltalog.DeltaLog;
import io.github.deltalog.json.ValueEncoding;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Describes a {@link KafkaExporter}. Required: {@link #bootstrapServers} and {@link #logName}; every other option
 * has the default its Javadoc states. Each option fails fast on a bad value.
 */
public final class KafkaExporterBuilder {
    /** The default consumer name. */
    public static final String DEFAULT_CONSUMER = "kafka-export";

    /** The default topic prefix. */
    public static final String DEFAULT_PREFIX = "deltalog";

    final DeltaLog log;
    String consumerName = DEFAULT_CONSUMER;
    boolean exportExisting = true;
    List<String> tables;
    String bootstrapServers;
    TopicNames topics = TopicNames.of(DEFAULT_PREFIX);
    String logName;
    String transactionalId;
    int batchSize = 10_000;
    Duration linger = Duration.ofMillis(100);
    boolean createTopics = true;
    boolean schemaBlock = true;
    ValueEncoding valueEncoding = ValueEncoding.DEFAULT;
    int partitions = 1;
    short replicationFactor = 1;
    Duration timeout = Duration.ofSeconds(10);
    Duration retryBackoff = Duration.ofMillis(200);
    Duration maxRetryBackoff = Duration.ofSeconds(5);
    final Map<String, Object> clientProperties = new HashMap<>();
    final Map<String, Object> producerProperties = new HashMap<>();

    KafkaExporterBuilder(DeltaLog log) {
        this.log = Objects.requireNonNull(log, "log");
    }

    /**
     * The Kafka brokers to connect to. Required.
     *
     * @param servers {@code host:port[,host:port...]}
     * @return this builder
     */
    public KafkaExporterBuilder bootstrapServers(String servers) {
        if (servers == null || servers.isBlank()) {
            throw new IllegalArgumentException("bootstrap servers must not be blank");
        }
        this.bootstrapServers = servers.trim();
        return this;
    }

    /**
     * The name of the log, written as {@code source.name} in every record and part of the positions key and of
     * the default transactional id. Required: two exporters of different logs into one Kafka cluster must not
     * share it (they would fence each other and share a position).
     *
     * @param name not blank, without {@code /}
     * @return this builder
     */
    public KafkaExporterBuilder logName(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("the log name must not be blank");
        }
        if (name.indexOf('/') >= 0) {
            throw new IllegalArgumentException("the log name '" + name
                    + "' must not contain '/' (it separates log and consumer in the position key)");
        }
        this.logName = name;
        return this;
    }

    /**
     * The name of the log's consumer whose position says what has been exported. Default {@value
     * #DEFAULT_CONSUMER}. Retention keeps every delta this consumer has not exported.
     *
     * @param name a consumer name
     * @return this builder
     */
    public KafkaExporterBuilder consumer(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("the consumer name must not be blank");
        }
        this.consumerName = name;
        return this;
    }

    /**
     * Where a consumer that does not exist yet starts: true (default) at {@link DeltaLog#oldestRetained()}, so
     * that everything the log still holds is exported; false at the current watermark, so that only later commits
     * are. An existing consumer keeps its position either way.
     *
     * @param exportExisting whether to export the history already retained
     * @return this builder
     */
    public KafkaExporterBuilder exportExisting(boolean exportExisting) {
        this.exportExisting = exportExisting;
        return this;
    }

    /**
     * The tables to export. Default: the log's tracked tables, read again before each batch (a table tracked
     * later is exported from then on; a table untracked keeps being exported while this exporter runs).
     *
     * @param tables tracked tables, at least one
     * @return this builder
     */
    public KafkaExporterBuilder tables(Collection<String> tables) {
        List<String> list = new ArrayList<>(Objects.requireNonNull(tables, "tables"));
        if (list.isEmpty()) {
            throw new IllegalArgumentException(
                    "give at least one table, or leave tables unset to export every tracked table");
        }
        for (String t : list) {
            if (!log.isTracked(t)) {
                throw new IllegalArgumentException("table '" + t + "' is not tracked by the log");
            }
        }
        this.tables = list;
        return this;
    }

    /**
     * The first part of every topic name (see {@link TopicNames}). Default {@value #DEFAULT_PREFIX}.
     *
     * @param prefix a legal start of a Kafka topic name
     * @return this builder
     */
    public KafkaExporterBuilder topicPrefix(String prefix) {
        this.topics = TopicNames.of(prefix);
        return this;
    }

    /**
     * The producer's {@code transactional.id}. Default {@code deltalog-export.<prefix>.<logName>.<consumer>}. A
     * second exporter with the same id fences the first: that is how a restarted exporter stops a zombie.
     *
     * @param id not blank
     * @return this builder
     */
    public KafkaExporterBuilder transactionalId(String id) {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("the transactional id must not be blank");
        }
        this.transactionalId = id;
        return this;
    }

    /**
     * The number of deltas at which a Kafka transaction is cut. A deltalog transaction is never split, so a batch
     * holds more when a transaction crosses the limit. Default 10 000. Memory grows with it (the batch is read
     * before it is sent).
     *
     * @param deltas at least 1
     * @return this builder
     */
    public KafkaExporterBuilder batchSize(int deltas) {
        if (deltas < 1) {
            throw new IllegalArgumentException("the batch size must be at least 1, was " + deltas);
        }
        this.batchSize = deltas;
        return this;
    }

    /**
     * How long the background loop waits, after a commit woke it, for more commits to fill a batch before it
     * exports what it has. Default 100 ms; zero exports at once.
     *
     * @param linger not negative
     * @return this builder
     */
    public KafkaExporterBuilder linger(Duration linger) {
        this.linger = nonNegative(linger, "linger");
        return this;
    }

    /**
     * Whether record values and keys carry Kafka Connect's schema block ({@code {"schema":...,"payload":...}}):
     * read it with Connect's {@code JsonConverter} at {@code schemas.enable=true} or Flink's {@code debezium-json}
     * with {@code 'debezium-json.schema-include' = 'true'}; without it, at {@code schemas.enable=false} and Flink's
     * default. Default true: {@link KafkaChangeSource} then reads every value back as its exact type.
     *
     * @param include whether to write the schema block
     * @return this builder
     */
    public KafkaExporterBuilder schemaBlock(boolean include) {
        this.schemaBlock = include;
        return this;
    }

    /**
     * How record values write decimals and dates/times: as strings (the default, {@link ValueEncoding#DEFAULT}), or
     * as numbers in Debezium's {@code decimal.handling.mode=double} and {@code
     * time.precision.mode=adaptive_time_microseconds} forms (the README says which reader settings match which).
     * A value the encoding cannot hold (a time with nanoseconds as microseconds) fails the export with a message
     * naming the table, row and column; nothing is published of its batch.
     *
     * @param encoding the encoding
     * @return this builder
     */
    public KafkaExporterBuilder valueEncoding(ValueEncoding encoding) {
        this.valueEncoding = Objects.requireNonNull(encoding, "encoding");
        return this;
    }

    /**
     * Whether the exporter creates missing topics (table topics and the positions topic, all with {@code
     * cleanup.policy=compact}). Default true. With false they must exist.
     *
     * @param create whether to create topics
     * @return this builder
     */
    public KafkaExporterBuilder createTopics(boolean create) {
        this.createTopics = create;
        return this;
    }

    /**
     * The partitions of a table topic the exporter creates. Default 1, which keeps a table's deltas in commit
     * order across rows; with more, each row's changes still stay in order in one partition (by key). The
     * positions topic always has 1.
     *
     * @param partitions at least 1
     * @return this builder
     */
    public KafkaExporterBuilder partitions(int partitions) {
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be at least 1, was " + partitions);
        }
        this.partitions = partitions;
        return this;
    }

    /**
     * The replication factor of the topics the exporter creates. Default 1 (a one-broker cluster); use 3 in
     * production.
     *
     * @param factor at least 1
     * @return this builder
     */
    public KafkaExporterBuilder replicationFactor(int factor) {
        if (factor < 1 || factor > Short.MAX_VALUE) {
            throw new IllegalArgumentException("the replication factor must be at least 1, was " + factor);
        }
        this.replicationFactor = (short) factor;
        return this;
    }

    /**
     * How long a Kafka call may take before the export reports the broker as unreachable: the producer's {@code
     * max.block.ms} and {@code delivery.timeout.ms}, half of it as {@code request.timeout.ms}, and the admin's and
     * positions reader's timeouts. Default 10 s.
     *
     * @param timeout at least 100 ms
     * @return this builder
     */
    public KafkaExporterBuilder timeout(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.toMillis() < 100) {
            throw new IllegalArgumentException(
                    "the timeout must be at least 100 ms, was " + timeout.toMillis() + " ms");
        }
        this.timeout = timeout;
        return this;
    }

    /**
     * The background loop's wait after a failure, doubled after each further failure up to {@code max}. Default
     * 200 ms up to 5 s.
     *
     * @param initial the first wait, not negative
     * @param max the longest wait, at least {@code initial}
     * @return this builder
     */
    public KafkaExporterBuilder retryBackoff(Duration initial, Duration max) {
        nonNegative(initial, "initial backoff");
        nonNegative(max, "max backoff");
        if (max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("the max backoff " + max + " is below the initial backoff " + initial);
        }
        this.retryBackoff = initial;
        this.maxRetryBackoff = max;
        return this;
    }

    /**
     * A Kafka client setting for every client the exporter makes (producer, admin, positions reader), such as
     * {@code security.protocol} or {@code sasl.jaas.config}. Applied after the exporter's own settings.
     *
     * @param key the setting
     * @param value its value
     * @return this builder
     */
    public KafkaExporterBuilder clientProperty(String key, Object value) {
        clientProperties.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
        return this;
    }

    /**
     * A producer setting, such as {@code compression.type}, {@code buffer.memory} or {@code max.request.size}.
     * Applied last; the settings exactly-once depends on ({@code transactional.id}, {@code enable.idempotence},
     * {@code acks}) cannot be overridden.
     *
     * @param key the setting
     * @param value its value
     * @return this builder
     */
    public KafkaExporterBuilder producerProperty(String key, Object value) {
        producerProperties.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
        return this;
    }

    /**
     * Builds the exporter and creates (or finds) its consumer in the log. Nothing connects to Kafka yet: {@link
     * KafkaExporter#start()} or {@link KafkaExporter#exportAvailable()} does.
     *
     * @return the exporter
     * @throws IllegalStateException if the bootstrap servers or the log name were not given
     */
    public KafkaExporter build() {
        if (bootstrapServers == null) {
            throw new IllegalStateException("bootstrapServers(...) is required");
        }
        if (logName == null) {
            throw new IllegalStateException("logName(...) is required: it names the log in source.name, the position"
                    + " key and the transactional id");
        }
        if (transactionalId == null) {
            transactionalId = "deltalog-export." + topics.prefix() + "." + logName + "." + consumerName;
        }
        return new KafkaExporter(this);
    }

    private static Duration nonNegative(Duration d, String what) {
        Objects.requireNonNull(d, what);
        if (d.isNegative()) {
            throw new IllegalArgumentException(what + " must not be negative, was " + d);
        }
        return d;
    }
}
