package io.github.deltalog.view;

import io.github.deltalog.CorruptLogException;
import io.github.deltalog.Tuple;
import java.nio.ByteBuffer;
import org.h2.mvstore.DataUtils;
import org.h2.mvstore.WriteBuffer;
import org.h2.mvstore.type.BasicDataType;

/**
 * The MVStore data type of a view's group states and join arrangement rows: the very bytes {@link KeyType} writes
 * for a {@link Key} of the values (so the store file and journal records are those of {@link KeyType}, and either
 * type reads what the other wrote), kept encoded in memory and decoded only when needed ({@link #decode}). A
 * refresh builds each touched group's new state as bytes once ({@link GroupChanges}); the journal record and the
 * checkpoint then copy them as they are. Reading a leaf copies one array per entry instead of building every value,
 * and a cached leaf holds one object per entry instead of one per value, which is what the collector copies after
 * a refresh rewrote the leaf. Stateless singleton.
 */
final class KeyBytesType extends BasicDataType<byte[]> {
    static final KeyBytesType INSTANCE = new KeyBytesType();

    private KeyBytesType() {}

    /** Encodes values as {@link KeyType} writes a key of them. O(row size). */
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
     * Decodes the key the bytes hold. O(size).
     *
     * @throws CorruptLogException if the bytes are not one encoded key
     */
    static Key decode(byte[] key) {
        ByteBuffer b = ByteBuffer.wrap(key);
        Key k = KeyType.INSTANCE.read(b);
        if (b.hasRemaining()) {
            throw new CorruptLogException("view state: an encoded key has " + b.remaining() + " bytes too many");
        }
        return k;
    }

    @Override
    public int getMemory(byte[] key) {
        return 16 + key.length;
    }

    @Override
    public void write(WriteBuffer buff, byte[] key) {
        buff.put(key);
    }

    @Override
    public byte[] read(ByteBuffer buff) {
        int start = buff.position();
        int n = DataUtils.readVarInt(buff);
        if (n < 0 || n > buff.remaining()) {
            throw new CorruptLogException("view state: an encoded key claims " + n + " values");
        }
        for (int i = 0; i < n; i++) {
            KeyType.skipValue(buff);
        }
        byte[] key = new byte[buff.position() - start];
        ByteBuffer copy = buff.duplicate();
        ((java.nio.Buffer) copy).position(start); // Buffer's: Android 26 lacks the covariant one
        copy.get(key);
        return key;
    }

    @Override
    public byte[][] createStorage(int size) {
        return new byte[size][];
    }
}
