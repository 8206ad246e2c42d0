package io.github.deltalog.kafka;

/**
 * Figures of a {@link KafkaExporter}, for a progress line such as {@code 1 234 567 deltas, 8 421/s, lag 12}.
 *
 * @param exportedDeltas deltas published (and committed in Kafka) since the exporter was built
 * @param batches Kafka transactions committed since the exporter was built
 * @param deltasPerSecond exported deltas per second since the first export of this exporter (0 before it)
 * @param position the log consumer's position: everything committed up to it is in Kafka
 * @param lag deltas of the exported tables committed after the position (O(tables × log n) to count); -1 if they
 *     cannot be counted (a stale consumer)
 * @param state the exporter's state
 * @param lastError the last failure, or null if the last attempt succeeded
 */
public record ExportStats(
        long exportedDeltas,
        long batches,
        double deltasPerSecond,
        long position,
        long lag,
        KafkaExporter.State state,
        KafkaExportException lastError) {}
