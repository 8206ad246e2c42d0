package io.github.deltalog.store;

import io.github.deltalog.CorruptLogException;
import io.github.deltalog.DeltaOp;
import io.github.deltalog.DeltaTooLargeException;
import io.github.deltalog.TableSchema;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.Checksum;
import org.h2.mvstore.WriteBuffer;

/**
 * Encodes a {@link DeltaOp} once into the bytes that go both to the journal and to the map, and decodes them
 * back with every check the reader owes its caller.
 *
 * <p>Layout of a stored value: 4 bytes CRC-32C (big-endian) over the key fields and the rest of the value,
 * 1 byte format version, then the operation in the format of {@link WireFormat} (Kryo 5's bytes, written and
 * read by {@link OpWriter} and {@link OpReader}; no Kryo instance, so nothing reaches {@code sun.misc.Unsafe}).
 * The checksum is filled in by {@link #seal} once the commit timestamp is known.
 */
public final class DeltaCodec {
    /** The version byte of values written by this code. */
    public static final byte VALUE_VERSION = 1;
    /** The largest encoded delta accepted, in bytes (16 MiB). */
    public static final int MAX_VALUE_BYTES = 16 * 1024 * 1024;

    private static final int HEADER = 5;
    private static final ThreadLocal<WriteBuffer> BUFFERS = ThreadLocal.withInitial(() -> new WriteBuffer(256));
    private static final ThreadLocal<byte[]> KEY_BYTES = ThreadLocal.withInitial(() -> new byte[20]);

    private DeltaCodec() {}

    /**
     * Encodes an operation, leaving the checksum unset. O(size of the images).
     *
     * @param table the table, for the error message
     * @param rowId the row, for the error message
     * @param op the operation
     * @return the value bytes, to be {@linkplain #seal sealed} at commit
     * @throws DeltaTooLargeException if the encoding exceeds {@link #MAX_VALUE_BYTES}
     */
    public static byte[] encode(String table, long rowId, DeltaOp op) {
        WriteBuffer out = BUFFERS.get().clear();
        try {
            out.putInt(0);
            out.put(VALUE_VERSION);
            OpWriter.write(out, op, MAX_VALUE_BYTES);
        } catch (OpWriter.TooLargeException e) {
            BUFFERS.remove(); // do not keep a huge buffer alive per thread
            throw new DeltaTooLargeException("delta of row " + rowId + " in table '" + table + "' exceeds the limit of "
                    + MAX_VALUE_BYTES + " bytes encoded");
        }
        ByteBuffer b = out.getBuffer();
        byte[] value = new byte[b.position()];
        System.arraycopy(b.array(), b.arrayOffset(), value, 0, value.length);
        if (out.capacity() > 64 * 1024) {
            BUFFERS.remove(); // h2's buffer would keep up to 4 MB per thread
        }
        return value;
    }

    /**
     * Writes the checksum of a value under its key into its first four bytes.
     *
     * @param key the key the value is stored under
     * @param value bytes made by {@link #encode}
     */
    public static void seal(DeltaKey key, byte[] value) {
        putChecksum(value, checksum(key, value));
    }

    /**
     * Checks and decodes a stored value. O(size of the value); allocates only the operation, one array per
     * tuple and the values.
     *
     * @param key the key it was stored under
     * @param value the stored bytes
     * @param table the table, for error messages
     * @param file the log file, for error messages
     * @return the operation
     * @throws CorruptLogException if the checksum, version or structure is wrong; the message names the table,
     *     row, timestamp and file
     */
    public static DeltaOp decode(DeltaKey key, byte[] value, String table, String file) {
        return decode(key, value, table, file, null);
    }

    /**
     * Checks and decodes a stored value as {@link #decode(DeltaKey, byte[], String, String)} does, its tuples
     * named by a schema (no extra allocation).
     *
     * @param schema names the tuples, or null for none
     * @return the operation
     * @throws CorruptLogException if the checksum, version or structure is wrong
     */
    public static DeltaOp decode(DeltaKey key, byte[] value, String table, String file, TableSchema schema) {
        if (value == null || value.length < HEADER) {
            throw corrupt(key, table, file, "value too short", null);
        }
        int stored =
                ((value[0] & 0xFF) << 24) | ((value[1] & 0xFF) << 16) | ((value[2] & 0xFF) << 8) | (value[3] & 0xFF);
        if (stored != checksum(key, value)) {
            throw corrupt(key, table, file, "checksum mismatch", null);
        }
        if (value[4] != VALUE_VERSION) {
            throw corrupt(key, table, file, "unknown value version " + value[4], null);
        }
        ByteBuffer in = ByteBuffer.wrap(value, HEADER, value.length - HEADER).order(ByteOrder.LITTLE_ENDIAN);
        try {
            DeltaOp op = OpReader.read(in, schema);
            if (in.hasRemaining()) {
                throw corrupt(key, table, file, in.remaining() + " trailing bytes", null);
            }
            return op;
        } catch (BufferUnderflowException e) {
            throw corrupt(key, table, file, "value ends early", e);
        } catch (OpReader.FormatException e) {
            throw corrupt(key, table, file, e.getMessage(), null);
        } catch (CorruptLogException e) {
            throw e;
        } catch (RuntimeException e) { // dates and times out of range
            throw corrupt(key, table, file, "undecodable value: " + e, e);
        }
    }

    private static int checksum(DeltaKey key, byte[] value) {
        return checksum(key, value, KEY_BYTES.get(), Crc32c.threadLocal());
    }

    private static int checksum(DeltaKey key, byte[] value, byte[] keyBytes, Checksum c) {
        putInt(keyBytes, 0, key.tableId());
        putLong(keyBytes, 4, key.commitTimestamp());
        putLong(keyBytes, 12, key.rowId());
        c.update(keyBytes, 0, keyBytes.length);
        c.update(value, 4, value.length - 4);
        return (int) c.getValue();
    }

    private static void putChecksum(byte[] value, int crc) {
        value[0] = (byte) (crc >>> 24);
        value[1] = (byte) (crc >>> 16);
        value[2] = (byte) (crc >>> 8);
        value[3] = (byte) crc;
    }

    /**
     * Seals values like {@link #seal} with its own checksum and scratch buffer, for a caller that seals many
     * values on one thread at a time (the commit path, under its lock): the static method looks up two
     * thread-locals per value. Not thread-safe.
     */
    static final class Sealer {
        private final byte[] keyBytes = new byte[20];
        private final Checksum crc = Crc32c.newChecksum();

        /**
         * Writes the checksum of a value under its key into its first four bytes.
         *
         * @param key the key the value is stored under
         * @param value bytes made by {@link #encode}
         */
        void seal(DeltaKey key, byte[] value) {
            crc.reset();
            putChecksum(value, checksum(key, value, keyBytes, crc));
        }
    }

    private static CorruptLogException corrupt(DeltaKey key, String table, String file, String what, Throwable cause) {
        return new CorruptLogException(
                "corrupt delta of row " + key.rowId() + " at timestamp " + key.commitTimestamp() + " in table '" + table
                        + "' of " + file + ": " + what,
                cause);
    }

    private static void putInt(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }

    private static void putLong(byte[] b, int off, long v) {
        putInt(b, off, (int) (v >>> 32));
        putInt(b, off + 4, (int) v);
    }
}
