package io.github.deltalog.store;

import java.nio.ByteBuffer;
import org.h2.mvstore.DataUtils;
import org.h2.mvstore.WriteBuffer;
import org.h2.mvstore.type.BasicDataType;

/**
 * The MVStore data type of the deltas map's values: a varint length, then the bytes; the same bytes as h2's
 * {@code ByteArrayDataType}, so files are unchanged. Unlike it, a length is checked against what the page holds
 * before the array is allocated: a damaged page cannot make the reader allocate gigabytes (found by
 * HostileFileTest: an OutOfMemoryError during recovery). Stateless singleton.
 */
public final class ValueBytesType extends BasicDataType<byte[]> {
    /** The only instance. */
    public static final ValueBytesType INSTANCE = new ValueBytesType();

    private ValueBytesType() {}

    @Override
    public int getMemory(byte[] data) {
        return data.length;
    }

    @Override
    public void write(WriteBuffer buff, byte[] data) {
        buff.putVarInt(data.length);
        buff.put(data);
    }

    @Override
    public byte[] read(ByteBuffer buff) {
        int length = DataUtils.readVarInt(buff);
        if (length < 0 || length > buff.remaining()) {
            throw new IllegalStateException(
                    "stored value length " + length + " exceeds the " + buff.remaining() + " bytes left in its page");
        }
        byte[] data = new byte[length];
        buff.get(data);
        return data;
    }

    @Override
    public byte[][] createStorage(int size) {
        return new byte[size][];
    }
}
