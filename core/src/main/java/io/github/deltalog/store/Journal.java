package io.github.deltalog.store;

import io.github.deltalog.DeltaLogException;
import io.github.deltalog.Durability;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.h2.store.fs.encrypt.FileEncrypt;

/**
 * The append-only commit journal beside a log file ({@code <file>.journal}): one record per transaction,
 * written before its deltas enter the map, so that a commit is durable without a store commit.
 *
 * <p>At a checkpoint the journal is {@linkplain #rotate rotated} to {@code <file>.journal.old}, which is
 * deleted once the store commit that covers it is on disk. Appends are made under the log's commit lock; the
 * journal adds its own monitor only for what also runs outside it (the ASYNC flusher and group fsync).
 */
final class Journal implements AutoCloseable {
    private static final int ASYNC_BUFFER_LIMIT = 1 << 20;

    private final Path path;
    private final Path oldPath;
    private final byte[] encryptionKey;
    private final Durability durability;
    /** Keeps a fsync from running on a channel that a rotation is closing. */
    private final ReentrantReadWriteLock channelGuard = new ReentrantReadWriteLock();

    private FileChannel channel;
    private long filePosition;
    private byte[] pending = new byte[4096];
    private int pendingLength;
    /** Bytes appended since the journal was opened, across rotations: the position group commit waits for. */
    private long appendedSeq;

    private long writtenSeq;
    private long durableSeq;
    private boolean syncing;
    private long bytesSinceRotation;

    Journal(Path path, byte[] encryptionKey, Durability durability) {
        this.path = path;
        this.oldPath = oldPath(path);
        this.encryptionKey = encryptionKey;
        this.durability = durability;
        this.channel = openFresh();
    }

    /** The path of the rotated journal that a checkpoint in progress still needs. */
    static Path oldPath(Path journal) {
        return journal.resolveSibling(journal.getFileName() + ".old");
    }

    private FileChannel openFresh() {
        try {
            Files.deleteIfExists(path);
            FileChannel base = FileChannel.open(
                    path, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE);
            filePosition = 0;
            return JournalFiles.wrap(path, base, encryptionKey);
        } catch (IOException e) {
            throw new DeltaLogException("cannot create journal " + path + ": " + e.getMessage(), e);
        }
    }

    /**
     * Appends one record. With COMMIT and SYNC it is written to the file now; with ASYNC it is buffered.
     * Called under the commit lock.
     *
     * @return the journal sequence at the end of the record, to pass to {@link #syncTo}
     * @throws DeltaLogException if the write fails; the journal is then cut back to where the record started
     */
    synchronized long append(byte[] record, int offset, int length) {
        if (durability == Durability.ASYNC) {
            ensurePending(length);
            System.arraycopy(record, offset, pending, pendingLength, length);
            pendingLength += length;
            appendedSeq += length;
            if (pendingLength >= ASYNC_BUFFER_LIMIT) {
                flush();
            }
        } else {
            writeFully(record, offset, length);
            appendedSeq += length;
            writtenSeq = appendedSeq;
        }
        bytesSinceRotation += length;
        return appendedSeq;
    }

    private void ensurePending(int extra) {
        if (pendingLength + extra > pending.length) {
            byte[] bigger = new byte[Math.max(pending.length * 2, pendingLength + extra)];
            System.arraycopy(pending, 0, bigger, 0, pendingLength);
            pending = bigger;
        }
    }

    /** Writes what ASYNC buffered. Runs on the flusher thread, at rotation and at close. */
    synchronized void flush() {
        if (pendingLength > 0) {
            writeFully(pending, 0, pendingLength);
            pendingLength = 0;
            if (pending.length > ASYNC_BUFFER_LIMIT * 2) {
                pending = new byte[4096];
            }
        }
        writtenSeq = appendedSeq;
    }

    private void writeFully(byte[] bytes, int offset, int length) {
        long start = filePosition;
        try {
            long pos = start;
            int at = offset;
            int end = offset + length;
            while (at < end) {
                int n = end - at;
                if (encryptionKey != null && pos % FileEncrypt.BLOCK_SIZE != 0) {
                    // h2's FileEncrypt throws EOFException on an unaligned write that runs into a block not yet
                    // in the file: fill the current block first, then write the rest from a block start.
                    // (Guarded by JournalRecoveryTest.encryptedJournalBeyondOneBlockIsWrittenAndReplayed.)
                    n = (int) Math.min(n, FileEncrypt.BLOCK_SIZE - pos % FileEncrypt.BLOCK_SIZE);
                }
                ByteBuffer buf = ByteBuffer.wrap(bytes, at, n);
                while (buf.hasRemaining()) {
                    pos += channel.write(buf, pos);
                }
                at += n;
            }
            if (encryptionKey != null && pos % FileEncrypt.BLOCK_SIZE == 0) {
                // FileEncrypt derives its size from the file length; the padding an earlier write left past a
                // block-aligned end would make it read one block short after a crash: cut it off.
                channel.truncate(pos);
            }
            filePosition = pos;
        } catch (IOException e) {
            try {
                channel.truncate(start); // never leave a torn record before later good ones
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw new DeltaLogException("cannot write journal " + path + ": " + e.getMessage(), e);
        }
    }

    /**
     * Returns once everything appended up to {@code seq} is forced to the disk. Concurrent callers share one
     * fsync: the first becomes the leader and forces what all of them wrote; the others wait for it.
     *
     * @throws DeltaLogException if the fsync fails
     */
    void syncTo(long seq) {
        while (true) {
            long target;
            synchronized (this) {
                while (durableSeq < seq && syncing) {
                    waitUninterruptibly();
                }
                if (durableSeq >= seq) {
                    return;
                }
                syncing = true;
                target = writtenSeq;
            }
            IOException failure = null;
            channelGuard.readLock().lock();
            try {
                channel.force(false);
            } catch (IOException e) {
                failure = e;
            } finally {
                channelGuard.readLock().unlock();
            }
            synchronized (this) {
                syncing = false;
                if (failure == null && target > durableSeq) {
                    durableSeq = target;
                }
                notifyAll();
            }
            if (failure != null) {
                throw new DeltaLogException(
                        "cannot force journal " + path + " to disk: " + failure.getMessage(), failure);
            }
        }
    }

    private void waitUninterruptibly() {
        try {
            wait();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Returns how many bytes were appended since the last rotation: a checkpoint trigger. */
    synchronized long bytesSinceRotation() {
        return bytesSinceRotation;
    }

    /**
     * Moves the journal aside to {@code <file>.journal.old} and starts an empty one. Called under the commit
     * lock at the start of a checkpoint; everything appended so far is written (and with SYNC forced) first.
     */
    void rotate() {
        channelGuard.writeLock().lock();
        try {
            synchronized (this) {
                flush();
                if (durability == Durability.SYNC) {
                    channel.force(false);
                    durableSeq = writtenSeq;
                    notifyAll();
                }
                channel.close();
                Files.move(path, oldPath, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                channel = openFresh();
                bytesSinceRotation = 0;
            }
        } catch (IOException e) {
            throw new DeltaLogException("cannot rotate journal " + path + ": " + e.getMessage(), e);
        } finally {
            channelGuard.writeLock().unlock();
        }
    }

    /** Deletes the rotated journal once the checkpoint that covers it is on disk. */
    void deleteOld() {
        try {
            Files.deleteIfExists(oldPath);
        } catch (IOException e) {
            throw new DeltaLogException("cannot delete journal " + oldPath + ": " + e.getMessage(), e);
        }
    }

    /** Closes the journal after a final checkpoint made it redundant, and deletes its files. */
    void closeAndDelete() {
        close();
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            throw new DeltaLogException("cannot delete journal " + path + ": " + e.getMessage(), e);
        }
        deleteOld();
    }

    /** Writes what is buffered and closes the file; the journal itself stays for recovery. */
    @Override
    public void close() {
        channelGuard.writeLock().lock();
        try {
            synchronized (this) {
                try {
                    flush();
                } finally {
                    channel.close();
                }
            }
        } catch (IOException e) {
            throw new DeltaLogException("cannot close journal " + path + ": " + e.getMessage(), e);
        } finally {
            channelGuard.writeLock().unlock();
        }
    }
}
