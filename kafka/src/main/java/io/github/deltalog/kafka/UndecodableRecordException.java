package io.github.deltalog.kafka;

import io.github.deltalog.DeltaLogException;

/**
 * A Kafka record on a deltalog topic is not a delta in the export's format: its key, its value, or the table and
 * row they name do not agree. The message names the topic, the partition and the offset.
 */
public class UndecodableRecordException extends DeltaLogException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what is wrong, naming topic, partition and offset
     * @param cause the decoding failure, or null
     */
    public UndecodableRecordException(String message, Throwable cause) {
        super(message, cause);
    }
}
