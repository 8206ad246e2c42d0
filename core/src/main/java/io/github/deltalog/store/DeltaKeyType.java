package io.github.deltalog.store;

import java.nio.ByteBuffer;
import org.h2.mvstore.DataUtils;
import org.h2.mvstore.WriteBuffer;
import org.h2.mvstore.type.BasicDataType;

/**
 * The MVStore data type of {@link DeltaKey}: a table id as a varint, then the commit timestamp and row id as
 * varlongs (zig-zag for the row id, which may be negative). Stateless singleton.
 */
public final class DeltaKeyType extends BasicDataType<DeltaKey> {
    /** The only instance. */
    public static final DeltaKeyType INSTANCE = new DeltaKeyType();

    private DeltaKeyType() {}

    @Override
    public int getMemory(DeltaKey key) {
        return 40;
    }

    @Override
    public void write(WriteBuffer buff, DeltaKey key) {
        buff.putVarInt(key.tableId());
        buff.putVarLong(key.commitTimestamp());
        buff.putVarLong(zigZag(key.rowId()));
    }

    @Override
    public DeltaKey read(ByteBuffer buff) {
        int tableId = DataUtils.readVarInt(buff);
        long commitTimestamp = DataUtils.readVarLong(buff);
        long rowId = unZigZag(DataUtils.readVarLong(buff));
        return new DeltaKey(tableId, commitTimestamp, rowId);
    }

    @Override
    public int compare(DeltaKey a, DeltaKey b) {
        return a.compareTo(b);
    }

    @Override
    public DeltaKey[] createStorage(int size) {
        return new DeltaKey[size];
    }

    private static long zigZag(long v) {
        return (v << 1) ^ (v >> 63);
    }

    private static long unZigZag(long v) {
        return (v >>> 1) ^ -(v & 1);
    }
}
