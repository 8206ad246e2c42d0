/**
 * Export of a delta log to Kafka, exactly once, in Debezium's envelope, and the reader on the other side.
 *
 * <p>Entry points: {@link io.github.deltalog.kafka.KafkaExporter} (built with {@link
 * io.github.deltalog.kafka.KafkaExporter#builder}) publishes a log's deltas to one topic per table, named by
 * {@link io.github.deltalog.kafka.TopicNames}; {@link io.github.deltalog.kafka.KafkaChangeSource} reads them back
 * as {@link io.github.deltalog.Delta}s. {@link io.github.deltalog.kafka.DeltaRecords} is the record format both
 * share.
 */
package io.github.deltalog.kafka;
