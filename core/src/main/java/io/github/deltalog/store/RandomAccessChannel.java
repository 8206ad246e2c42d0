package io.github.deltalog.store;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.channels.FileLock;
import org.h2.store.fs.FileBaseDefault;

/**
 * A {@code FileChannel} over a {@link RandomAccessFile}, for the store file and the journal. The JDK's own
 * file channels are interruptible: an interrupt of any thread inside a read, write or force closes the channel
 * for every thread, and MVStore then closes the whole store. A {@code RandomAccessFile}'s reads and writes
 * ignore interrupts, so a caller's {@code Future.cancel(true)} never harms the log (DESIGN §8); the interrupted
 * call completes and the thread keeps its interrupt flag.
 *
 * <p>Positional reads and writes seek first (unless the file pointer is there already), so they are serialised on
 * this object; MVStore's page cache keeps that off the common read path.
 */
final class RandomAccessChannel extends FileBaseDefault {
    private final RandomAccessFile file;
    private final String name;
    /**
     * Where the file pointer is after the last read or write, or -1 when unknown: a read or write that starts
     * there (a cursor reading a chunk's pages in order, the journal appending) saves the seek system call.
     */
    private long pointer = -1;

    /**
     * Opens a file.
     *
     * @param name the file
     * @param mode {@code "r"} or {@code "rw"} (creates the file if missing)
     * @throws FileNotFoundException if the file cannot be opened (missing, a folder, permission denied)
     */
    RandomAccessChannel(String name, String mode) throws FileNotFoundException {
        this.file = new RandomAccessFile(name, mode.startsWith("rw") ? "rw" : "r");
        this.name = name;
    }

    @Override
    public synchronized int read(ByteBuffer dst, long position) throws IOException {
        int length = dst.remaining();
        if (length == 0) {
            return 0;
        }
        seek(position);
        pointer = -1; // unknown if the read fails
        int n;
        if (dst.hasArray()) {
            n = file.read(dst.array(), dst.arrayOffset() + dst.position(), length);
            if (n > 0) {
                ((Buffer) dst).position(dst.position() + n);
            }
        } else {
            byte[] tmp = new byte[length];
            n = file.read(tmp, 0, length);
            if (n > 0) {
                dst.put(tmp, 0, n);
            }
        }
        pointer = n > 0 ? position + n : -1;
        return n;
    }

    /** Moves the file pointer unless it is there already; forgets it if the seek fails. */
    private void seek(long position) throws IOException {
        if (position != pointer) {
            pointer = -1;
            file.seek(position);
            pointer = position;
        }
    }

    @Override
    public synchronized int write(ByteBuffer src, long position) throws IOException {
        int length = src.remaining();
        seek(position);
        pointer = -1; // unknown if the write fails part way
        if (src.hasArray()) {
            file.write(src.array(), src.arrayOffset() + src.position(), length);
            ((Buffer) src).position(src.position() + length);
        } else {
            byte[] tmp = new byte[length];
            src.get(tmp);
            file.write(tmp, 0, length);
        }
        pointer = position + length;
        return length;
    }

    @Override
    public synchronized long size() throws IOException {
        return file.length();
    }

    @Override
    public void force(boolean metaData) throws IOException {
        file.getFD().sync();
    }

    @Override
    protected synchronized void implTruncate(long newLength) throws IOException {
        if (newLength < file.length()) {
            pointer = -1; // setLength may move the pointer
            file.setLength(newLength);
        }
    }

    @Override
    protected void implCloseChannel() throws IOException {
        file.close();
    }

    /**
     * Takes the OS file lock. Locking goes through the JDK's interruptible channel of the file, which an
     * interrupt would close together with the file: the flag is cleared for the call and restored after.
     */
    @Override
    public synchronized FileLock tryLock(long position, long size, boolean shared) throws IOException {
        boolean interrupted = Thread.interrupted();
        try {
            return file.getChannel().tryLock(position, size, shared);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
