package io.github.deltalog.store;

import io.github.deltalog.DeltaLogException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.h2.store.fs.encrypt.FileEncrypt;

/**
 * One generation's file of the {@link Journal}, open for appending: created with its header, written at its end
 * in pieces h2's encrypting channel accepts, cut back when a record fails or is taken back, forced, closed. Its
 * channel ignores interrupts ({@link RandomAccessChannel}).
 *
 * <p>Thread-safety: {@link #append} and {@link #cutBack} run under the journal's monitor; {@link #force} outside
 * it, while the journal's channel guard keeps {@link #close} away.
 */
final class JournalFile {
    private final Path path;
    private final byte[] encryptionKey;
    private final FileChannel channel;
    /** Where the next append goes: the file's length as the journal wrote it; journal monitor. */
    private long position;
    /**
     * Set when a failed write could not be cut back: its bytes, with older ones, may read as a complete record, so
     * the outcome of that append is unknown and no later append may go after it.
     */
    private volatile boolean cutBackFailed;

    private JournalFile(Path path, byte[] encryptionKey, FileChannel channel) {
        this.path = path;
        this.encryptionKey = encryptionKey;
        this.channel = channel;
    }

    /**
     * Creates the file of a generation, which must not exist, and writes its header; with {@code force} also forces
     * the header and the folder entry (a rotation leaves that to {@link Journal#finishRotation}, outside the commit
     * lock). A file that was created but could not be written is deleted again.
     *
     * @param header the log, the generation and the commit timestamp it continues from
     * @throws DeltaLogException if the file exists or cannot be created, written or forced
     */
    static JournalFile create(Path path, byte[] encryptionKey, JournalFiles.Generation header, boolean force) {
        if (Files.exists(path)) {
            throw new DeltaLogException("cannot create journal " + path + ": a file of that name exists");
        }
        FileChannel created = null;
        try {
            created = JournalFiles.wrap(path, SafeFilePath.open(path, "rw"), encryptionKey);
            JournalFile file = new JournalFile(path, encryptionKey, created);
            JournalFiles.RecordBuilder record = new JournalFiles.RecordBuilder();
            record.generation(header);
            file.append(record.finish(), 0, record.length());
            if (force) {
                // The store names this generation as soon as the caller's next store commit: the header and the
                // folder entry must be on disk first, or a power cut leaves a store whose journal is missing.
                created.force(false);
                DirectorySync.syncParent(path);
            }
            return file;
        } catch (IOException | RuntimeException e) {
            if (created != null) {
                try {
                    created.close();
                    Files.deleteIfExists(path);
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw FileErrors.of("cannot create journal " + path, e);
        }
    }

    /**
     * Writes bytes at the end of the file. A failed write is cut back to where it started, so that no torn record
     * stands before later good ones; if even that fails, {@link #cutBackFailed()} tells from then on.
     *
     * @throws DeltaLogException if the write fails
     */
    void append(byte[] bytes, int offset, int length) {
        long start = position;
        try {
            long pos = start;
            int done = 0;
            while (done < length) {
                int piece = length - done;
                int inBlock = (int) (pos % FileEncrypt.BLOCK_SIZE);
                if (encryptionKey != null && inBlock != 0) {
                    // h2's FileEncrypt throws EOFException on a write that starts inside a 4 KiB block and runs
                    // past its end (it reads the whole span back first): end this piece at the block boundary.
                    piece = Math.min(piece, FileEncrypt.BLOCK_SIZE - inBlock);
                }
                ByteBuffer buf = ByteBuffer.wrap(bytes, offset + done, piece);
                while (buf.hasRemaining()) {
                    pos += channel.write(buf, pos);
                }
                done += piece;
                if (encryptionKey != null && pos % FileEncrypt.BLOCK_SIZE == 0) {
                    // A write ending on a boundary leaves FileEncrypt's old size padding behind, so a reopened
                    // journal would look shorter (a lost record): cut it off.
                    channel.truncate(pos);
                }
            }
            position = pos;
        } catch (IOException e) {
            try {
                channel.truncate(start);
            } catch (IOException suppressed) {
                cutBackFailed = true;
                e.addSuppressed(suppressed);
            }
            throw FileErrors.of("cannot write journal " + path, e);
        }
    }

    /** Whether a failed write could not be cut back: the file is in an unknown state. */
    boolean cutBackFailed() {
        return cutBackFailed;
    }

    /**
     * Cuts the last {@code length} bytes off: a record whose commit failed after it was written.
     *
     * @throws IOException if the file cannot be truncated (its length is then unchanged as far as appends go)
     */
    void cutBack(int length) throws IOException {
        long start = position - length;
        channel.truncate(start);
        position = start;
    }

    /** Forces what was written to the disk (without the file's metadata beyond its length). */
    void force() throws IOException {
        channel.force(false);
    }

    /** Closes the file. */
    void close() throws IOException {
        channel.close();
    }
}
