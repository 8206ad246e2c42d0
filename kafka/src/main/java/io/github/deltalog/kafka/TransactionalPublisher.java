package io.github.deltalog.kafka;

import io.github.deltalog.Delta;
import io.github.deltalog.DeltaOp;
import io.github.deltalog.json.TableColumns;
import io.github.deltalog.json.ValueEncoding;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The transactional producer of an exporter: one Kafka transaction per {@link ExportBatch}, holding its deltas
 * (and a tombstone after each delete) and one record of the positions topic. After any failure the producer is
 * discarded, not reused: whether a commit that timed out happened is unknown, and the next {@link #open()}
 * (whose {@code initTransactions()} completes or aborts it) followed by a read of the positions topic settles it.
 * Not thread-safe (the exporter calls it under its lock).
 */
final class TransactionalPublisher implements AutoCloseable {
    private final Map<String, Object> producerProperties;
    private final TopicNames topics;
    private final String logName;
    private final byte[] positionKey;
    private final Function<Delta, TableColumns> columns;
    private final boolean withSchema;
    private final ValueEncoding encoding;
    private KafkaProducer<byte[], byte[]> producer;

    TransactionalPublisher(
            Map<String, Object> producerProperties,
            TopicNames topics,
            String logName,
            byte[] positionKey,
            Function<Delta, TableColumns> columns,
            boolean withSchema,
            ValueEncoding encoding) {
        this.producerProperties = producerProperties;
        this.encoding = encoding;
        this.columns = columns;
        this.withSchema = withSchema;
        this.topics = topics;
        this.logName = logName;
        this.positionKey = positionKey;
    }

    /** Tells whether a producer is open and its transactions initialized. */
    boolean isOpen() {
        return producer != null;
    }

    /**
     * Creates the producer and calls {@code initTransactions()}: a previous producer of the same transactional id
     * is fenced, and its open transaction completed (if it was committing) or aborted.
     */
    void open() {
        discard();
        KafkaProducer<byte[], byte[]> p =
                new KafkaProducer<>(producerProperties, new ByteArraySerializer(), new ByteArraySerializer());
        try {
            p.initTransactions();
        } catch (RuntimeException e) {
            p.close(Duration.ZERO);
            throw e;
        }
        producer = p;
    }

    /**
     * Publishes a batch in one transaction and waits for its commit.
     *
     * @param batch a non-empty batch
     * @param failedTopic receives the topic being written when a failure happened
     * @throws RuntimeException a Kafka failure; the producer is then discarded
     */
    void publish(ExportBatch batch, AtomicReference<String> failedTopic) {
        AtomicReference<Exception> sendFailure = new AtomicReference<>();
        AtomicReference<String> sendFailureTopic = new AtomicReference<>();
        String topic = null;
        try {
            producer.beginTransaction();
            for (Delta d : batch.deltas()) {
                topic = topics.topicOf(d.table());
                TableColumns cols = columns.apply(d);
                byte[] key = DeltaRecords.key(d, cols, logName, withSchema, encoding);
                byte[] value = DeltaRecords.value(d, cols, logName, withSchema, encoding);
                send(new ProducerRecord<>(topic, key, value), sendFailure, sendFailureTopic);
                if (d.op() instanceof DeltaOp.Delete) {
                    // A tombstone, so that compaction removes the row instead of keeping its delete forever.
                    send(new ProducerRecord<>(topic, key, null), sendFailure, sendFailureTopic);
                }
            }
            topic = topics.positionsTopic();
            send(
                    new ProducerRecord<>(topic, 0, positionKey, PositionsTopic.value(batch.upTo())),
                    sendFailure,
                    sendFailureTopic);
            producer.commitTransaction();
        } catch (RuntimeException e) {
            failedTopic.set(sendFailureTopic.get() != null ? sendFailureTopic.get() : topic);
            discard();
            Exception sendEx = sendFailure.get();
            if (sendEx != null && sendEx != e && !ExportFailures.isFatal(e)) {
                // commitTransaction's own error is often a generic "in an error state"; the send's says why.
                KafkaException why = new KafkaException(sendEx.getMessage(), sendEx);
                why.addSuppressed(e);
                throw why;
            }
            throw e;
        }
    }

    private void send(
            ProducerRecord<byte[], byte[]> record,
            AtomicReference<Exception> failure,
            AtomicReference<String> failureTopic) {
        producer.send(record, (meta, ex) -> {
            if (ex != null && failure.compareAndSet(null, ex)) {
                failureTopic.set(record.topic());
            }
        });
    }

    /** Closes the producer at once, dropping what it has not sent; an open transaction is aborted by the next open. */
    void discard() {
        if (producer != null) {
            try {
                producer.close(Duration.ZERO);
            } catch (RuntimeException ignored) {
                // Closing a broken producer may fail too; the next initTransactions cleans up on the broker.
            }
            producer = null;
        }
    }

    /** Closes the producer, waiting up to a timeout for its connections to wind down. */
    void close(Duration timeout) {
        if (producer != null) {
            try {
                producer.close(timeout);
            } catch (RuntimeException ignored) {
                // Nothing is in flight between batches; a failed close leaves nothing to clean up here.
            }
            producer = null;
        }
    }

    @Override
    public void close() {
        close(Duration.ZERO);
    }
}
