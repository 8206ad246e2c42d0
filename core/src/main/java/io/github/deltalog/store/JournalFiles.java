package io.github.deltalog.store;

import io.github.deltalog.CorruptLogException;
import java.io.IOException;
import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.h2.store.fs.encrypt.FileEncrypt;

/**
 * The journal's file format, in one place: record layout, encryption wrapping and the recovery reader.
 *
 * <p>A record is {@code int bodyLength, int crc32c(body), body}; a transaction body is {@code byte type (1),
 * long commitTimestamp, varint count} and per delta {@code varint tableId, long rowId, varint valueLength,
 * value}. Values are the sealed bytes that also go to the map. A consumer body is {@code byte type (2), long
 * position, varint nameLength, UTF-8 name}; consumer records are replayed in file order whatever their place
 * relative to the checkpoint, so the last one of a name wins.
 */
final class JournalFiles {
    static final byte TRANSACTION = 1;
    static final byte CONSUMER = 2;
    /** The position a consumer record carries when the consumer was dropped. */
    static final long DROPPED = Long.MIN_VALUE;

    static final int HEADER = 8;

    private JournalFiles() {}

    /** Receives the records that recovery replays, oldest first. */
    interface Visitor {
        /** One valid transaction record above the checkpoint. */
        void transaction(long commitTimestamp, DeltaKey[] keys, byte[][] values);

        /** One consumer position change; {@link #DROPPED} for a dropped consumer. Ignored unless overridden. */
        default void consumer(String name, long position) {}
    }

    /** Wraps a journal channel in h2's XTS file encryption when the log is encrypted. */
    static FileChannel wrap(Path path, FileChannel base, byte[] encryptionKey) {
        return encryptionKey == null ? base : new FileEncrypt(path.toString(), encryptionKey.clone(), base);
    }

    /** Builds journal records in a reusable, growing buffer. Not thread-safe: used under the commit lock. */
    static final class RecordBuilder {
        private byte[] buf = new byte[1024];
        private int length;

        void startTransaction(long commitTimestamp, int count) {
            length = HEADER;
            putByte(TRANSACTION);
            putLong(commitTimestamp);
            putVarInt(count);
        }

        void consumer(String name, long position) {
            byte[] utf8 = name.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            length = HEADER;
            putByte(CONSUMER);
            putLong(position);
            putVarInt(utf8.length);
            ensure(utf8.length);
            System.arraycopy(utf8, 0, buf, length, utf8.length);
            length += utf8.length;
        }

        void addDelta(DeltaKey key, byte[] value) {
            putVarInt(key.tableId());
            putLong(key.rowId());
            putVarInt(value.length);
            ensure(value.length);
            System.arraycopy(value, 0, buf, length, value.length);
            length += value.length;
        }

        /** Fills in the header; returns the record's buffer, valid up to {@link #length()}. */
        byte[] finish() {
            int body = length - HEADER;
            putInt(buf, 0, body);
            putInt(buf, 4, Crc32c.of(buf, HEADER, body));
            return buf;
        }

        int length() {
            return length;
        }

        /** Lets a buffer that grew for one huge transaction go. */
        void trim() {
            if (buf.length > (4 << 20)) {
                buf = new byte[1024];
            }
        }

        private void ensure(int extra) {
            if (length + extra > buf.length) {
                byte[] bigger = new byte[Math.max(buf.length * 2, length + extra)];
                System.arraycopy(buf, 0, bigger, 0, length);
                buf = bigger;
            }
        }

        private void putByte(int b) {
            ensure(1);
            buf[length++] = (byte) b;
        }

        private void putVarInt(int v) {
            ensure(5);
            while ((v & ~0x7F) != 0) {
                buf[length++] = (byte) ((v & 0x7F) | 0x80);
                v >>>= 7;
            }
            buf[length++] = (byte) v;
        }

        private void putLong(long v) {
            ensure(8);
            putInt(buf, length, (int) (v >>> 32));
            putInt(buf, length + 4, (int) v);
            length += 8;
        }
    }

    /**
     * What {@link #replay} found in one file.
     *
     * @param last the highest commit timestamp handed over, or {@code after} if none
     * @param highestRead the highest timestamp of any valid record, also of those at or below {@code after};
     *     {@link Long#MIN_VALUE} if the file holds no valid record
     * @param clean whether every byte of the file was a valid record (a missing file is clean)
     */
    record Replayed(long last, long highestRead, boolean clean) {}

    /**
     * Reads a journal file and hands every valid transaction record above {@code after} to the visitor, in file
     * order. Stops at the first torn or corrupt record, or at a timestamp that does not increase: what follows
     * it was never acknowledged as a prefix of the log.
     *
     * @return what was replayed, and whether the file ended cleanly
     * @throws CorruptLogException if the file cannot be read at all
     */
    static Replayed replay(Path file, byte[] encryptionKey, long after, Visitor visitor) {
        if (!Files.exists(file)) {
            return new Replayed(after, Long.MIN_VALUE, true);
        }
        try {
            // An encrypted journal gets its header with its first record, so a shorter file holds no record;
            // FileEncrypt would try to write the header into this read-only channel and fail the open.
            // (Guarded by JournalRecoveryTest.encryptedLogKilledWithAnEmptyJournalReopens.)
            if (encryptionKey != null && Files.size(file) < FileEncrypt.BLOCK_SIZE) {
                return new Replayed(after, Long.MIN_VALUE, true);
            }
        } catch (IOException e) {
            throw new CorruptLogException("cannot read journal " + file + ": " + e.getMessage(), e);
        }
        long last = after;
        long highestRead = Long.MIN_VALUE;
        boolean clean;
        try (FileChannel channel = wrap(file, FileChannel.open(file, StandardOpenOption.READ), encryptionKey)) {
            long size = channel.size();
            long pos = 0;
            ByteBuffer header = ByteBuffer.allocate(HEADER);
            while (pos + HEADER <= size) {
                ((Buffer) header).clear(); // Buffer.clear(): ByteBuffer.clear() is Java 9+, not Android 26
                readFully(channel, header, pos);
                int bodyLength = header.getInt(0);
                int crc = header.getInt(4);
                if (bodyLength <= 0 || bodyLength > size - pos - HEADER) {
                    break; // zero fill or a length the file cannot hold: the torn tail
                }
                ByteBuffer body = ByteBuffer.allocate(bodyLength);
                readFully(channel, body, pos + HEADER);
                if (Crc32c.of(body.array(), 0, bodyLength) != crc) {
                    break;
                }
                long ts = parse(body.array(), last, visitor);
                if (ts == Long.MIN_VALUE) {
                    break;
                }
                last = Math.max(last, ts);
                highestRead = Math.max(highestRead, ts);
                pos += HEADER + bodyLength;
            }
            clean = pos == size;
        } catch (IOException | RuntimeException e) {
            throw new CorruptLogException("cannot read journal " + file + ": " + e.getMessage(), e);
        }
        return new Replayed(last, highestRead, clean);
    }

    /** Parses one checksummed body; returns its timestamp, or {@link Long#MIN_VALUE} if it is malformed. */
    private static long parse(byte[] body, long last, Visitor visitor) {
        Reader r = new Reader(body);
        try {
            byte type = r.getByte();
            if (type == CONSUMER) {
                long position = r.getLong();
                byte[] name = r.getBytes(r.getVarInt());
                if (r.pos != body.length) {
                    return Long.MIN_VALUE;
                }
                visitor.consumer(new String(name, java.nio.charset.StandardCharsets.UTF_8), position);
                return last;
            }
            if (type != TRANSACTION) {
                return Long.MIN_VALUE;
            }
            long ts = r.getLong();
            int count = r.getVarInt();
            if (count < 0 || count > body.length) {
                return Long.MIN_VALUE;
            }
            DeltaKey[] keys = new DeltaKey[count];
            byte[][] values = new byte[count][];
            for (int i = 0; i < count; i++) {
                int tableId = r.getVarInt();
                long rowId = r.getLong();
                keys[i] = new DeltaKey(tableId, ts, rowId);
                values[i] = r.getBytes(r.getVarInt());
            }
            if (r.pos != body.length) {
                return Long.MIN_VALUE;
            }
            if (ts > last) {
                visitor.transaction(ts, keys, values);
            }
            return ts;
        } catch (IndexOutOfBoundsException | NegativeArraySizeException e) {
            return Long.MIN_VALUE;
        }
    }

    private static void readFully(FileChannel channel, ByteBuffer buf, long pos) throws IOException {
        while (buf.hasRemaining()) {
            int n = channel.read(buf, pos + buf.position());
            if (n < 0) {
                throw new IOException("unexpected end of file at " + (pos + buf.position()));
            }
        }
    }

    static void putInt(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }

    /** A bounds-checked cursor over a record body. */
    private static final class Reader {
        private final byte[] b;
        private int pos;

        Reader(byte[] b) {
            this.b = b;
        }

        byte getByte() {
            return b[pos++];
        }

        int getVarInt() {
            int v = 0;
            for (int shift = 0; shift < 35; shift += 7) {
                int x = b[pos++];
                v |= (x & 0x7F) << shift;
                if (x >= 0) {
                    return v;
                }
            }
            throw new IndexOutOfBoundsException("varint too long");
        }

        long getLong() {
            long v = 0;
            for (int i = 0; i < 8; i++) {
                v = (v << 8) | (b[pos++] & 0xFF);
            }
            return v;
        }

        byte[] getBytes(int n) {
            if (n < 0 || n > b.length - pos) {
                throw new IndexOutOfBoundsException("length " + n);
            }
            byte[] out = new byte[n];
            System.arraycopy(b, pos, out, 0, n);
            pos += n;
            return out;
        }
    }
}
