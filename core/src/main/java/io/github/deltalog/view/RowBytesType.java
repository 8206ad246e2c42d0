package io.github.deltalog.view;

import io.github.deltalog.CorruptLogException;
import io.github.deltalog.Tuple;
import java.nio.ByteBuffer;
import org.h2.mvstore.DataUtils;
import org.h2.mvstore.WriteBuffer;
import org.h2.mvstore.type.BasicDataType;

/**
 * The MVStore data type of a join arrangement's rows: the very bytes {@link KeyType} writes for the row's values
 * (so files and journal records are unchanged, and either type reads what the other wrote), kept encoded in
 * memory and decoded only when a refresh matches the row ({@link #decode}). Reading a leaf then copies one array
 * per row instead of building every value of every row, and a cached leaf holds one object per row instead of
 * one per value, which is what the collector copies after a refresh rewrote the leaf. Stateless singleton.
 */
final class RowBytesType extends BasicDataType<byte[]> {
    static final RowBytesType INSTANCE = new RowBytesType();

    private RowBytesType() {}

    /** Encodes a row's values as {@link KeyType} writes a key of them. O(row size). */
    static byte[] encode(Tuple row) {
        WriteBuffer b = new WriteBuffer(64);
        b.putVarInt(row.size());
        for (int i = 0; i < row.size(); i++) {
            KeyType.writeValue(b, row.get(i));
        }
        ByteBuffer written = b.getBuffer();
        byte[] out = new byte[written.position()];
        ((java.nio.Buffer) written).flip(); // Buffer's: Android 26 lacks the covariant one
        written.get(out);
        return out;
    }

    /**
     * Decodes a row's values. O(row size).
     *
     * @throws CorruptLogException if the bytes are not one encoded row
     */
    static Object[] decode(byte[] row) {
        ByteBuffer b = ByteBuffer.wrap(row);
        Object[] parts = KeyType.INSTANCE.read(b).parts;
        if (b.hasRemaining()) {
            throw new CorruptLogException("view state: an arrangement row has " + b.remaining() + " bytes too many");
        }
        return parts;
    }

    @Override
    public int getMemory(byte[] row) {
        return 16 + row.length;
    }

    @Override
    public void write(WriteBuffer buff, byte[] row) {
        buff.put(row);
    }

    @Override
    public byte[] read(ByteBuffer buff) {
        int start = buff.position();
        int n = DataUtils.readVarInt(buff);
        if (n < 0 || n > buff.remaining()) {
            throw new CorruptLogException("view state: an arrangement row claims " + n + " values");
        }
        for (int i = 0; i < n; i++) {
            KeyType.skipValue(buff);
        }
        byte[] row = new byte[buff.position() - start];
        ByteBuffer copy = buff.duplicate();
        ((java.nio.Buffer) copy).position(start); // Buffer's: Android 26 lacks the covariant one
        copy.get(row);
        return row;
    }

    @Override
    public byte[][] createStorage(int size) {
        return new byte[size][];
    }
}
