package io.github.deltalog.store;

import com.esotericsoftware.kryo.kryo5.Kryo;
import com.esotericsoftware.kryo.kryo5.KryoException;
import com.esotericsoftware.kryo.kryo5.io.Input;
import com.esotericsoftware.kryo.kryo5.io.Output;
import io.github.deltalog.CorruptLogException;
import io.github.deltalog.DeltaOp;
import io.github.deltalog.DeltaTooLargeException;
import java.util.zip.Checksum;

/**
 * Encodes a {@link DeltaOp} once into the bytes that go both to the journal and to the map, and decodes them
 * back with every check the reader owes its caller.
 *
 * <p>Layout of a stored value: 4 bytes CRC-32C (big-endian) over the key fields and the rest of the value,
 * 1 byte format version, then the Kryo encoding of the operation (class id, then its tuples). The checksum is
 * filled in by {@link #seal} once the commit timestamp is known.
 */
public final class DeltaCodec {
    /** The version byte of values written by this code. */
    public static final byte VALUE_VERSION = 1;
    /** The largest encoded delta accepted, in bytes (16 MiB). */
    public static final int MAX_VALUE_BYTES = 16 * 1024 * 1024;

    private static final int HEADER = 5;
    private static final ThreadLocal<Worker> WORKERS = ThreadLocal.withInitial(Worker::new);

    private DeltaCodec() {}

    /** A Kryo instance and its buffers; Kryo is not thread-safe, so each thread has one. */
    private static final class Worker {
        final Kryo kryo = KryoRegistry.newKryo();
        final Output output = new Output(256, MAX_VALUE_BYTES);
        final Input input = new Input();
        final byte[] keyBytes = new byte[20];
    }

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
        Worker w = WORKERS.get();
        Output out = w.output;
        out.reset();
        try {
            out.writeInt(0);
            out.writeByte(VALUE_VERSION);
            OpWriter.write(out, op); // the bytes of w.kryo.writeClassAndObject(out, op), without its lookups
            return out.toBytes();
        } catch (KryoException e) {
            if (out.position() + 64 >= MAX_VALUE_BYTES
                    || String.valueOf(e.getMessage()).contains("overflow")) {
                throw new DeltaTooLargeException("delta of row " + rowId + " in table '" + table
                        + "' exceeds the limit of " + MAX_VALUE_BYTES + " bytes encoded");
            }
            throw e;
        } finally {
            if (out.getBuffer().length > 64 * 1024) {
                WORKERS.remove(); // do not keep a huge buffer alive per thread
            }
        }
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
     * Checks and decodes a stored value.
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
        Worker w = WORKERS.get();
        Input in = w.input;
        in.setBuffer(value, HEADER, value.length - HEADER);
        try {
            Object op = w.kryo.readClassAndObject(in);
            if (!(op instanceof DeltaOp)) {
                throw corrupt(key, table, file, "value is not a delta operation", null);
            }
            if (in.position() != value.length) {
                throw corrupt(key, table, file, (value.length - in.position()) + " trailing bytes", null);
            }
            return (DeltaOp) op;
        } catch (RuntimeException e) {
            if (e instanceof CorruptLogException c) {
                throw c;
            }
            throw corrupt(key, table, file, "undecodable value: " + e.getMessage(), e);
        } finally {
            in.setBuffer(w.keyBytes); // drop the reference to the value
        }
    }

    private static int checksum(DeltaKey key, byte[] value) {
        return checksum(key, value, WORKERS.get().keyBytes, Crc32c.threadLocal());
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
