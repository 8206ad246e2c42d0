package io.github.deltalog;

/**
 * How a read presents the tuples of a table that has a schema ({@link DeltaLog#changesAfter(String, long, long,
 * ReadAs)}). Deltas recorded before the table's first schema have no schema and are presented as written by both.
 */
public enum ReadAs {
    /**
     * Each tuple as it was recorded, under the schema version current at its commit ({@link
     * DeltaLog#schemaAt}); the default of every read.
     */
    WRITTEN,
    /**
     * Each tuple upcast to the table's current schema: added columns hold their default, dropped ones are gone,
     * renamed ones carry their new name, widened ones their wider type. Merged reads always use it.
     */
    CURRENT
}
