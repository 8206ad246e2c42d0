/**
 * The typed JSON mapping of deltas, in Debezium's envelope: {@link io.github.deltalog.json.DeltaJson} writes a
 * delta as one JSON object and reads it back to an equal delta. Dependency-free, shared by every exporter.
 */
package io.github.deltalog.json;
