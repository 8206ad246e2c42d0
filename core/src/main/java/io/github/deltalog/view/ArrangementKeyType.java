package io.github.deltalog.view;

import io.github.deltalog.CorruptLogException;
import java.nio.ByteBuffer;
import org.h2.mvstore.DataUtils;
import org.h2.mvstore.WriteBuffer;
import org.h2.mvstore.type.BasicDataType;

/**
 * The MVStore data type of {@link ArrangementKey} (state format 3): {@code varint length, the join value's bytes,
 * varlong rowId}. Reading a page copies one array per key; comparing is an unsigned byte compare, then the rowId.
 * Stateless singleton.
 */
final class ArrangementKeyType extends BasicDataType<ArrangementKey> {
    static final ArrangementKeyType INSTANCE = new ArrangementKeyType();

    private ArrangementKeyType() {}

    @Override
    public int getMemory(ArrangementKey k) {
        return 48 + k.joinKey.length;
    }

    @Override
    public int compare(ArrangementKey a, ArrangementKey b) {
        return a.compareTo(b);
    }

    @Override
    public void write(WriteBuffer buff, ArrangementKey k) {
        buff.putVarInt(k.joinKey.length).put(k.joinKey).putVarLong(k.rowId);
    }

    /** @throws CorruptLogException if the bytes are not one key */
    @Override
    public ArrangementKey read(ByteBuffer buff) {
        int n = DataUtils.readVarInt(buff);
        if (n <= 0 || n > buff.remaining()) {
            throw new CorruptLogException("view state: an arrangement key claims " + n + " bytes");
        }
        byte[] joinKey = new byte[n];
        buff.get(joinKey);
        return new ArrangementKey(joinKey, DataUtils.readVarLong(buff));
    }

    @Override
    public ArrangementKey[] createStorage(int size) {
        return new ArrangementKey[size];
    }
}
