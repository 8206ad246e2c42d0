package io.github.deltalog.kafka;

import io.github.deltalog.Delta;
import io.github.deltalog.json.DeltaJson;
import io.github.deltalog.json.NamedEnvelope;
import io.github.deltalog.json.TableColumns;
import io.github.deltalog.json.ValueEncoding;
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
 *   <li>Key: UTF-8 JSON, the table's key columns by name ({@code {"id":1}}) where its schema has key columns,
 *       else {@code {"rowId":N}}, so that Kafka's default partitioner keeps each row's changes in one partition, in
 *       commit order, and compaction keeps each row's latest change; with Connect's schema block when the value
 *       has one.
 *   <li>Value: UTF-8 JSON in Debezium's envelope with named fields and plain values ({@link NamedEnvelope}, read
 *       by Flink's {@code debezium-json} and Kafka Connect's {@code JsonConverter}), by default with the schema
 *       block; the older positional form ({@link DeltaJson}) is still read.
 *   <li>After every delete the exporter sends a tombstone: the same key with a null value, so that compaction
 *       removes the row for good.
 * </ul>
 *
 * Stateless and thread-safe.
 */
public final class DeltaRecords {
    private static final Pattern KEY = Pattern.compile(
            "\\{\"rowId\":(-?[0-9]{1,19})\\}|\\{\"schema\":\\{.*\\},\"payload\":\\{\"rowId\":(-?[0-9]{1,19})\\}\\}",
            Pattern.DOTALL);

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
     * @param key a key as {@link #key(long)} writes it, or that key in Connect's schema block ({@code
     *     {"schema":...,"payload":{"rowId":N}}}, the key of a table without key columns)
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
            return Long.parseLong(m.group(1) != null ? m.group(1) : m.group(2));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("the key's row id is out of range: " + text, e);
        }
    }

    /**
     * Returns the value of a delta's record in the older positional form ({@link DeltaJson#toJson(Delta, String)}),
     * which {@link #delta(byte[])} still reads. O(size of the delta).
     *
     * @param delta the delta
     * @param logName the name of the log, written as {@code source.name}
     * @return its envelope in UTF-8
     */
    public static byte[] value(Delta delta, String logName) {
        return DeltaJson.toJson(delta, logName).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Returns the value of a delta's record in the named form ({@link NamedEnvelope}). O(size of the delta).
     *
     * @param delta the delta
     * @param columns the table's columns as of the delta
     * @param logName the name of the log, written as {@code source.name} and {@code source.db}
     * @param withSchema whether to write Connect's schema block ({@code {"schema":...,"payload":...}})
     * @return its envelope in UTF-8
     */
    public static byte[] value(Delta delta, TableColumns columns, String logName, boolean withSchema) {
        return value(delta, columns, logName, withSchema, ValueEncoding.DEFAULT);
    }

    /**
     * Returns the value of a delta's record in the named form with values in an encoding. O(size of the delta).
     *
     * @param delta the delta
     * @param columns the table's columns as of the delta
     * @param logName the name of the log, written as {@code source.name} and {@code source.db}
     * @param withSchema whether to write Connect's schema block ({@code {"schema":...,"payload":...}})
     * @param enc how decimals and times are written
     * @return its envelope in UTF-8
     * @throws IllegalArgumentException if a value does not fit the encoding
     */
    public static byte[] value(
            Delta delta, TableColumns columns, String logName, boolean withSchema, ValueEncoding enc) {
        StringBuilder sb = new StringBuilder(withSchema ? 1024 : 256);
        NamedEnvelope.appendValue(sb, delta, columns, logName, withSchema, enc);
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Returns the key of a delta's records in the named form: the key columns by name where the table has them,
     * else {@code {"rowId":N}}; with the schema block where asked.
     *
     * @param delta the delta
     * @param columns the table's columns as of the delta
     * @param logName the name of the log
     * @param withSchema whether to write Connect's schema block
     * @return the key in UTF-8
     */
    public static byte[] key(Delta delta, TableColumns columns, String logName, boolean withSchema) {
        return key(delta, columns, logName, withSchema, ValueEncoding.DEFAULT);
    }

    /**
     * Returns the key of a delta's records in the named form with values in an encoding.
     *
     * @param delta the delta
     * @param columns the table's columns as of the delta
     * @param logName the name of the log
     * @param withSchema whether to write Connect's schema block
     * @param enc how decimals and times are written
     * @return the key in UTF-8
     * @throws IllegalArgumentException if a key value does not fit the encoding
     */
    public static byte[] key(Delta delta, TableColumns columns, String logName, boolean withSchema, ValueEncoding enc) {
        if (!withSchema && columns.key().isEmpty()) {
            return key(delta.rowId());
        }
        StringBuilder sb = new StringBuilder(64);
        NamedEnvelope.appendKey(sb, delta, columns, logName, withSchema, enc);
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Returns the row id a key names, if it is of the form {@code {"rowId":N}} (the positional export, and the
     * named export of a table without key columns and without schema block).
     *
     * @param key a record key
     * @return the row id, or null for another form
     */
    static Long rowIdIfPlain(byte[] key) {
        if (key == null) {
            return null;
        }
        Matcher m = KEY.matcher(new String(key, StandardCharsets.ISO_8859_1));
        return m.matches() ? rowIdOf(key) : null;
    }

    /**
     * Reads a delta back from a record's value, in either form.
     *
     * @param value the value, as {@link #value(Delta, String)} or {@link #value(Delta, TableColumns, String,
     *     boolean)} writes it (not a tombstone)
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
