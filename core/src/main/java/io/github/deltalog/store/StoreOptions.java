package io.github.deltalog.store;

import io.github.deltalog.Durability;
import java.nio.file.Path;
import java.time.Clock;

/**
 * Everything {@link LogStore#open} needs to know, as settled by the public builder.
 *
 * @param path the log file, or null for an in-memory log
 * @param encryptionKey the file encryption password, or null
 * @param compress whether MVStore compresses pages
 * @param durability the journal durability level
 * @param clock the wall clock of commit timestamps
 * @param cacheSizeMb MVStore's page cache size in MiB
 * @param readOnly whether the log refuses every change
 * @param journalFlushMillis how often ASYNC writes its journal buffer
 * @param checkpointMillis how often the journal is checkpointed into the store
 * @param checkpointBytes journal size that triggers a checkpoint sooner
 * @param salvage whether an open accepts a store older than its journal, setting the journal aside
 */
public record StoreOptions(
        Path path,
        char[] encryptionKey,
        boolean compress,
        Durability durability,
        Clock clock,
        int cacheSizeMb,
        boolean readOnly,
        long journalFlushMillis,
        long checkpointMillis,
        long checkpointBytes,
        boolean salvage) {
    /** Options without salvage. */
    public StoreOptions(
            Path path,
            char[] encryptionKey,
            boolean compress,
            Durability durability,
            Clock clock,
            int cacheSizeMb,
            boolean readOnly,
            long journalFlushMillis,
            long checkpointMillis,
            long checkpointBytes) {
        this(
                path,
                encryptionKey,
                compress,
                durability,
                clock,
                cacheSizeMb,
                readOnly,
                journalFlushMillis,
                checkpointMillis,
                checkpointBytes,
                false);
    }
}
