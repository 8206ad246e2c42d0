package io.github.deltalog.store;

import io.github.deltalog.TransactionTooLargeException;
import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.h2.mvstore.DataUtils;
import org.h2.store.fs.encrypt.FileEncrypt;

/**
 * The journal's file format, in one place: record layout, encryption wrapping and the record builder (the
 * reader is {@link JournalReader}).
 *
 * <p>A record is {@code int bodyLength, int crc32c(body), body}. Every journal generation starts with a header
 * body {@code byte type (3), long logIdHigh, long logIdLow, long generation, long previous}: the log it belongs
 * to, its place in the chain of generations, and the commit timestamp it continues from (its first transaction
 * is the first one after {@code previous}). A transaction body is {@code byte type (1), long commitTimestamp,
 * varint count} and per delta {@code varint tableId, long rowId, varint valueLength, value}; values are the
 * sealed bytes that also go to the map. A consumer body is {@code byte type (2), long position, varint
 * nameLength, UTF-8 name}; consumer records are replayed in file order whatever their place relative to the
 * checkpoint, so the last one of a name wins. A map-changes body ({@link MapChanges}) is replayed in file order
 * too: its values are absolute. Varints are h2's ({@link DataUtils#writeVarInt}). Journals of
 * format version 1 have no header.
 */
final class JournalFiles {
    static final byte TRANSACTION = 1;
    static final byte CONSUMER = 2;
    static final byte GENERATION_HEADER = 3;
    /** Changes to side maps and a consumer (a view refresh), see {@link MapChanges}; format 4 stores only. */
    static final byte MAP_CHANGES = 4;
    /** The position a consumer record carries when the consumer was dropped. */
    static final long DROPPED = Long.MIN_VALUE;

    /** Bytes of a record's frame: length and checksum. */
    static final int HEADER = 8;
    /** Bytes of a generation header record, frame included. */
    static final int GENERATION_HEADER_BYTES = HEADER + 1 + 4 * 8;
    /**
     * The largest body a valid record can have: a transaction of the documented maximum plus its per-delta
     * overhead. A length field above it is damage, and the reader never allocates for it.
     */
    static final int MAX_BODY = TransactionTooLargeException.MAX_TRANSACTION_BYTES + (16 << 20);

    private JournalFiles() {}

    /** Receives the records that recovery replays, oldest first. */
    interface Visitor {
        /** A valid transaction above the replay's starting point begins; its deltas follow. */
        void transaction(long commitTimestamp);

        /** One delta of the transaction begun last. */
        void delta(DeltaKey key, byte[] value);

        /** One consumer position change; {@link #DROPPED} for a dropped consumer. Ignored unless overridden. */
        default void consumer(String name, long position) {}

        /**
         * One change of a map-changes record ({@link MapChanges}), in record order. Ignored unless overridden.
         *
         * @param map the map's name after the namespace prefix
         * @param key the key in the map's key type encoding
         * @param value the new value in the map's value type encoding, or null for a removal
         */
        default void mapChange(String map, byte[] key, byte[] value) {}
    }

    /**
     * The header that starts a journal generation.
     *
     * @param id the log it belongs to
     * @param generation its place in the log's chain of journals, from 1
     * @param previous the commit timestamp it continues from
     */
    record Generation(LogId id, long generation, long previous) {}

    /** Wraps a journal channel in h2's XTS file encryption when the log is encrypted. */
    static FileChannel wrap(Path path, FileChannel base, byte[] encryptionKey) {
        return encryptionKey == null ? base : new FileEncrypt(path.toString(), encryptionKey.clone(), base);
    }

    /** Builds journal records in a reusable, growing buffer. Not thread-safe: used under the commit lock. */
    static final class RecordBuilder {
        private ByteBuffer buf = ByteBuffer.allocate(1024);

        void startTransaction(long commitTimestamp, int count) {
            start();
            buf.put(TRANSACTION);
            buf.putLong(commitTimestamp);
            DataUtils.writeVarInt(buf, count);
        }

        void consumer(String name, long position) {
            byte[] utf8 = name.getBytes(StandardCharsets.UTF_8);
            start();
            buf.put(CONSUMER);
            buf.putLong(position);
            DataUtils.writeVarInt(buf, utf8.length);
            ensure(utf8.length);
            buf.put(utf8);
        }

        void generation(Generation g) {
            start();
            buf.put(GENERATION_HEADER);
            buf.putLong(g.id().high());
            buf.putLong(g.id().low());
            buf.putLong(g.generation());
            buf.putLong(g.previous());
        }

        /**
         * Adds one delta of the transaction started last.
         *
         * @throws TransactionTooLargeException if the transaction grows past the documented maximum
         */
        void addDelta(DeltaKey key, byte[] value) {
            long after = (long) buf.position() + 5 + 8 + 5 + value.length;
            if (after - HEADER > TransactionTooLargeException.MAX_TRANSACTION_BYTES + 64L) {
                throw new TransactionTooLargeException("transaction too large: its deltas take more than "
                        + (TransactionTooLargeException.MAX_TRANSACTION_BYTES >> 20)
                        + " MiB encoded; nothing was recorded (split it into smaller transactions)");
            }
            ensure(18 + value.length);
            DataUtils.writeVarInt(buf, key.tableId());
            buf.putLong(key.rowId());
            DataUtils.writeVarInt(buf, value.length);
            buf.put(value);
        }

        /** Fills in the frame; returns the record's buffer, valid up to {@link #length()}. */
        byte[] finish() {
            int body = buf.position() - HEADER;
            byte[] b = buf.array();
            putInt(b, 0, body);
            putInt(b, 4, Crc32c.of(b, HEADER, body));
            return b;
        }

        int length() {
            return buf.position();
        }

        /** Lets a buffer that grew for one huge transaction go. */
        void trim() {
            if (buf.capacity() > (4 << 20)) {
                buf = ByteBuffer.allocate(1024);
            }
        }

        private void start() {
            ((Buffer) buf).clear(); // Buffer.clear(): ByteBuffer.clear() is Java 9+, not Android 26
            ((Buffer) buf).position(HEADER);
            ensure(64);
        }

        private void ensure(int extra) {
            if (buf.remaining() < extra) {
                long wanted = Math.max((long) buf.capacity() * 2, (long) buf.position() + extra);
                ByteBuffer bigger = ByteBuffer.allocate((int) Math.min(wanted, Integer.MAX_VALUE - 16));
                ((Buffer) buf).flip();
                bigger.put(buf);
                buf = bigger;
            }
        }
    }

    static void putInt(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }
}
