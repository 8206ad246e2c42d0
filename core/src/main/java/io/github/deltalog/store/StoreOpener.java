package io.github.deltalog.store;

import io.github.deltalog.CorruptLogException;
import io.github.deltalog.DeltaLogException;
import io.github.deltalog.EncryptionKeyException;
import io.github.deltalog.FileLockedException;
import io.github.deltalog.LogIOException;
import io.github.deltalog.UnsupportedFormatException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.h2.mvstore.DataUtils;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.MVStoreException;
import org.h2.mvstore.SingleFileStore;
import org.h2.store.fs.encrypt.FileEncrypt;
import org.h2.store.fs.encrypt.FilePathEncrypt;

/**
 * Opens the MVStore of a log with the settings the log needs (no automatic store commits, so that no stored
 * version holds half a transaction) and turns MVStore's failures into the log's typed exceptions.
 */
final class StoreOpener {
    private static final byte[] ENCRYPTED_MAGIC = "H2encrypt".getBytes(StandardCharsets.US_ASCII);

    private StoreOpener() {}

    static Opened open(StoreOptions o) {
        if (o.path() == null) {
            MVStore store = new MVStore.Builder().autoCommitDisabled().open();
            return new Opened(store, true, "in-memory log", null, null, null, null);
        }
        Path path = o.path();
        String label = path.toString();
        Path registered = OpenFiles.acquire(path);
        try {
            boolean exists = Files.exists(path) && Files.size(path) > 0;
            if (!exists && o.readOnly()) {
                throw new DeltaLogException("cannot open " + label + " read-only: no such log file");
            }
            Path parent = path.toAbsolutePath().getParent();
            if (parent != null && !Files.isDirectory(parent)) {
                throw new DeltaLogException("cannot create " + label + ": folder " + parent + " does not exist");
            }
            if (exists && !o.readOnly() && !Files.isWritable(path)) {
                // MVStore would quietly open it read-only, and the first change would say "open read-only".
                throw new LogIOException(
                        "cannot open " + label + " for writing: permission denied (open it" + " read-only to read it)");
            }
            if (exists) {
                checkEncryption(path, o.encryptionKey() != null);
                if (o.readOnly() && o.encryptionKey() != null && Files.size(path) <= FileEncrypt.BLOCK_SIZE) {
                    // Only the encryption header: MVStore would take it for a new store and fail to write a store
                    // header read-only; say what is wrong with the file instead.
                    throw new CorruptLogException("log file " + label + " holds no data, only its encryption header");
                }
            }
            Path journal = path.resolveSibling(path.getFileName() + ".journal");
            // Through the dlsafe: scheme, whose channels ignore interrupts: a caller's interrupt during a store
            // write would otherwise close the store's channel, and MVStore would close the store for everyone.
            String fileName = SafeFilePath.name(path.toString());
            Path overlay = exists && o.readOnly() ? ReadOnlyReplay.overlayFor(journal) : null;
            MVStore store = overlay == null
                    ? openStore(fileName, o, label, o.readOnly())
                    : openOverlaid(fileName, overlay, o, label);
            // Every store commit of the log is followed by an fsync, and cursors hold their version in use, so
            // chunks that purges emptied can be reused at once instead of after MVStore's default 45 s.
            store.setRetentionTime(0);
            byte[] journalKey = o.encryptionKey() == null
                    ? null
                    : FilePathEncrypt.getPasswordBytes(o.encryptionKey().clone());
            return new Opened(store, true, label, registered, journal, journalKey, null);
        } catch (IOException e) {
            OpenFiles.release(registered);
            throw new DeltaLogException("cannot open " + label + ": " + e, e);
        } catch (RuntimeException e) {
            OpenFiles.release(registered);
            throw e;
        }
    }

    /**
     * Opens the file store ourselves and hands it to MVStore, so that whatever the constructor throws on a
     * damaged file, the file's channel and OS lock are released here. MVStore closes a store it opened itself
     * only on its own exception type; anything else (an index or a size read from garbage) left the lock
     * behind, and every later open in the process said "locked" (found by HostileFileTest).
     */
    /**
     * Opens a read-only log's store as a copy-on-write view ({@link OverlayFilePath}), so that recovery can store
     * what it replays from a large journal into a private overlay file instead of holding it in the heap.
     */
    private static MVStore openOverlaid(String fileName, Path overlay, StoreOptions o, String label) {
        String name = OverlayFilePath.register(fileName, overlay);
        try {
            return openStore(name, o, label, false);
        } catch (RuntimeException | OutOfMemoryError | StackOverflowError | AssertionError e) {
            OverlayFilePath.unregister(name);
            try {
                Files.deleteIfExists(overlay);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    private static MVStore openStore(String fileName, StoreOptions o, String label, boolean readOnly) {
        Map<String, Object> config = new HashMap<>();
        config.put("cacheSize", o.cacheSizeMb());
        SingleFileStore fileStore = new TrimmedCacheFileStore(config);
        char[] key = o.encryptionKey() == null ? null : o.encryptionKey().clone();
        try {
            fileStore.open(fileName, readOnly, key);
            MVStore.Builder b = new MVStore.Builder()
                    .adoptFileStore(fileStore)
                    .autoCommitDisabled()
                    .autoCommitBufferSize(0);
            if (o.compress()) {
                b.compress();
            }
            return b.open();
        } catch (RuntimeException | OutOfMemoryError | StackOverflowError | AssertionError e) {
            closeQuietly(fileStore, e);
            throw translate(e, label, o.encryptionKey() != null);
        } finally {
            if (key != null) {
                Arrays.fill(key, (char) 0);
            }
        }
    }

    private static void closeQuietly(SingleFileStore fileStore, Throwable cause) {
        try {
            fileStore.close();
        } catch (RuntimeException closing) {
            // Never opened (no channel), or already closed by MVStore's own failure handling.
            cause.addSuppressed(closing);
        }
    }

    private static void checkEncryption(Path path, boolean haveKey) throws IOException {
        ByteBuffer head = ByteBuffer.allocate(ENCRYPTED_MAGIC.length);
        try (FileChannel channel = SafeFilePath.open(path, "r")) {
            while (head.hasRemaining() && channel.read(head) >= 0) {
                // read the first bytes, or what the file has
            }
        }
        boolean encrypted = !head.hasRemaining() && Arrays.equals(head.array(), ENCRYPTED_MAGIC);
        if (encrypted && !haveKey) {
            throw new EncryptionKeyException("log file " + path + " is encrypted: open it with an encryption key");
        }
        if (!encrypted && haveKey) {
            throw new EncryptionKeyException("log file " + path + " is not encrypted, but an encryption key was given");
        }
    }

    /** Maps a failure while opening to the log's exception family; keeps typed exceptions as they are. */
    static DeltaLogException translate(Throwable e, String label) {
        return translate(e, label, false);
    }

    private static DeltaLogException translate(Throwable e, String label, boolean encrypted) {
        if (e instanceof DeltaLogException d) {
            return d;
        }
        if (e instanceof MVStoreException m) {
            switch (m.getErrorCode()) {
                case DataUtils.ERROR_FILE_LOCKED:
                    return new FileLockedException("log file " + label + " is locked by another process", e);
                case DataUtils.ERROR_UNSUPPORTED_FORMAT:
                    return new UnsupportedFormatException(
                            "log file " + label + " has an unsupported store format: " + e.getMessage(), e);
                default:
                    if (FileErrors.ioCause(e) != null) {
                        // Permission denied, a full disk: the file system, not the file.
                        return FileErrors.of("cannot open " + label, e);
                    }
                    if (encrypted) {
                        return new EncryptionKeyException(
                                "cannot open " + label + ": wrong encryption key, or the file is corrupt", e);
                    }
                    return new CorruptLogException("log file " + label + " is corrupt: " + e.getMessage(), e);
            }
        }
        return StoreFailures.translate(e, label, false);
    }
}
