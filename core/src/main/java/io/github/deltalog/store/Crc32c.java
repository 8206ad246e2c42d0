package io.github.deltalog.store;

import java.util.zip.Checksum;

/**
 * CRC-32C (Castagnoli), the checksum of stored values and journal records.
 *
 * <p>Uses the JDK's intrinsic {@code java.util.zip.CRC32C} where the runtime has it, found by name so that
 * the class still loads on runtimes without it (Android before API 34), and a table-driven pure-Java
 * implementation otherwise. Both give identical values.
 */
public final class Crc32c {
    private static final int POLY_REVERSED = 0x82F63B78;
    private static final int[] TABLE = new int[256];
    private static final boolean JDK_AVAILABLE;

    static {
        for (int i = 0; i < 256; i++) {
            int c = i;
            for (int k = 0; k < 8; k++) {
                c = (c & 1) != 0 ? (c >>> 1) ^ POLY_REVERSED : c >>> 1;
            }
            TABLE[i] = c;
        }
        JDK_AVAILABLE = newJdkChecksum() != null;
    }

    private static final ThreadLocal<Checksum> PER_THREAD =
            ThreadLocal.withInitial(() -> JDK_AVAILABLE ? newJdkChecksum() : new PureJava());

    private Crc32c() {}

    /**
     * Returns this thread's checksum instance, reset. Do not hand it to another thread.
     *
     * @return a reset CRC-32C checksum
     */
    public static Checksum threadLocal() {
        Checksum c = PER_THREAD.get();
        c.reset();
        return c;
    }

    /**
     * Computes the CRC-32C of a byte range. O(length).
     *
     * @param bytes the data
     * @param offset where the range starts
     * @param length the range's length
     * @return the checksum
     */
    public static int of(byte[] bytes, int offset, int length) {
        Checksum c = threadLocal();
        c.update(bytes, offset, length);
        return (int) c.getValue();
    }

    /**
     * Creates a new CRC-32C instance of its own (the JDK's where available), for a caller that keeps one per
     * object instead of looking up the thread's.
     *
     * @return a fresh checksum
     */
    static Checksum newChecksum() {
        return JDK_AVAILABLE ? newJdkChecksum() : new PureJava();
    }

    /**
     * Creates a new pure-Java CRC-32C, independent of the JDK's (for tests and for runtimes without it).
     *
     * @return a fresh checksum
     */
    public static Checksum pureJava() {
        return new PureJava();
    }

    private static Checksum newJdkChecksum() {
        try {
            return (Checksum)
                    Class.forName("java.util.zip.CRC32C").getConstructor().newInstance();
        } catch (ReflectiveOperationException | LinkageError e) {
            return null;
        }
    }

    /** Byte-at-a-time table lookup; the fallback where the JDK has no CRC32C. */
    private static final class PureJava implements Checksum {
        private int crc = -1;

        @Override
        public void update(int b) {
            crc = (crc >>> 8) ^ TABLE[(crc ^ b) & 0xFF];
        }

        @Override
        public void update(byte[] b, int off, int len) {
            int c = crc;
            for (int i = off, end = off + len; i < end; i++) {
                c = (c >>> 8) ^ TABLE[(c ^ b[i]) & 0xFF];
            }
            crc = c;
        }

        @Override
        public long getValue() {
            return ~crc & 0xFFFFFFFFL;
        }

        @Override
        public void reset() {
            crc = -1;
        }
    }
}
