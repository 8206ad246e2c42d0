/**
 * The JSON forms of deltas, in Debezium's envelope: {@link io.github.deltalog.json.NamedEnvelope} writes named
 * fields with plain values (what Flink's {@code debezium-json} and Kafka Connect's {@code JsonConverter} read),
 * optionally with Connect's schema block; {@link io.github.deltalog.json.DeltaJson} writes the older positional,
 * typed form and reads both back to an equal delta. Used by the Kafka export and the {@code deltalog} command.
 */
package io.github.deltalog.json;
