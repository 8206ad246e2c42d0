package io.github.deltalog;

/**
 * A snapshot of a log's figures, from {@link DeltaLog#stats()}.
 *
 * @param file the log file, or a description of an in-memory or attached log
 * @param fileSizeBytes the store file's size in bytes (0 in memory)
 * @param trackedTables how many tables are tracked
 * @param deltas how many deltas are retained, all tables
 * @param lastCommitted the watermark
 * @param oldestRetained the low-water mark
 * @param durability the durability level
 */
public record LogStats(
        String file,
        long fileSizeBytes,
        int trackedTables,
        long deltas,
        long lastCommitted,
        long oldestRetained,
        Durability durability) {}
