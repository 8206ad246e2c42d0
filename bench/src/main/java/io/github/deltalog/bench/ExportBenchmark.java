package io.github.deltalog.bench;

import io.github.deltalog.Delta;
import io.github.deltalog.DeltaLog;
import io.github.deltalog.DeltaOp;
import io.github.deltalog.DeltaTransaction;
import io.github.deltalog.Durability;
import io.github.deltalog.kafka.DeltaRecords;
import io.github.deltalog.kafka.KafkaExporter;
import io.github.deltalog.kafka.TopicNames;
import io.github.deltalog.kafka.testing.KafkaBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Export throughput to a local Kafka broker: one operation publishes the {@code exportDeltas} deltas committed
 * just before it (outside the timed code) in Kafka transactions of {@code batchSize} deltas and waits until Kafka
 * committed them; the secondary result {@code deltas} is the same figure in deltas per second.
 *
 * <ul>
 *   <li>{@code DELTALOG_EXPORTER}: {@link KafkaExporter#exportAvailable()} of a file log: it reads the batch from
 *       the log, encodes each delta (Debezium envelope JSON), sends it with a tombstone after each delete plus one
 *       record on the positions topic per transaction, commits the Kafka transaction, then advances the log's
 *       consumer (a durable write, {@link Durability#COMMIT}).
 *   <li>{@code RAW_PRODUCER}: the floor. A transactional, idempotent {@code KafkaProducer} ({@code acks=all},
 *       {@code linger.ms=5}, as the exporter's) sending the same key and value bytes, encoded before the timed
 *       code with the kafka module's {@link DeltaRecords}, and the same tombstones, to topics created with the same
 *       settings, in transactions cut at the same places; no positions record, no log reads, no consumer.
 *   <li>{@code RAW_PRODUCER_NO_TX}: a second floor, the same sends with an idempotent producer ({@code acks=all})
 *       without transactions, {@code flush()} where the others commit: what Kafka's transactions cost.
 * </ul>
 *
 * <p>One broker per trial ({@link KafkaBroker}: a single KRaft node in a child JVM on this JVM's class path, data
 * under the benchmark folder), started in setup (10 to 30 s) and stopped at the end; each trial also writes a fresh
 * file log. The deltas come from {@link Workload} (4 tables, Zipf-skewed rows, inserts, updates and 10% deletes of
 * present rows), committed in transactions of {@value #TX_SIZE}. Before the first iteration one small export
 * creates the topics and initializes the producer's transactions, so the timed code never includes them.
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar ExportBenchmark -f 1 -wi 2 -i 5 -r 2s -rf json -rff
 * bench/export.json}. On a machine shared with other work, compare implementations within one run only: the
 * broker runs on the same cores.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms512m", "-Xmx2g"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
public class ExportBenchmark {
    /** Deltas per committed deltalog transaction. Batches are cut at commit boundaries, so keep sizes multiples. */
    static final int TX_SIZE = 10;

    private static final int TABLES = 4;
    private static final int ROWS_PER_TABLE = 100_000;
    private static final String LOG_NAME = "bench";
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** The implementations under test. */
    public enum Impl {
        /** {@link KafkaExporter#exportAvailable()}. */
        DELTALOG_EXPORTER,
        /** A transactional producer sending pre-encoded bytes: the floor. */
        RAW_PRODUCER,
        /** An idempotent producer without transactions, flushed per batch. */
        RAW_PRODUCER_NO_TX
    }

    /** Deltas per Kafka transaction (the exporter's {@code batchSize}). */
    @Param({"100", "1000"})
    public int batchSize;

    /** Deltas committed before, and published by, each operation. */
    @Param("20000")
    public int exportDeltas;

    /** The implementation. */
    @Param
    public Impl impl;

    private Path folder;
    private KafkaBroker broker;
    private DeltaLog log;
    private Workload workload;
    private KafkaExporter exporter;
    private KafkaProducer<byte[], byte[]> producer;
    private TopicNames rawTopics;
    /** The records of the next operation, one list per Kafka transaction (RAW_* only). */
    private List<List<ProducerRecord<byte[], byte[]>>> batches;

    /** Starts the broker, opens a fresh log and makes the implementation's client ready (topics, transactions). */
    @Setup(Level.Trial)
    public void setUp() throws Exception {
        if (exportDeltas % TX_SIZE != 0 || batchSize % TX_SIZE != 0) {
            throw new IllegalArgumentException(
                    "exportDeltas and batchSize must be multiples of " + TX_SIZE + " (batches end at commits)");
        }
        folder = BenchFiles.freshFolder("export-");
        broker = KafkaBroker.start(folder.resolve("broker"));
        log = DeltaLog.builder()
                .path(folder.resolve("log.db"))
                .durability(Durability.COMMIT)
                .open();
        workload = new Workload(11, TABLES, ROWS_PER_TABLE);
        workload.tables().forEach(log::track);
        if (impl == Impl.DELTALOG_EXPORTER) {
            exporter = KafkaExporter.builder(log)
                    .bootstrapServers(broker.bootstrapServers())
                    .logName(LOG_NAME)
                    .topicPrefix("export")
                    .tables(workload.tables())
                    .batchSize(batchSize)
                    .timeout(TIMEOUT)
                    .build();
            commit(TX_SIZE);
            exporter.exportAvailable(); // topics, initTransactions, the positions topic: not timed
        } else {
            rawTopics = TopicNames.of("raw");
            createTopics();
            Map<String, Object> props = new HashMap<>();
            props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
            props.put(ProducerConfig.ACKS_CONFIG, "all");
            props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
            props.put(ProducerConfig.LINGER_MS_CONFIG, 5); // as the exporter's producer
            props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, TIMEOUT.toMillis());
            props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
            props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis() / 2);
            if (impl == Impl.RAW_PRODUCER) {
                props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "raw-bench-" + UUID.randomUUID());
            }
            producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
            if (impl == Impl.RAW_PRODUCER) {
                producer.initTransactions();
            }
            commit(TX_SIZE);
            prepareRecords(0);
            send(); // the first metadata fetch and producer id: not timed
        }
    }

    /** Commits the next operation's deltas and, for the raw producers, encodes their records. Not timed. */
    @Setup(Level.Invocation)
    public void commitDeltas() {
        long before = log.lastCommitted();
        commit(exportDeltas);
        if (impl != Impl.DELTALOG_EXPORTER) {
            prepareRecords(before);
        }
    }

    /** Stops the clients and the broker and deletes the files. */
    @TearDown(Level.Trial)
    public void tearDown() {
        if (exporter != null) {
            exporter.close();
        }
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
        if (log != null) {
            log.close();
        }
        if (broker != null) {
            broker.close();
        }
        BenchFiles.deleteRecursively(folder);
    }

    /**
     * Publishes the deltas committed in setup and waits until Kafka committed them.
     *
     * @param counter counts the deltas
     * @return how many were published
     */
    @Benchmark
    public long export(DeltaCounter counter) {
        long n;
        if (impl == Impl.DELTALOG_EXPORTER) {
            n = exporter.exportAvailable();
        } else {
            n = send();
        }
        if (n != exportDeltas) {
            throw new IllegalStateException(impl + " published " + n + " deltas, expected " + exportDeltas);
        }
        counter.deltas += n;
        return n;
    }

    /** Sends the prepared batches: one transaction each (RAW_PRODUCER) or one flush each; returns the deltas. */
    private long send() {
        AtomicReference<Exception> failure = new AtomicReference<>();
        long deltas = 0;
        for (List<ProducerRecord<byte[], byte[]>> batch : batches) {
            if (impl == Impl.RAW_PRODUCER) {
                producer.beginTransaction();
            }
            for (ProducerRecord<byte[], byte[]> r : batch) {
                producer.send(r, (meta, e) -> {
                    if (e != null) {
                        failure.compareAndSet(null, e);
                    }
                });
                if (r.value() != null) {
                    deltas++;
                }
            }
            if (impl == Impl.RAW_PRODUCER) {
                producer.commitTransaction();
            } else {
                producer.flush();
            }
            if (failure.get() != null) {
                throw new IllegalStateException("a send failed", failure.get());
            }
        }
        batches = null;
        return deltas;
    }

    /** Commits {@code deltas} workload deltas in transactions of {@value #TX_SIZE}. */
    private void commit(int deltas) {
        for (int n = 0; n < deltas; n += TX_SIZE) {
            Workload.Transaction tx = workload.next(TX_SIZE);
            try (DeltaTransaction t = log.begin()) {
                for (int i = 0; i < tx.size(); i++) {
                    t.record(tx.tables()[i], tx.rowIds()[i], tx.ops()[i]);
                }
                t.commit();
            }
        }
    }

    /**
     * Encodes the deltas committed after a position as the exporter would (same key and value bytes, a tombstone
     * after each delete), grouped into transactions cut where the exporter cuts them: at the first commit boundary
     * once {@code batchSize} deltas are in.
     */
    private void prepareRecords(long after) {
        batches = new ArrayList<>();
        List<ProducerRecord<byte[], byte[]>> current = new ArrayList<>();
        int inBatch = 0;
        long lastTs = Long.MIN_VALUE;
        for (Delta d : log.changesAfter(workload.tables(), after)) {
            if (inBatch >= batchSize && d.commitTimestamp() != lastTs) {
                batches.add(current);
                current = new ArrayList<>();
                inBatch = 0;
            }
            String topic = rawTopics.topicOf(d.table());
            byte[] key = DeltaRecords.key(d.rowId());
            current.add(new ProducerRecord<>(topic, key, DeltaRecords.value(d, LOG_NAME)));
            if (d.op() instanceof DeltaOp.Delete) {
                current.add(new ProducerRecord<>(topic, key, null));
            }
            inBatch++;
            lastTs = d.commitTimestamp();
        }
        if (!current.isEmpty()) {
            batches.add(current);
        }
    }

    /** Creates the raw producers' topics as the exporter creates its own: one partition, compacted. */
    private void createTopics() throws InterruptedException, ExecutionException {
        try (Admin admin =
                Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, (Object) broker.bootstrapServers()))) {
            List<NewTopic> topics = new ArrayList<>();
            for (String t : workload.tables()) {
                topics.add(new NewTopic(rawTopics.topicOf(t), 1, (short) 1)
                        .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)));
            }
            admin.createTopics(topics).all().get();
        }
    }
}
