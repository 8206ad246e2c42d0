package io.github.deltalog.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.h2.store.fs.FileBaseDefault;
import org.h2.store.fs.FilePath;
import org.h2.store.fs.FilePathWrapper;

/**
 * A fault-injecting file system for tests, scheme {@code fault:} over the log's {@code dlsafe:}: when armed, the
 * n-th write, force or truncate of a file under a chosen folder fails as a full disk ({@code ENOSPC}), a device
 * error ({@code EIO}) or a short write (part of the buffer written, then {@code ENOSPC}), or the calling thread
 * is interrupted just before it. A fault can stay on (a disk that stays full) until {@link #disarm}.
 */
public final class FaultFilePath extends FilePathWrapper {
    /** What an armed fault does. */
    enum Fault {
        NO_SPACE,
        IO_ERROR,
        SHORT_WRITE,
        INTERRUPT
    }

    private static volatile String folder;
    private static volatile Fault fault;
    private static volatile boolean sticky;
    private static final AtomicLong countdown = new AtomicLong(Long.MAX_VALUE);
    private static final AtomicInteger fired = new AtomicInteger();
    /** The thread the last interrupt fault hit: the caller, or a background thread writing for it. */
    private static volatile Thread interruptedThread;

    static {
        FilePath.register(new FaultFilePath());
    }

    /** Creates the registered instance; h2 creates one per path reflectively. */
    public FaultFilePath() {
        // FilePathWrapper fills in the name and base.
    }

    /** Makes the log open its files through this scheme, faults only for files under {@code under}. */
    static void install(String under) {
        folder = under;
        disarm();
        SafeFilePath.usePrefix("fault:" + SafeFilePath.prefix());
    }

    /** Back to the log's own scheme. */
    static void uninstall() {
        disarm();
        SafeFilePath.usePrefix("dlsafe:");
    }

    /**
     * Arms a fault at the {@code after}-th next write, force or truncate (0: the next one).
     *
     * @param stays whether every later write fails too, until {@link #disarm}
     */
    static void arm(Fault what, long after, boolean stays) {
        fired.set(0);
        interruptedThread = null;
        fault = what;
        sticky = stays;
        countdown.set(after);
    }

    /** Stops injecting. */
    static void disarm() {
        countdown.set(Long.MAX_VALUE);
        fault = null;
    }

    /** The thread the last interrupt fault hit, or null. */
    static Thread interruptedThread() {
        return interruptedThread;
    }

    /** How many faults fired since the last {@link #arm}. */
    static int fired() {
        return fired.get();
    }

    @Override
    public String getScheme() {
        return "fault";
    }

    @Override
    public FileChannel open(String mode) throws IOException {
        FileChannel base = getBase().open(mode);
        String f = folder;
        return f != null && name.contains(f) ? new FaultChannel(base) : base;
    }

    /** Throws the armed fault when its turn has come. */
    private static void maybeFail(FileChannel base, ByteBuffer src, long position) throws IOException {
        Fault f = fault;
        if (f == null) {
            return;
        }
        long left = countdown.getAndDecrement();
        if (left > 0) {
            return;
        }
        if (!sticky) {
            fault = null;
        }
        fired.incrementAndGet();
        switch (f) {
            case NO_SPACE -> throw new IOException("No space left on device");
            case IO_ERROR -> throw new IOException("Input/output error");
            case SHORT_WRITE -> {
                if (src != null && src.remaining() > 1) {
                    ByteBuffer part = src.duplicate();
                    part.limit(part.position() + part.remaining() / 2);
                    base.write(part, position);
                }
                throw new IOException("No space left on device");
            }
            case INTERRUPT -> {
                interruptedThread = Thread.currentThread();
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Delegates to the real channel, failing as armed. */
    private static final class FaultChannel extends FileBaseDefault {
        private final FileChannel base;

        FaultChannel(FileChannel base) {
            this.base = base;
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            return base.read(dst, position);
        }

        @Override
        public int write(ByteBuffer src, long position) throws IOException {
            maybeFail(base, src, position);
            return base.write(src, position);
        }

        @Override
        public long size() throws IOException {
            return base.size();
        }

        @Override
        public void force(boolean metaData) throws IOException {
            maybeFail(base, null, 0);
            base.force(metaData);
        }

        @Override
        protected void implTruncate(long newLength) throws IOException {
            maybeFail(base, null, 0);
            base.truncate(newLength);
        }

        @Override
        protected void implCloseChannel() throws IOException {
            base.close();
        }

        @Override
        public FileLock tryLock(long position, long size, boolean shared) throws IOException {
            return base.tryLock(position, size, shared);
        }
    }
}
