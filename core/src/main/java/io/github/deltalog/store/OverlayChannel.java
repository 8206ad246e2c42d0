package io.github.deltalog.store;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.h2.store.fs.FileBaseDefault;

/**
 * A copy-on-write view of a file: reads come from the file, writes go to a private overlay file, block by block,
 * and later reads of a written block come from the overlay. The file itself is opened read-only and never
 * written. A read-only open of a log replays a large journal through this, so that the store can save what it
 * replayed (bounded memory) without changing the log.
 *
 * <p>The overlay holds written blocks one after the other; an index of 4 bytes per 4 KiB block of the file maps a
 * block to its place there (about 0.1 % of the file's size in heap). Closing deletes the overlay.
 */
final class OverlayChannel extends FileBaseDefault {
    /** The unit of copy-on-write: MVStore's block size, which its writes are aligned to. */
    static final int BLOCK = 4096;

    private final FileChannel base;
    private final RandomAccessFile overlay;
    private final Path overlayPath;
    /** Block number → 1 + its slot in the overlay, or 0 while it is read from the base file. */
    private int[] slots = new int[16];

    private int used;
    /** The logical size. */
    private long size;
    /** Bytes of the base file still visible: a truncation hides what lies past it for good. */
    private long baseLimit;

    /**
     * Opens the view.
     *
     * @param base the file, open for reading; closed with this channel
     * @param overlayPath an empty private file for the written blocks; deleted when this channel closes
     */
    OverlayChannel(FileChannel base, Path overlayPath) throws IOException {
        this.base = base;
        this.overlayPath = overlayPath;
        this.overlay = new RandomAccessFile(overlayPath.toFile(), "rw");
        this.size = base.size();
        this.baseLimit = size;
    }

    @Override
    public synchronized int read(ByteBuffer dst, long position) throws IOException {
        if (!dst.hasRemaining()) {
            return 0;
        }
        if (position >= size) {
            return -1;
        }
        int length = (int) Math.min(dst.remaining(), size - position);
        byte[] block = new byte[BLOCK];
        int done = 0;
        while (done < length) {
            long pos = position + done;
            int offset = (int) (pos % BLOCK);
            int n = Math.min(length - done, BLOCK - offset);
            readBlock(pos / BLOCK, block);
            dst.put(block, offset, n);
            done += n;
        }
        return length;
    }

    @Override
    public synchronized int write(ByteBuffer src, long position) throws IOException {
        int length = src.remaining();
        byte[] block = new byte[BLOCK];
        int done = 0;
        while (done < length) {
            long pos = position + done;
            long b = pos / BLOCK;
            int offset = (int) (pos % BLOCK);
            int n = Math.min(length - done, BLOCK - offset);
            int slot = slot(b);
            if (slot == 0) {
                if (n < BLOCK) {
                    readBlock(b, block); // the rest of the block keeps what it held
                }
                slot = ++used;
                setSlot(b, slot);
            } else if (n < BLOCK) {
                readBlock(b, block);
            }
            src.get(block, offset, n);
            overlay.seek((long) (slot - 1) * BLOCK);
            overlay.write(block);
            done += n;
        }
        size = Math.max(size, position + length);
        return length;
    }

    /** Reads a whole block as the view shows it: from the overlay, the base file, or zeros. */
    private void readBlock(long b, byte[] into) throws IOException {
        int slot = slot(b);
        if (slot != 0) {
            overlay.seek((long) (slot - 1) * BLOCK);
            overlay.readFully(into);
            return;
        }
        Arrays.fill(into, (byte) 0);
        long start = b * BLOCK;
        int n = (int) Math.max(0, Math.min(BLOCK, baseLimit - start));
        ByteBuffer buf = ByteBuffer.wrap(into, 0, n);
        while (buf.hasRemaining()) {
            if (base.read(buf, start + buf.position()) < 0) {
                break; // the base file shrank meanwhile: the rest reads as zeros
            }
        }
    }

    private int slot(long b) {
        return b < slots.length ? slots[(int) b] : 0;
    }

    private void setSlot(long b, int slot) throws IOException {
        if (b > Integer.MAX_VALUE - 8) {
            throw new IOException("file too large for a copy-on-write view: block " + b);
        }
        if (b >= slots.length) {
            slots = Arrays.copyOf(slots, (int) Math.max(b + 1, Math.min(Integer.MAX_VALUE - 8, 2L * slots.length)));
        }
        slots[(int) b] = slot;
    }

    @Override
    public synchronized long size() {
        return size;
    }

    /** Nothing to force: the overlay is private and deleted at close. */
    @Override
    public void force(boolean metaData) {
        // The view is thrown away when it closes; durability has no meaning for it.
    }

    @Override
    protected synchronized void implTruncate(long newLength) throws IOException {
        if (newLength >= size) {
            return;
        }
        long b = newLength / BLOCK;
        int offset = (int) (newLength % BLOCK);
        if (offset != 0) {
            // Keep the part of the last block below the new end; what lies past it reads as zeros from now on.
            byte[] block = new byte[BLOCK];
            readBlock(b, block);
            Arrays.fill(block, offset, BLOCK, (byte) 0);
            int slot = slot(b);
            if (slot == 0) {
                slot = ++used;
                setSlot(b, slot);
            }
            overlay.seek((long) (slot - 1) * BLOCK);
            overlay.write(block);
            b++;
        }
        for (long i = b; i < slots.length; i++) {
            slots[(int) i] = 0; // their overlay space is not reused: a truncation is rare and the view short-lived
        }
        size = newLength;
        baseLimit = Math.min(baseLimit, newLength);
    }

    @Override
    protected void implCloseChannel() throws IOException {
        try (base;
                overlay) {
            // both closed, then the overlay deleted
        } finally {
            Files.deleteIfExists(overlayPath);
        }
    }

    /** Locks the base file shared: other readers may read it, no writer may open it meanwhile. */
    @Override
    public synchronized FileLock tryLock(long position, long size, boolean shared) throws IOException {
        return base.tryLock(0, Long.MAX_VALUE, true);
    }

    @Override
    public String toString() {
        return base + " (copy-on-write into " + overlayPath + ")";
    }
}
