package io.github.deltalog.kafka;

import io.github.deltalog.Delta;
import io.github.deltalog.json.DeltaJson;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Kafka record format of an exported delta, shared by {@link KafkaExporter} and {@link KafkaChangeSource}.
 *
 * <ul>
 *   <li>Key: UTF-8 JSON {@code {"rowId":N}}, so that Kafka's default partitioner keeps each row's changes in one
 *       partition, in commit order, and compaction keeps each row's latest change.
 *   <li>Value: UTF-8 JSON in Debezium's envelope, {@link DeltaJson#toJson(Delta, String)} (with {@code
 *       source.name}, the log's name, and {@code source.ts_ms}).
 *   <li>After every delete the exporter sends a tombstone: the same key with a null value, so that compaction
 *       removes the row for good.
 * </ul>
 *
 * Stateless and thread-safe.
 */
public final class DeltaRecords {
    private static final Pattern KEY = Pattern.compile("\\{\"rowId\":(-?[0-9]{1,19})\\}");

    private DeltaRecords() {}

    /**
     * Returns the key of a row's records.
     *
     * @param rowId the row id
     * @return {@code {"rowId":N}} in UTF-8
     */
    public static byte[] key(long rowId) {
        return ("{\"rowId\":" + rowId + "}").getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Reads the row id back from a key.
     *
     * @param key a key as {@link #key(long)} writes it
     * @return the row id
     * @throws IllegalArgumentException if the key is not of that form
     */
    public static long rowIdOf(byte[] key) {
        if (key == null) {
            throw new IllegalArgumentException("the record has no key; expected {\"rowId\":N}");
        }
        String text = new String(key, StandardCharsets.ISO_8859_1);
        Matcher m = KEY.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException(
                    "the key is not {\"rowId\":N}: " + (text.length() > 80 ? text.substring(0, 80) + "..." : text));
        }
        try {
            return Long.parseLong(m.group(1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("the key's row id is out of range: " + text, e);
        }
    }

    /**
     * Returns the value of a delta's record. O(size of the delta).
     *
     * @param delta the delta
     * @param logName the name of the log, written as {@code source.name}
     * @return its envelope in UTF-8
     */
    public static byte[] value(Delta delta, String logName) {
        return DeltaJson.toJson(delta, logName).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Reads a delta back from a record's value.
     *
     * @param value the value, as {@link #value(Delta, String)} writes it (not a tombstone)
     * @return the delta
     * @throws IllegalArgumentException if the value is not UTF-8, or not a delta's envelope; the message says why
     */
    public static Delta delta(byte[] value) {
        if (value == null) {
            throw new IllegalArgumentException("the value is null (a tombstone), not a delta");
        }
        String json;
        try {
            json = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(value))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("the value is not UTF-8 text", e);
        }
        return DeltaJson.fromJson(json);
    }
}
