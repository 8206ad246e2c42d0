package io.github.deltalog.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.h2.store.fs.FileBaseDefault;
import org.h2.store.fs.FilePath;
import org.h2.store.fs.FilePathWrapper;

/**
 * A file system for tests, scheme {@code forced:} over the log's {@code dlsafe:}, that remembers for each file how
 * many of its bytes the last fsync covered: the file's size when that fsync started. What lies beyond is what a
 * power cut at that moment could take away, so a test can cut a copy of the file there. Counts from when the file
 * was opened last (a journal generation is a fresh file).
 */
public final class ForceTrackingFilePath extends FilePathWrapper {
    /** Per file name (as opened), the size at the start of its last fsync. */
    private static final Map<String, AtomicLong> FORCED = new ConcurrentHashMap<>();

    static {
        FilePath.register(new ForceTrackingFilePath());
    }

    /** Creates the registered instance; h2 creates one per path reflectively. */
    public ForceTrackingFilePath() {
        // FilePathWrapper fills in the name and base.
    }

    /** Makes the log open its files through this scheme. */
    static void install() {
        FORCED.clear();
        SafeFilePath.usePrefix("forced:" + SafeFilePath.prefix());
    }

    /** Back to the log's own scheme. */
    static void uninstall() {
        SafeFilePath.usePrefix("dlsafe:");
        FORCED.clear();
    }

    /**
     * Returns how many bytes of a file the last fsync covered (0 if it was never forced).
     *
     * @param fileName the end of the file's name, for instance {@code log.db.journal}
     */
    static long forcedLength(String fileName) {
        long max = 0;
        for (Map.Entry<String, AtomicLong> e : FORCED.entrySet()) {
            if (e.getKey().endsWith("/" + fileName)) {
                max = Math.max(max, e.getValue().get());
            }
        }
        return max;
    }

    @Override
    public String getScheme() {
        return "forced";
    }

    @Override
    public FileChannel open(String mode) throws IOException {
        // A journal generation is a new file under the same name (the previous one was renamed with its channel
        // open): what counts is the file opened last.
        AtomicLong forced = new AtomicLong();
        FORCED.put(name, forced);
        return new TrackingChannel(getBase().open(mode), forced);
    }

    /** Delegates to the real channel and notes the size at each fsync. */
    private static final class TrackingChannel extends FileBaseDefault {
        private final FileChannel base;
        private final AtomicLong forced;

        TrackingChannel(FileChannel base, AtomicLong forced) {
            this.base = base;
            this.forced = forced;
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            return base.read(dst, position);
        }

        @Override
        public int write(ByteBuffer src, long position) throws IOException {
            return base.write(src, position);
        }

        @Override
        public long size() throws IOException {
            return base.size();
        }

        @Override
        public void force(boolean metaData) throws IOException {
            // Only what was written before the fsync started is covered by it.
            long size = base.size();
            base.force(metaData);
            forced.accumulateAndGet(size, Math::max);
        }

        @Override
        protected void implTruncate(long newLength) throws IOException {
            base.truncate(newLength);
            forced.accumulateAndGet(newLength, Math::min);
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
