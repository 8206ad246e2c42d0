package io.github.deltalog.kafka;

import io.github.deltalog.DeltaLogException;

/**
 * An export to Kafka failed: the broker was unreachable or timed out, refused a record, or fenced this exporter.
 * The message names the bootstrap servers, the topic and the cause in plain words. After a failure the log's
 * consumer has not moved past what Kafka committed, so nothing is lost; {@link #isFatal()} tells whether the
 * exporter stopped for good (another exporter took over its transactional id, an authorization failure, a record
 * Kafka will never accept, a stale consumer) or will retry.
 */
public class KafkaExportException extends DeltaLogException {
    private static final long serialVersionUID = 1L;

    /** Whether the exporter stopped for good. */
    private final boolean fatal;

    /**
     * Creates the exception.
     *
     * @param message what failed, naming the bootstrap servers, the topic and the cause
     * @param cause the underlying failure, or null
     * @param fatal whether the exporter stopped for good
     */
    public KafkaExportException(String message, Throwable cause, boolean fatal) {
        super(message, cause);
        this.fatal = fatal;
    }

    /**
     * Tells whether the exporter stopped for good: retrying cannot help (fenced by another exporter of the same
     * transactional id, not authorized, a record too large for the broker, a stale consumer, a log behind what
     * Kafka holds). A non-fatal failure is retried by the background loop, and by the next {@link
     * KafkaExporter#exportAvailable()}.
     *
     * @return true if fatal
     */
    public boolean isFatal() {
        return fatal;
    }
}
