package io.github.deltalog.store;

import io.github.deltalog.CorruptLogException;
import java.io.IOException;
import java.nio.Buffer;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.zip.Checksum;
import org.h2.mvstore.DataUtils;
import org.h2.store.fs.encrypt.FileEncrypt;

/**
 * Reads journal files record by record with memory independent of the file's size: a record of up to
 * {@link #CHUNK} bytes is read once, a larger one is checked in chunks first and then parsed in chunks, delta by
 * delta (DESIGN §8a). Recognises a journal by its content before anything trusts or deletes it.
 */
final class JournalReader implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(JournalReader.class.getName());
    /** Read buffer size; a record up to this size is read in one piece. */
    static final int CHUNK = 64 << 10;

    /** What a file at a journal's place holds. */
    enum Kind {
        /** No such file. */
        MISSING,
        /** No record at all: empty, or only zeros or a torn first frame shorter than a record header. */
        EMPTY,
        /** A journal generation of format 2: its header names the log, generation and starting point. */
        BOUND,
        /** A journal of format 1 (no header), written before journals were bound to their store. */
        LEGACY,
        /** Not a journal: its first bytes are no valid record (another file under a journal's name). */
        FOREIGN
    }

    /**
     * What {@link #inspect} found.
     *
     * @param kind the kind of file
     * @param header the generation header of a {@link Kind#BOUND} journal, else null
     * @param hasRecords whether anything follows the header (or, for other kinds, whether the file has bytes)
     */
    record Inspected(Kind kind, JournalFiles.Generation header, boolean hasRecords) {}

    /**
     * What {@link #replay} found in one file.
     *
     * @param last the highest commit timestamp handed over, or {@code after} if none
     * @param end the commit timestamp the file's records reach: the highest valid one, or the header's starting
     *     point if higher (what the next generation must continue from)
     * @param clean whether every byte of the file was a valid record (a missing file is clean)
     */
    record Replayed(long last, long end, boolean clean) {}

    private final Path file;
    private final FileChannel channel;
    private final long size;
    private final ByteBuffer buf = ByteBuffer.allocate(CHUNK);
    /** Bytes of the current body still to hand out through the parse methods. */
    private long bodyLeft;
    /** File position of the next byte to load into {@link #buf} while streaming a large body. */
    private long streamPos;
    /** File position and length of the current body. */
    private long bodyStart;

    private int bodyLength;

    private JournalReader(Path file, byte[] encryptionKey) throws IOException {
        this.file = file;
        this.channel = JournalFiles.wrap(file, SafeFilePath.open(file, "r"), encryptionKey);
        this.size = channel.size();
    }

    /**
     * Tells what a file at a journal's place holds, reading only its first record.
     *
     * @throws CorruptLogException if the file cannot be read at all
     */
    static Inspected inspect(Path file, byte[] encryptionKey) {
        if (!Files.exists(file)) {
            return new Inspected(Kind.MISSING, null, false);
        }
        try {
            long raw = Files.size(file);
            if (raw == 0 || (encryptionKey != null && raw < FileEncrypt.BLOCK_SIZE)) {
                // An encrypted journal gets its encryption header with its first record, so a shorter file holds
                // no record (and FileEncrypt would try to write a header into a read-only channel).
                return new Inspected(Kind.EMPTY, null, false);
            }
            try (JournalReader r = new JournalReader(file, encryptionKey)) {
                return r.inspectFirst();
            }
        } catch (IOException | RuntimeException e) {
            throw new CorruptLogException("cannot read journal " + file + ": " + FileErrors.describeAny(e), e);
        }
    }

    private Inspected inspectFirst() throws IOException {
        int body = frame(0);
        if (body < 0) {
            return new Inspected(allZero() ? Kind.EMPTY : Kind.FOREIGN, null, size > 0);
        }
        byte type = getByte();
        if (type == JournalFiles.GENERATION_HEADER && body == JournalFiles.GENERATION_HEADER_BYTES - 8) {
            JournalFiles.Generation g =
                    new JournalFiles.Generation(new LogId(getLong(), getLong()), getLong(), getLong());
            return new Inspected(Kind.BOUND, g, size > JournalFiles.GENERATION_HEADER_BYTES);
        }
        if (type == JournalFiles.TRANSACTION || type == JournalFiles.CONSUMER) {
            return new Inspected(Kind.LEGACY, null, true);
        }
        return new Inspected(Kind.FOREIGN, null, true);
    }

    private boolean allZero() throws IOException {
        if (size > JournalFiles.HEADER) {
            return false;
        }
        ((Buffer) buf).clear();
        ((Buffer) buf).limit((int) size);
        readFully(0);
        for (int i = 0; i < size; i++) {
            if (buf.get(i) != 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * Reads a journal file and hands every valid transaction record above {@code after} to the visitor, in file
     * order, delta by delta. Stops at the first torn or damaged record: what follows it was never acknowledged
     * as a prefix of the log. A generation header is skipped (the caller checked it with {@link #inspect}).
     *
     * @return what was replayed, and whether the file ended cleanly
     * @throws CorruptLogException if the file cannot be read, or a record with a valid checksum is malformed
     */
    static Replayed replay(Path file, byte[] encryptionKey, long after, JournalFiles.Visitor visitor) {
        Inspected what = inspect(file, encryptionKey);
        if (what.kind() == Kind.MISSING || what.kind() == Kind.EMPTY) {
            return new Replayed(after, Long.MIN_VALUE, true);
        }
        try (JournalReader r = new JournalReader(file, encryptionKey)) {
            return r.replay(after, visitor);
        } catch (io.github.deltalog.DeltaLogException e) {
            throw e; // corruption found here, or the visitor's own refusal (a read-only open out of heap)
        } catch (IOException | RuntimeException e) {
            throw new CorruptLogException("cannot read journal " + file + ": " + FileErrors.describeAny(e), e);
        }
    }

    private Replayed replay(long after, JournalFiles.Visitor visitor) throws IOException {
        long last = after;
        long end = Long.MIN_VALUE;
        long pos = 0;
        boolean first = true;
        while (true) {
            int body = frame(pos);
            if (body < 0) {
                break;
            }
            byte type = getByte();
            if (type == JournalFiles.GENERATION_HEADER && first) {
                getLong(); // the log id and generation were checked by inspect
                getLong();
                getLong();
                end = Math.max(end, getLong());
                checkEnd();
            } else if (type == JournalFiles.TRANSACTION) {
                long ts = getLong();
                if (ts > last) {
                    // Checked in full before any delta is handed over: a malformed record (with a valid
                    // checksum, so forged or written by a bug) ends the prefix like a torn one, never half-applied.
                    if (!wellFormed(ts)) {
                        break;
                    }
                    restartBody();
                    getByte();
                    getLong();
                    parseTransaction(ts, visitor);
                    last = ts;
                } else {
                    skip();
                }
                end = Math.max(end, ts);
            } else if (type == JournalFiles.CONSUMER) {
                long position = getLong();
                byte[] name = getBytes(getVarInt());
                checkEnd();
                visitor.consumer(new String(name, StandardCharsets.UTF_8), position);
            } else if (type == JournalFiles.MAP_CHANGES) {
                if (!mapChanges(visitor)) {
                    break;
                }
            } else {
                break; // an unknown type with a valid checksum: not ours to interpret; the prefix ends here
            }
            first = false;
            pos += JournalFiles.HEADER + body;
        }
        return new Replayed(last, end, pos == size);
    }

    private void parseTransaction(long ts, JournalFiles.Visitor visitor) throws IOException {
        int count = getVarInt();
        if (count < 0 || count > bodyLeft) {
            throw malformed("a transaction of " + count + " deltas");
        }
        visitor.transaction(ts);
        for (int i = 0; i < count; i++) {
            int tableId = getVarInt();
            long rowId = getLong();
            visitor.delta(new DeltaKey(tableId, ts, rowId), getBytes(getVarInt()));
        }
        checkEnd();
    }

    /** Walks the rest of a transaction body without keeping anything: whether every field fits. */
    private boolean wellFormed(long ts) throws IOException {
        try {
            int count = getVarInt();
            if (count < 0 || count > bodyLeft) {
                return false;
            }
            for (int i = 0; i < count; i++) {
                getVarInt();
                getLong();
                skipBytes(getVarInt());
            }
            checkEnd();
            return true;
        } catch (CorruptLogException malformed) {
            LOG.log(Level.WARNING, "{0}: {1}; replay ends before it (timestamp {2})", new Object[] {
                file, malformed.getMessage(), ts
            });
            return false;
        }
    }

    /**
     * Hands a map-changes record ({@link MapChanges}) to the visitor, change by change, after checking all of it:
     * a malformed one ends the prefix like a torn one, never half-applied.
     *
     * @return false if it was malformed
     */
    private boolean mapChanges(JournalFiles.Visitor visitor) throws IOException {
        try {
            walkMapChanges(null);
        } catch (CorruptLogException malformed) {
            LOG.log(Level.WARNING, "{0}: {1}; replay ends before this map-changes record", new Object[] {
                file, malformed.getMessage()
            });
            return false;
        }
        restartBody();
        getByte();
        walkMapChanges(visitor);
        return true;
    }

    /** Reads a map-changes body after its type byte; with a null visitor only checks that every field fits. */
    private void walkMapChanges(JournalFiles.Visitor visitor) throws IOException {
        int maps = getVarInt();
        if (maps < 0 || maps > bodyLeft) {
            throw malformed("a map-changes record of " + maps + " maps");
        }
        String[] names = new String[maps];
        for (int i = 0; i < maps; i++) {
            names[i] = new String(getBytes(getVarInt()), StandardCharsets.UTF_8);
        }
        int count = getVarInt();
        if (count < 0 || count > bodyLeft) {
            throw malformed("a map-changes record of " + count + " changes");
        }
        for (int i = 0; i < count; i++) {
            int m = getVarInt();
            if (m < 0 || m >= maps) {
                throw malformed("a change of map number " + m + " of " + maps);
            }
            int keyLength = getVarInt();
            byte[] key = visitor == null ? null : getBytes(keyLength);
            if (visitor == null) {
                skipBytes(keyLength);
            }
            int valueField = getVarInt();
            if (valueField < 0) {
                throw malformed("a value length of " + valueField);
            }
            int valueLength = valueField - 1;
            byte[] value = null;
            if (valueLength >= 0) {
                if (visitor == null) {
                    skipBytes(valueLength);
                } else {
                    value = getBytes(valueLength);
                }
            }
            if (visitor != null) {
                visitor.mapChange(names[m], key, value);
            }
        }
        checkEnd();
    }

    /** Goes back to the start of the current body, to read it again. */
    private void restartBody() {
        bodyLeft = bodyLength;
        if (bodyLength <= CHUNK) {
            ((Buffer) buf).limit(bodyLength);
            ((Buffer) buf).position(0);
        } else {
            ((Buffer) buf).position(0);
            ((Buffer) buf).limit(0);
            streamPos = bodyStart;
        }
    }

    private void skip() {
        bodyLeft = 0; // the rest of the body is not needed; the next frame is read from its own position
    }

    /**
     * Reads and checks the frame at {@code pos}. A body of up to {@link #CHUNK} bytes is left in {@link #buf};
     * a larger one is checksummed in chunks and then streamed from the file by the parse methods.
     *
     * @return the body length, or -1 if there is no valid record at {@code pos} (the end, a torn tail, damage)
     */
    private int frame(long pos) throws IOException {
        if (pos + JournalFiles.HEADER > size) {
            return -1;
        }
        ((Buffer) buf).clear();
        ((Buffer) buf).limit(JournalFiles.HEADER);
        readFully(pos);
        int bodyLength = buf.getInt(0);
        int crc = buf.getInt(4);
        if (bodyLength <= 0 || bodyLength > size - pos - JournalFiles.HEADER || bodyLength > JournalFiles.MAX_BODY) {
            return -1; // zero fill, or a length the file (or any valid record) cannot hold: the torn tail
        }
        long start = pos + JournalFiles.HEADER;
        Checksum c = Crc32c.threadLocal();
        for (long done = 0; done < bodyLength; ) {
            int piece = (int) Math.min(CHUNK, bodyLength - done);
            ((Buffer) buf).clear();
            ((Buffer) buf).limit(piece);
            readFully(start + done);
            c.update(buf.array(), 0, piece);
            done += piece;
        }
        if ((int) c.getValue() != crc) {
            return -1;
        }
        ((Buffer) buf).position(0);
        if (bodyLength > CHUNK) {
            ((Buffer) buf).limit(0); // stream it again from the start
            streamPos = start;
        }
        bodyLeft = bodyLength;
        this.bodyStart = start;
        this.bodyLength = bodyLength;
        return bodyLength;
    }

    private void need(int n) throws IOException {
        if (n > bodyLeft) {
            throw malformed("a record shorter than its fields");
        }
        if (buf.remaining() < n) {
            buf.compact();
            int piece = (int) Math.min(buf.remaining(), bodyLeft - buf.position());
            int keep = buf.position();
            ((Buffer) buf).limit(keep + piece);
            while (buf.hasRemaining()) {
                int got = channel.read(buf, streamPos);
                if (got < 0) {
                    throw new IOException("unexpected end of file at " + streamPos);
                }
                streamPos += got;
            }
            ((Buffer) buf).flip();
        }
    }

    private byte getByte() throws IOException {
        need(1);
        bodyLeft--;
        return buf.get();
    }

    private long getLong() throws IOException {
        need(8);
        bodyLeft -= 8;
        return buf.getLong();
    }

    private int getVarInt() throws IOException {
        need((int) Math.min(5, bodyLeft));
        int before = buf.position();
        try {
            int v = DataUtils.readVarInt(buf);
            bodyLeft -= buf.position() - before;
            return v;
        } catch (BufferUnderflowException e) {
            throw malformed("a varint running past its record");
        }
    }

    private byte[] getBytes(int n) throws IOException {
        if (n < 0 || n > bodyLeft) {
            throw malformed("a length of " + n + " bytes");
        }
        byte[] out = new byte[n];
        int done = 0;
        while (done < n) {
            need(Math.min(n - done, Math.min(CHUNK, (int) Math.min(Integer.MAX_VALUE, bodyLeft))));
            int piece = Math.min(n - done, buf.remaining());
            buf.get(out, done, piece);
            done += piece;
            bodyLeft -= piece;
        }
        return out;
    }

    private void skipBytes(int n) throws IOException {
        if (n < 0 || n > bodyLeft) {
            throw malformed("a length of " + n + " bytes");
        }
        int done = 0;
        while (done < n) {
            need(Math.min(n - done, CHUNK));
            int piece = Math.min(n - done, buf.remaining());
            ((Buffer) buf).position(buf.position() + piece);
            done += piece;
            bodyLeft -= piece;
        }
    }

    private void checkEnd() {
        if (bodyLeft != 0) {
            throw malformed(bodyLeft + " bytes after its last field");
        }
    }

    private CorruptLogException malformed(String what) {
        return new CorruptLogException("journal " + file + " is corrupt: a record with a valid checksum holds " + what);
    }

    private void readFully(long pos) throws IOException {
        while (buf.hasRemaining()) {
            int n = channel.read(buf, pos + buf.position());
            if (n < 0) {
                throw new IOException("unexpected end of file at " + (pos + buf.position()));
            }
        }
        ((Buffer) buf).flip();
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
