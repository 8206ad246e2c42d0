package io.github.deltalog.jdbc;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.util.concurrent.TimeUnit;
import org.h2.store.fs.FilePath;
import org.h2.store.fs.FilePathWrapper;

/**
 * An H2 file system ({@code jdbc:h2:heldwrites:/path/db}) that can hold the writes of H2's own threads: while a hold is
 * on, a write it matches waits (the bytes not yet in the file) until the hold is released, so a test can look at the
 * file as a SIGKILL at that instant would leave it. Writes of the thread that set the hold always pass. One hold at a
 * time, for the whole JVM.
 */
public final class HeldWritesFileSystem extends FilePathWrapper {
    static final String SCHEME = "heldwrites";

    /** Which writes a hold stops. */
    enum Hold {
        NONE,
        /** Writes at offset 0: the store header. */
        HEADER,
        /** Every write. */
        ALL
    }

    private static final Object LOCK = new Object();
    private static Hold hold = Hold.NONE;
    private static Thread holder;
    private static int waiting;

    static {
        FilePath.register(new HeldWritesFileSystem());
    }

    /** For H2, which makes one instance per path (by reflection). */
    public HeldWritesFileSystem() {}

    /** Registers the file system with H2 (idempotent). */
    static void register() {
        // the static initializer did it
    }

    /** Starts holding the matching writes of every thread but the caller's. */
    static void hold(Hold h) {
        synchronized (LOCK) {
            hold = h;
            holder = Thread.currentThread();
            LOCK.notifyAll();
        }
    }

    /**
     * Waits until a write is held.
     *
     * @return false if none was held within the time
     */
    static boolean awaitHeld(long millis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        synchronized (LOCK) {
            while (waiting == 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(LOCK, left);
            }
            return true;
        }
    }

    /** Tells whether a write is held now. */
    static boolean held() {
        synchronized (LOCK) {
            return waiting > 0;
        }
    }

    /** Lets every held write go on. */
    static void release() {
        hold(Hold.NONE);
    }

    private static void gate(long position) throws IOException {
        synchronized (LOCK) {
            boolean counted = false;
            try {
                while (matches(position)) {
                    if (!counted) {
                        counted = true;
                        waiting++;
                        LOCK.notifyAll();
                    }
                    LOCK.wait();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while a write was held", e);
            } finally {
                if (counted) {
                    waiting--;
                }
            }
        }
    }

    private static boolean matches(long position) {
        return Thread.currentThread() != holder && (hold == Hold.ALL || hold == Hold.HEADER && position == 0);
    }

    @Override
    public String getScheme() {
        return SCHEME;
    }

    @Override
    public FileChannel open(String mode) throws IOException {
        return new HeldChannel(getBase().open(mode));
    }

    /** A channel that passes every call on to H2's own, after the hold's gate for writes. */
    private static final class HeldChannel extends FileChannel {
        private final FileChannel base;

        HeldChannel(FileChannel base) {
            this.base = base;
        }

        @Override
        public int write(ByteBuffer src, long position) throws IOException {
            gate(position);
            return base.write(src, position);
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            gate(base.position());
            return base.write(src);
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
            gate(base.position());
            return base.write(srcs, offset, length);
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return base.read(dst);
        }

        @Override
        public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
            return base.read(dsts, offset, length);
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            return base.read(dst, position);
        }

        @Override
        public long position() throws IOException {
            return base.position();
        }

        @Override
        public FileChannel position(long newPosition) throws IOException {
            base.position(newPosition);
            return this;
        }

        @Override
        public long size() throws IOException {
            return base.size();
        }

        @Override
        public FileChannel truncate(long size) throws IOException {
            gate(size);
            base.truncate(size);
            return this;
        }

        @Override
        public void force(boolean metaData) throws IOException {
            base.force(metaData);
        }

        @Override
        public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
            return base.transferTo(position, count, target);
        }

        @Override
        public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
            gate(position);
            return base.transferFrom(src, position, count);
        }

        @Override
        public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
            return base.map(mode, position, size);
        }

        @Override
        public FileLock lock(long position, long size, boolean shared) throws IOException {
            return base.lock(position, size, shared);
        }

        @Override
        public FileLock tryLock(long position, long size, boolean shared) throws IOException {
            return base.tryLock(position, size, shared);
        }

        @Override
        protected void implCloseChannel() throws IOException {
            base.close();
        }
    }
}
