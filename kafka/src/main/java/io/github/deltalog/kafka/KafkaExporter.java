package io.github.deltalog.kafka;

import io.github.deltalog.Consumer;
import io.github.deltalog.Delta;
import io.github.deltalog.DeltaLog;
import io.github.deltalog.DeltaLogException;
import io.github.deltalog.Subscription;
import io.github.deltalog.json.TableColumns;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * Publishes a log's deltas to Kafka, exactly once across crashes of either side: one topic per table ({@link
 * TopicNames}), records in Debezium's envelope ({@link DeltaRecords}), a tombstone after each delete.
 *
 * <pre>{@code
 * try (KafkaExporter exporter = KafkaExporter.builder(log)
 *         .bootstrapServers("kafka:9092").logName("shop").build()) {
 *     exporter.start();                        // background: woken by each commit
 *     ...
 *     ExportStats s = exporter.stats();        // deltas/s, lag, last error
 * }
 * }</pre>
 *
 * <p><b>Protocol.</b> What has been exported is a consumer of the log (default {@code kafka-export}), so retention
 * keeps every delta not yet in Kafka. A batch is whole deltalog transactions after the consumer's position, read at
 * one watermark in commit order and cut only between commit timestamps once {@code batchSize} is reached. It goes
 * to Kafka in one transaction of a transactional, idempotent producer ({@code acks=all}): the deltas, a tombstone
 * after each delete, and one record on {@code <prefix>.__positions} keyed {@code <logName>/<consumer>} holding the
 * batch's end position. Only after {@code commitTransaction()} returns does the consumer advance to that position.
 * At most one batch is in flight. When a batch has no delta of the exported tables (commits of other tables only),
 * the consumer advances without a Kafka transaction; the position in Kafka then trails, which is harmless (see
 * below).
 *
 * <p><b>Recovery.</b> Before its first batch, and after any failure, the exporter makes a new producer and calls
 * {@code initTransactions()}, which fences any older producer of the same transactional id and completes or aborts
 * its last transaction; then it reads the positions topic to its end with {@code read_committed}. A position in
 * Kafka ahead of the consumer means a crash (or a commit that timed out but happened) between Kafka's commit and the
 * local advance: the consumer moves up to it, so those deltas are not published again. A position behind the
 * consumer is left alone: the export goes on from the consumer. So a crash at any point loses nothing and publishes
 * nothing twice, provided the log keeps its consumer's position as durably as its commits (a {@code Durability}
 * that survives the crash).
 *
 * <p><b>Failures.</b> A broker that is down or slow makes a Kafka call fail within {@code timeout} (never a hang):
 * the transaction is abandoned (aborted by the next {@code initTransactions()}), the consumer does not move,
 * {@link #lastError()} tells why, the background loop retries with exponential backoff, and {@link
 * #exportAvailable()} throws a {@link KafkaExportException} naming the bootstrap servers, the topic and the cause.
 * Fatal failures (another exporter took over the transactional id, no permission, a record the broker will never
 * accept, a stale consumer, the log closed) stop the exporter: {@link #state()} becomes {@link State#FAILED}.
 *
 * <p>Thread-safe; exports are serialized by one lock.
 */
public final class KafkaExporter implements AutoCloseable {
    /** The life of an exporter. */
    public enum State {
        /** Built; {@link #exportAvailable()} works, no background loop yet. */
        CREATED,
        /** The background loop runs. */
        RUNNING,
        /** Stopped by a fatal failure ({@link #lastError()}); only {@link #close()} remains. */
        FAILED,
        /** Closed. */
        CLOSED
    }

    private static final long TICK_MS = 1000;

    private final DeltaLog log;
    private final String logName;
    private final String servers;
    private final String transactionalId;
    private final TopicNames topics;
    private final String consumerName;
    private final boolean exportExisting;
    /** Where a consumer registered at the first connection starts, unless it exports what is retained. */
    private final long startPosition;
    /** The log's consumer; null until the first successful connection to Kafka registers it. */
    private volatile Consumer consumer;

    private final List<String> fixedTables;
    private final int batchSize;
    private final long lingerNanos;
    private final boolean createTopics;
    private final long timeoutMs;
    private final long backoffMs;
    private final long maxBackoffMs;
    private final Map<String, Object> consumerProperties;
    private final TransactionalPublisher publisher;
    private final TopicCreator creator;

    private final ReentrantLock exportLock = new ReentrantLock();
    private final Object signal = new Object();
    private final Set<String> exportedTables = Collections.synchronizedSet(new LinkedHashSet<>());
    private final AtomicLong exported = new AtomicLong();
    private final AtomicLong batches = new AtomicLong();
    private volatile long firstExportNanos;
    private volatile KafkaExportException lastError;
    private volatile KafkaExportException fatalError;
    private volatile State state = State.CREATED;
    private volatile boolean closing;
    private long pending = 1; // guarded by signal; starts at 1 so that the loop's first round looks
    private boolean ready; // guarded by exportLock: the producer is initialized and the consumer reconciled
    private volatile Thread thread;
    private Subscription subscription;

    KafkaExporter(KafkaExporterBuilder b) {
        this.log = b.log;
        this.logName = b.logName;
        this.servers = b.bootstrapServers;
        this.transactionalId = b.transactionalId;
        this.topics = b.topics;
        this.fixedTables = b.tables == null ? null : List.copyOf(b.tables);
        this.batchSize = b.batchSize;
        this.lingerNanos = b.linger.toNanos();
        this.createTopics = b.createTopics;
        this.timeoutMs = b.timeout.toMillis();
        this.backoffMs = b.retryBackoff.toMillis();
        this.maxBackoffMs = b.maxRetryBackoff.toMillis();
        this.consumerName = b.consumerName;
        this.exportExisting = b.exportExisting;
        // Registered only once Kafka was reached (drain): an exporter that never connects must not leave a consumer
        // behind that holds back every purge. One that exists from an earlier run is used as it is.
        this.consumer = log.findConsumer(consumerName).orElse(null);
        this.startPosition = log.lastCommitted();

        Map<String, Object> common = new HashMap<>();
        common.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, servers);
        common.put(CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.max(50, timeoutMs / 2));
        common.put(CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeoutMs);
        // A restarted broker is found again within a second, not after the default 1 s..10 s backoff ladder.
        common.put(CommonClientConfigs.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1000L);
        common.put(CommonClientConfigs.CLIENT_ID_CONFIG, "deltalog-export-" + logName + "-" + consumerName);
        common.putAll(b.clientProperties);

        Map<String, Object> producer = new HashMap<>(common);
        producer.remove(CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG);
        producer.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeoutMs);
        producer.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) timeoutMs);
        producer.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        producer.putAll(b.producerProperties);
        producer.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        producer.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        producer.put(ProducerConfig.ACKS_CONFIG, "all");

        Map<String, Object> admin = new HashMap<>(common);
        admin.keySet().retainAll(AdminClientConfig.configNames());
        this.consumerProperties = new HashMap<>(common);
        consumerProperties.keySet().retainAll(ConsumerConfig.configNames());

        this.publisher = new TransactionalPublisher(
                producer,
                topics,
                logName,
                PositionsTopic.key(logName, consumerName),
                d -> TableColumns.of(log, d),
                b.schemaBlock,
                b.valueEncoding);
        this.creator = new TopicCreator(admin, b.partitions, b.replicationFactor, timeoutMs);
    }

    /**
     * Starts describing an exporter of a log.
     *
     * @param log an open log; the exporter does not close it
     * @return a builder
     */
    public static KafkaExporterBuilder builder(DeltaLog log) {
        return new KafkaExporterBuilder(log);
    }

    /**
     * Starts the background loop: it exports whenever a commit arrives (after waiting up to {@code linger} for
     * the batch to fill), and at least once a second; failures are retried with backoff. Idempotent.
     *
     * @throws IllegalStateException if the exporter failed or was closed
     */
    public synchronized void start() {
        checkUsable();
        if (thread != null) {
            return;
        }
        subscription = log.subscribe(this::onCommit);
        thread = new Thread(this::loop, "deltalog-kafka-export-" + consumerName);
        thread.setDaemon(true);
        state = State.RUNNING;
        thread.start();
    }

    /**
     * Exports everything committed up to now, in batches, and waits until Kafka committed them; the synchronous
     * form of what the background loop does (the two never export at once).
     *
     * @return how many deltas were published
     * @throws KafkaExportException if Kafka failed; the consumer stays at the last batch Kafka committed
     * @throws IllegalStateException if the exporter was closed
     */
    public long exportAvailable() {
        checkUsable();
        exportLock.lock();
        try {
            return drain(log.lastCommitted());
        } finally {
            exportLock.unlock();
        }
    }

    /**
     * Waits until everything committed up to a timestamp has been exported (the consumer's position reached it).
     *
     * @param ts a commit timestamp
     * @param timeout how long to wait
     * @return true if reached, false on timeout, failure or close
     * @throws InterruptedException if interrupted
     */
    public boolean awaitExported(long ts, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        // The log is never called while holding the signal monitor: commit listeners take it on committing threads.
        while (position() < ts) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || state == State.FAILED || state == State.CLOSED) {
                return false;
            }
            synchronized (signal) {
                signal.wait(Math.max(1, Math.min(left / 1_000_000, 50)));
            }
        }
        return true;
    }

    /**
     * Returns the exporter's state.
     *
     * @return the exporter's state
     */
    public State state() {
        return state;
    }

    /**
     * Returns the last failure, or null if the last export attempt succeeded.
     *
     * @return the last failure, or null if the last export attempt succeeded
     */
    public KafkaExportException lastError() {
        return lastError;
    }

    /**
     * Returns the exporter's figures. O(tables × log n) for the lag.
     *
     * @return the figures now
     */
    public ExportStats stats() {
        long n = exported.get();
        long first = firstExportNanos;
        double rate = first == 0 ? 0 : n / Math.max(1e-9, (System.nanoTime() - first) / 1e9);
        long position = position();
        long lag = 0;
        try {
            for (String t : tables()) {
                lag += log.count(t, position);
            }
        } catch (DeltaLogException e) {
            lag = -1;
        }
        return new ExportStats(n, batches.get(), rate, position, lag, state, lastError);
    }

    /**
     * Returns the log consumer whose position says what has been exported. It is registered in the log at the
     * first successful connection to Kafka (or was left by an earlier exporter of the same name), so that an
     * exporter that never reached Kafka leaves no consumer holding back retention.
     *
     * @return the consumer, or empty before the first successful connection
     */
    public Optional<Consumer> consumer() {
        return Optional.ofNullable(consumer);
    }

    /**
     * Returns the name of the log consumer this exporter advances.
     *
     * @return the name of the log consumer this exporter advances
     */
    public String consumerName() {
        return consumerName;
    }

    /**
     * Returns the export's position: everything committed up to it is in Kafka. Before the first successful
     * connection, where the export will start.
     *
     * @return a commit timestamp
     */
    public long position() {
        Consumer c = consumer;
        if (c != null) {
            return c.position();
        }
        return exportExisting ? log.oldestRetained() : startPosition;
    }

    /**
     * Returns the topic names of this export.
     *
     * @return the topic names of this export
     */
    public TopicNames topicNames() {
        return topics;
    }

    /**
     * Returns the producer's transactional id.
     *
     * @return the producer's transactional id
     */
    public String transactionalId() {
        return transactionalId;
    }

    /**
     * Returns the bootstrap servers.
     *
     * @return the bootstrap servers
     */
    public String bootstrapServers() {
        return servers;
    }

    /**
     * Returns the log's name, as written in {@code source.name}.
     *
     * @return the log's name, as written in {@code source.name}
     */
    public String logName() {
        return logName;
    }

    /**
     * Returns the tables exported now: the configured ones, or the log's tracked tables and those exported before.
     *
     * @return the table names
     */
    public List<String> tables() {
        if (fixedTables != null) {
            return fixedTables;
        }
        Set<String> all = new LinkedHashSet<>(log.trackedTables());
        synchronized (exportedTables) {
            all.addAll(exportedTables);
        }
        return new ArrayList<>(all);
    }

    /**
     * Stops the background loop (a batch under way is finished first, bounded by the timeout), closes the Kafka
     * clients and unsubscribes from the log. Between batches no Kafka transaction is open, so nothing is left
     * half done. Idempotent; the log stays open.
     */
    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            if (state == State.CLOSED) {
                return;
            }
            closing = true;
            t = thread;
            if (subscription != null) {
                subscription.close();
            }
        }
        synchronized (signal) {
            signal.notifyAll();
        }
        if (t != null) {
            try {
                t.join(2 * timeoutMs + 5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        exportLock.lock();
        try {
            publisher.close(Duration.ofMillis(Math.min(timeoutMs, 2000)));
            creator.close();
            ready = false;
        } finally {
            exportLock.unlock();
        }
        state = State.CLOSED;
        synchronized (signal) {
            signal.notifyAll();
        }
    }

    // ---- the export itself, under exportLock ----

    private long drain(long target) {
        synchronized (signal) {
            pending = 0;
        }
        long total = 0;
        String action = "connecting";
        AtomicReference<String> topic = new AtomicReference<>(topics.positionsTopic());
        try {
            if (consumer != null && consumer.isStale()) {
                throw fail(
                        "reading the log",
                        null,
                        "the log's consumer '" + consumerName + "' is stale: deltas it had not exported were purged"
                                + " by a retention cap, so Kafka misses them; re-export the tables and reset() it",
                        null,
                        true);
            }
            if (!ready) {
                action = "initializing the producer's transactions and reading the position topic";
                List<String> tableTopics = new ArrayList<>();
                for (String t : tables()) {
                    tableTopics.add(topics.topicOf(t));
                }
                if (createTopics) {
                    action = "creating topics";
                    creator.ensure(tableTopics, topics.positionsTopic());
                    action = "initializing the producer's transactions and reading the position topic";
                }
                publisher.open();
                long kafkaPosition = PositionsTopic.read(
                        consumerProperties,
                        topics.positionsTopic(),
                        PositionsTopic.key(logName, consumerName),
                        Duration.ofMillis(timeoutMs));
                if (consumer == null) {
                    action = "registering the log's consumer";
                    consumer = log.consumer(consumerName, exportExisting ? log.oldestRetained() : startPosition);
                }
                reconcile(kafkaPosition);
                ready = true;
            }
            while (!closing || Thread.currentThread() != thread) {
                long pos = consumer.position();
                if (pos >= target) {
                    break;
                }
                action = "reading the log";
                List<String> tables = tables();
                ExportBatch batch = ExportBatch.read(log, tables, pos, batchSize);
                if (batch.isEmpty()) {
                    if (batch.upTo() > pos) {
                        consumer.advanceTo(batch.upTo());
                        notifyProgress();
                    }
                    break;
                }
                Set<String> batchTables = new LinkedHashSet<>();
                for (Delta d : batch.deltas()) {
                    batchTables.add(d.table());
                }
                if (createTopics) {
                    List<String> batchTopics = new ArrayList<>();
                    for (String t : batchTables) {
                        batchTopics.add(topics.topicOf(t));
                    }
                    action = "creating topics";
                    creator.ensure(batchTopics, topics.positionsTopic());
                }
                action = "publishing a transaction of " + batch.deltas().size() + " deltas to";
                topic.set(topics.topicOf(batch.deltas().get(0).table()));
                publisher.publish(batch, topic);
                exportedTables.addAll(batchTables);
                consumer.advanceTo(batch.upTo());
                if (firstExportNanos == 0) {
                    firstExportNanos = System.nanoTime();
                }
                exported.addAndGet(batch.deltas().size());
                batches.incrementAndGet();
                total += batch.deltas().size();
                notifyProgress();
            }
            lastError = null;
            return total;
        } catch (KafkaExportException e) {
            throw e;
        } catch (TopicCreator.TopicFailure e) {
            throw kafkaFailure(action, e.topic, e.getCause());
        } catch (DeltaLogException e) {
            throw fail(action, null, "the log failed: " + e.getMessage(), e, true);
        } catch (RuntimeException e) {
            throw kafkaFailure(action, topic.get(), e);
        }
    }

    /** Moves the consumer up to what Kafka already holds (a crash came between Kafka's commit and the advance). */
    private void reconcile(long kafkaPosition) {
        long local = consumer.position();
        if (kafkaPosition <= local) {
            return;
        }
        long last = log.lastCommitted();
        if (kafkaPosition > last) {
            throw fail(
                    "reading the position topic",
                    topics.positionsTopic(),
                    "Kafka holds the export up to " + kafkaPosition + " but the log's last commit is " + last
                            + ": the log lost commits that were exported (a durability level that does not survive"
                            + " the crash?) or another log exports under the name '" + logName + "'",
                    null,
                    true);
        }
        consumer.advanceTo(kafkaPosition);
        notifyProgress();
    }

    private KafkaExportException kafkaFailure(String action, String topic, Throwable cause) {
        return fail(
                action,
                topic,
                ExportFailures.explain(cause, servers, transactionalId, timeoutMs),
                cause,
                ExportFailures.isFatal(cause));
    }

    private KafkaExportException fail(String action, String topic, String why, Throwable cause, boolean fatal) {
        publisher.discard();
        ready = false;
        String message = "export of log '" + logName + "' (consumer '" + consumerName + "') to Kafka at "
                + servers + " failed while " + action + (topic == null ? "" : " (topic '" + topic + "')") + ": " + why
                + "; "
                + (fatal
                        ? "the exporter stopped"
                        : "nothing was lost: the log's consumer stays at position " + safePosition()
                                + (thread != null
                                        ? " and the background export will retry"
                                        : " and a later export retries from there"));
        KafkaExportException e = new KafkaExportException(message, cause, fatal);
        lastError = e;
        if (fatal) {
            fatalError = e;
            state = State.FAILED;
        }
        return e;
    }

    private long safePosition() {
        try {
            return position();
        } catch (RuntimeException e) {
            return -1;
        }
    }

    private void notifyProgress() {
        synchronized (signal) {
            signal.notifyAll();
        }
    }

    // ---- the background loop ----

    private void onCommit(long ts, List<Delta> deltas) {
        synchronized (signal) {
            pending += deltas.size();
            signal.notifyAll();
        }
    }

    private void loop() {
        long backoff = backoffMs;
        while (!closing) {
            try {
                if (!awaitWork()) {
                    break;
                }
                exportLock.lock();
                try {
                    if (closing) {
                        break;
                    }
                    drain(log.lastCommitted());
                } finally {
                    exportLock.unlock();
                }
                backoff = backoffMs;
            } catch (KafkaExportException e) {
                if (e.isFatal()) {
                    break;
                }
                pause(backoff);
                backoff = Math.min(maxBackoffMs, Math.max(1, backoff * 2));
            } catch (InterruptedException e) {
                break;
            } catch (RuntimeException e) {
                // Outside drain, only the log can fail here (closed under the exporter, for one).
                exportLock.lock();
                try {
                    fail("waiting for commits", null, "the log failed: " + e, e, true);
                } finally {
                    exportLock.unlock();
                }
                break;
            }
        }
    }

    /** Waits for commits (or a tick), then up to the linger time for a full batch. False when closing. */
    private boolean awaitWork() throws InterruptedException {
        // Read before taking the monitor: a commit listener holds log locks while it waits for the monitor.
        boolean behind = position() < log.lastCommitted();
        synchronized (signal) {
            long tickEnd = System.nanoTime() + TICK_MS * 1_000_000;
            while (!closing && pending == 0 && !behind) {
                long left = tickEnd - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                signal.wait(Math.max(1, left / 1_000_000));
            }
            long lingerEnd = System.nanoTime() + lingerNanos;
            while (!closing && pending > 0 && pending < batchSize) {
                long left = lingerEnd - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                signal.wait(Math.max(1, left / 1_000_000));
            }
            return !closing;
        }
    }

    private void pause(long ms) {
        long end = System.nanoTime() + ms * 1_000_000;
        synchronized (signal) {
            while (!closing) {
                long left = end - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                try {
                    signal.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private void checkUsable() {
        if (state == State.CLOSED || closing) {
            throw new IllegalStateException("the Kafka exporter of log '" + logName + "' is closed");
        }
        KafkaExportException f = fatalError;
        if (f != null) {
            throw new KafkaExportException(f.getMessage(), f, true);
        }
    }

    @Override
    public String toString() {
        return "KafkaExporter(" + logName + "/" + consumerName + " -> " + servers + ", " + state + ")";
    }
}
