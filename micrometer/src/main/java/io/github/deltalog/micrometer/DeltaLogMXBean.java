package io.github.deltalog.micrometer;

import java.util.Map;

/**
 * A log's figures and its two maintenance operations as a JMX MXBean, for servers watched with JConsole,
 * VisualVM or a JMX exporter; registered by {@link DeltaLogJmx#register}. Every attribute reads a fresh
 * {@link io.github.deltalog.DeltaLog#metrics()} snapshot; totals count since the log was opened.
 */
public interface DeltaLogMXBean {
    /**
     * Returns the log's file or description.
     *
     * @return the label of {@link io.github.deltalog.DeltaLog#stats()}
     */
    String getFile();

    /**
     * Returns the transactions committed since open.
     *
     * @return the count
     */
    long getCommits();

    /**
     * Returns the deltas committed since open.
     *
     * @return the count
     */
    long getDeltas();

    /**
     * Returns the encoded bytes of the deltas committed since open.
     *
     * @return bytes
     */
    long getDeltaBytes();

    /**
     * Returns the bytes appended to the commit journal since open.
     *
     * @return bytes
     */
    long getJournalBytesWritten();

    /**
     * Returns the bytes in the current journal.
     *
     * @return bytes
     */
    long getJournalBytes();

    /**
     * Returns the checkpoints that wrote the store file since open.
     *
     * @return the count
     */
    long getCheckpoints();

    /**
     * Returns the time all checkpoints since open took.
     *
     * @return milliseconds
     */
    double getCheckpointTimeMillis();

    /**
     * Returns the time the last checkpoint took.
     *
     * @return milliseconds (0 before the first)
     */
    double getLastCheckpointMillis();

    /**
     * Returns the purges that removed deltas since open.
     *
     * @return the count
     */
    long getPurges();

    /**
     * Returns the deltas purges removed since open.
     *
     * @return the count
     */
    long getPurgedDeltas();

    /**
     * Returns the deltas retained now.
     *
     * @return the count
     */
    long getRetainedDeltas();

    /**
     * Returns the watermark.
     *
     * @return a commit timestamp, microseconds since the epoch
     */
    long getLastCommitted();

    /**
     * Returns the low-water mark.
     *
     * @return a commit timestamp (0 before any purge)
     */
    long getOldestRetained();

    /**
     * Returns each consumer's lag in retained deltas it has not read.
     *
     * @return deltas behind, by consumer name
     */
    Map<String, Long> getConsumerLagDeltas();

    /**
     * Returns the names of the stale consumers (deltas they had not read were purged).
     *
     * @return names, sorted
     */
    String[] getStaleConsumers();

    /**
     * Applies the retention policy now ({@link io.github.deltalog.DeltaLog#purge()}).
     *
     * @return how many deltas were removed
     */
    long purge();

    /** Folds the journal into the store file now ({@link io.github.deltalog.DeltaLog#checkpoint()}). */
    void checkpoint();
}
