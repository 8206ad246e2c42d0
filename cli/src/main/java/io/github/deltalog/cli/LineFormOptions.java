package io.github.deltalog.cli;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The form of the JSON lines {@code dump} and {@code diff} write: named (the default, optionally with Kafka Connect's
 * schema block) or the older positional form, plus the value encodings of the named form.
 */
final class LineFormOptions {
    @Option(
            names = "--schema",
            description = "write each line as {\"schema\":...,\"payload\":...} with Kafka Connect's schema block"
                    + " (Flink: 'debezium-json.schema-include' = 'true'); values then read back as their exact types")
    boolean schema;

    @Option(
            names = "--positional",
            description = "the older form: images as arrays of typed values such as {\"long\":5}")
    boolean positional;

    @Mixin
    EncodingOptions encoding = new EncodingOptions();

    /**
     * Refuses combinations that contradict each other.
     *
     * @throws CliException naming the two options
     */
    void check() {
        if (schema && positional) {
            throw new CliException(Main.EXIT_ERROR, "--schema and --positional exclude each other");
        }
        if (positional && encoding.changed()) {
            throw new CliException(Main.EXIT_ERROR, "--decimals and --times apply to the named form, not --positional");
        }
    }
}
