package io.github.deltalog;

import io.github.deltalog.retention.RetentionPolicy;
import io.github.deltalog.store.LogStore;
import io.github.deltalog.store.StoreOptions;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * Configures and opens a {@link DeltaLog}. Obtained from {@link DeltaLog#builder()}. Each option fails fast on a
 * bad value; {@link #open()} checks that the options fit together.
 */
public final class DeltaLogBuilder {
    private Path path;
    private boolean inMemory;
    private char[] encryptionKey;
    private boolean compress;
    private Durability durability = Durability.COMMIT;
    private Clock clock = Clock.systemUTC();
    private int cacheSizeMb = 16;
    private boolean readOnly;
    private boolean salvage;
    private Duration journalFlushInterval = Duration.ofMillis(20);
    private Duration checkpointInterval = Duration.ofSeconds(1);
    private long checkpointBytes = 64L << 20;
    private RetentionPolicy retention = RetentionPolicy.untilConsumed();
    private Duration compactionInterval;

    DeltaLogBuilder() {}

    /**
     * The log file; created if missing. Its journal lives beside it as {@code <file>.journal}. No default:
     * either a path or {@link #inMemory()} is required.
     *
     * @param path the file
     * @return this builder
     */
    public DeltaLogBuilder path(Path path) {
        this.path = Objects.requireNonNull(path, "path");
        return this;
    }

    /**
     * Keeps the log in memory only: nothing is written, everything is lost on close.
     *
     * @return this builder
     */
    public DeltaLogBuilder inMemory() {
        this.inMemory = true;
        return this;
    }

    /**
     * Encrypts the file and its journal with MVStore's XTS-AES file encryption under this password. Default:
     * no encryption. The array is copied; the caller may wipe it after {@link #open()}.
     *
     * @param key the password, not empty
     * @return this builder
     */
    public DeltaLogBuilder encryptionKey(char[] key) {
        Objects.requireNonNull(key, "key");
        if (key.length == 0) {
            throw new IllegalArgumentException("encryption key must not be empty");
        }
        this.encryptionKey = key.clone();
        return this;
    }

    /**
     * Compresses store pages (LZF). Default: false.
     *
     * @param compress whether to compress
     * @return this builder
     */
    public DeltaLogBuilder compress(boolean compress) {
        this.compress = compress;
        return this;
    }

    /**
     * How far a commit is carried to disk before it returns. Default: {@link Durability#COMMIT}.
     *
     * @param durability the level
     * @return this builder
     */
    public DeltaLogBuilder durability(Durability durability) {
        this.durability = Objects.requireNonNull(durability, "durability");
        return this;
    }

    /**
     * The wall clock of commit timestamps (which stay strictly increasing whatever it does). Default: the UTC
     * system clock.
     *
     * @param clock the clock
     * @return this builder
     */
    public DeltaLogBuilder clock(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        return this;
    }

    /**
     * MVStore's page cache, in MiB. Default: 16.
     *
     * @param megabytes the cache size, at least 1
     * @return this builder
     */
    public DeltaLogBuilder cacheSizeMb(int megabytes) {
        if (megabytes < 1) {
            throw new IllegalArgumentException("cache size must be at least 1 MiB, was " + megabytes);
        }
        this.cacheSizeMb = megabytes;
        return this;
    }

    /**
     * Opens an existing log for reading only; every change throws {@link ReadOnlyLogException}. Default: false.
     *
     * @param readOnly whether to refuse changes
     * @return this builder
     */
    public DeltaLogBuilder readOnly(boolean readOnly) {
        this.readOnly = readOnly;
        return this;
    }

    /**
     * Opens a log whose store file is older than its journal (cut short, or an older copy put back) instead of
     * refusing it with {@link CorruptLogException}: the store is taken as it is, the newest version MVStore can
     * read; the store file is first copied as it was to {@code <file>.salvaged-<ms>} (MVStore may cut the file back
     * to the version it opened, and the copy keeps the pages past it for {@code deltalog verify --salvage}), the
     * journal files that do not continue it are moved aside to {@code <file>.journal.salvaged-<ms>} (never
     * deleted), a warning names what was dropped, and a new checkpoint is written. Only for a read-write
     * open. Default: false, and leave it so: the refusal is what protects acknowledged commits.
     *
     * @param salvage whether to accept the loss
     * @return this builder
     */
    public DeltaLogBuilder salvage(boolean salvage) {
        this.salvage = salvage;
        return this;
    }

    /**
     * How often {@link Durability#ASYNC} writes its buffered journal: the window of commits a process crash can
     * lose. Default: 20 ms.
     *
     * @param interval at least 1 ms
     * @return this builder
     */
    public DeltaLogBuilder journalFlushInterval(Duration interval) {
        this.journalFlushInterval = positive(interval, "journal flush interval");
        return this;
    }

    /**
     * How often the journal is checkpointed into the store file (and then emptied). Default: 1 s.
     *
     * @param interval at least 1 ms
     * @return this builder
     */
    public DeltaLogBuilder checkpointInterval(Duration interval) {
        this.checkpointInterval = positive(interval, "checkpoint interval");
        return this;
    }

    /**
     * Journal size, in bytes, that starts a checkpoint before the interval is up. Default: 64 MiB.
     *
     * @param bytes at least 1
     * @return this builder
     */
    public DeltaLogBuilder checkpointBytes(long bytes) {
        if (bytes < 1) {
            throw new IllegalArgumentException("checkpoint bytes must be positive, was " + bytes);
        }
        this.checkpointBytes = bytes;
        return this;
    }

    /**
     * Which deltas {@link DeltaLog#purge()} and the background compaction round may forget. Default:
     * {@link RetentionPolicy#untilConsumed()}.
     *
     * @param policy the policy
     * @return this builder
     */
    public DeltaLogBuilder retention(RetentionPolicy policy) {
        this.retention = Objects.requireNonNull(policy, "policy");
        return this;
    }

    /**
     * Starts a daemon thread that applies the retention policy and reclaims disk space every interval;
     * {@link DeltaLog#close()} stops it. Default: off.
     *
     * @param interval at least 1 ms
     * @return this builder
     */
    public DeltaLogBuilder compactionInterval(Duration interval) {
        this.compactionInterval = positive(interval, "compaction interval");
        return this;
    }

    private static Duration positive(Duration d, String what) {
        Objects.requireNonNull(d, what);
        if (d.toMillis() < 1) {
            throw new IllegalArgumentException(what + " must be at least 1 ms, was " + d);
        }
        return d;
    }

    /**
     * Opens the log: creates or recovers the file, replaying its journal.
     *
     * @return the open log
     * @throws IllegalStateException if the options do not fit together (no path, or a path and in-memory,
     *     encryption or read-only in memory)
     * @throws FileLockedException if the file is open already, in this process or another
     * @throws EncryptionKeyException if the key is missing or wrong
     * @throws CorruptLogException if the file fails its checks
     * @throws UnsupportedFormatException if the file's format version is unknown
     */
    public DeltaLog open() {
        if (inMemory == (path != null)) {
            throw new IllegalStateException(
                    inMemory
                            ? "both a path and inMemory() were given; choose one"
                            : "no path given: call path(...) or inMemory()");
        }
        if (inMemory && (encryptionKey != null || readOnly)) {
            throw new IllegalStateException("an in-memory log cannot be encrypted or read-only");
        }
        if (salvage && (inMemory || readOnly)) {
            throw new IllegalStateException("salvage writes a new checkpoint: it needs a log file opened read-write");
        }
        StoreOptions options = new StoreOptions(
                path,
                encryptionKey,
                compress,
                durability,
                clock,
                cacheSizeMb,
                readOnly,
                journalFlushInterval.toMillis(),
                checkpointInterval.toMillis(),
                checkpointBytes,
                salvage);
        return new DeltaLog(LogStore.open(
                options, retention, compactionInterval, io.github.deltalog.view.View.journaledMapTypes()));
    }
}
