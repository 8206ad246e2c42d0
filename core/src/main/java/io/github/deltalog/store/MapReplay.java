package io.github.deltalog.store;

import io.github.deltalog.CorruptLogException;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import org.h2.mvstore.DataUtils;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.type.LongDataType;
import org.h2.mvstore.type.ObjectDataType;

/**
 * Replays the changes of journaled {@link MapChanges} records into the store's maps during recovery (also in a
 * read-only open, whose store accepts them in memory). A change of a map the store no longer has is skipped: the
 * map was removed by a checkpointed step after the record (a dropped view), which the store already reflects.
 */
final class MapReplay {
    private static final String CONSUMERS = "consumers";

    private final MVStore store;
    private final MVMap<String, Long> consumers;
    private final MapTypes types;
    private final String label;
    /** Maps by name; a null value for a name the store does not have. */
    private final Map<String, MVMap<Object, Object>> open = new HashMap<>();

    MapReplay(MVStore store, MVMap<String, Long> consumers, MapTypes types, String label) {
        this.store = store;
        this.consumers = consumers;
        this.types = types;
        this.label = label;
    }

    /**
     * Applies one change.
     *
     * @throws CorruptLogException if the map is unknown to this open or the bytes do not decode
     */
    void apply(String name, byte[] key, byte[] value) {
        MVMap<Object, Object> map = map(name);
        if (map == null) {
            return;
        }
        // Maps of h2's generic type (consumers, a view's meta) are written as a string and a long (see MapChanges):
        // never read through that type, which could deserialize a Java object a forged record names.
        boolean own = map.getKeyType() instanceof ObjectDataType;
        try {
            Object k = own ? name(key) : map.getKeyType().read(ByteBuffer.wrap(key));
            if (value == null) {
                map.remove(k);
            } else {
                ByteBuffer v = ByteBuffer.wrap(value);
                map.put(
                        k,
                        own ? LongDataType.INSTANCE.read(v) : map.getValueType().read(v));
            }
        } catch (CorruptLogException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new CorruptLogException(
                    "journal of " + label + " holds a change of map '" + name + "' that does not decode: " + e, e);
        }
    }

    /** A consumer name as StringDataType writes it, its length checked before anything is allocated for it. */
    private String name(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        int n = DataUtils.readVarInt(b);
        if (n < 0 || n > b.remaining()) {
            throw new CorruptLogException("journal of " + label + " holds a consumer name of " + n + " characters in "
                    + bytes.length + " bytes");
        }
        return DataUtils.readString(b, n);
    }

    @SuppressWarnings("unchecked")
    private MVMap<Object, Object> map(String name) {
        if (open.containsKey(name)) {
            return open.get(name);
        }
        MVMap<Object, Object> map;
        if (name.equals(CONSUMERS)) {
            map = (MVMap<Object, Object>) (MVMap<?, ?>) consumers;
        } else if (!store.hasMap(name)) {
            map = null;
        } else if (name.equals(ConsumerTable.ADVANCED_MAP)) {
            map = store.openMap(name);
        } else {
            MVMap.Builder<?, ?> builder = types == null ? null : types.builder(name);
            if (builder == null) {
                throw new CorruptLogException("journal of " + label + " holds changes of map '" + name
                        + "', which this open cannot decode (open the log with DeltaLog, which knows view maps)");
            }
            // As LogStore.openSideMap opens it, so that the log's later open of the same map gets this instance.
            map = store.openMap(name, RangeCutMap.Builder.like((MVMap.Builder<Object, Object>) builder));
        }
        open.put(name, map);
        return map;
    }
}
