package io.github.deltalog.store;

import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.h2.mvstore.DataUtils;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.WriteBuffer;
import org.h2.mvstore.type.DataType;
import org.h2.mvstore.type.LongDataType;
import org.h2.mvstore.type.ObjectDataType;
import org.h2.mvstore.type.StringDataType;

/**
 * Changes to side maps of one log's store (a view refresh: its groups, value counts, arrangements and position)
 * and a consumer move, staged by the caller and then made durable as one journal record by {@link
 * LogStore#commit(MapChanges, java.util.function.BooleanSupplier)}: exactly all of them or none survive a crash.
 * Values are absolute (the new value, or a removal), so replaying the records after the checkpoint in order gives
 * the same maps whatever the store file already held of them.
 *
 * <p>Record body ({@link JournalFiles#MAP_CHANGES}): {@code byte type (4), varint mapCount}, per map {@code varint
 * nameLength, UTF-8 name} (the name after the log's namespace prefix), then {@code varint opCount} and per change
 * {@code varint mapIndex, varint keyLength, key, varint valueLength + 1 (0: a removal), value}, keys and values in
 * their map's own data type encoding. Not thread-safe: one refresh builds one.
 */
public final class MapChanges {
    private final List<MVMap<Object, Object>> maps = new ArrayList<>();
    /** The types each map's keys and values are encoded with in the record: its own, unless given. */
    private final List<DataType<Object>> keyTypes = new ArrayList<>();

    private final List<DataType<Object>> valueTypes = new ArrayList<>();
    private final Map<MVMap<?, ?>, Integer> index = new IdentityHashMap<>();
    private int[] opMap = new int[64];
    private Object[] opKey = new Object[64];
    private Object[] opValue = new Object[64];
    /** Per change, the failure to throw if the key must be there and is not; null for no check. */
    private Supplier<? extends RuntimeException>[] opIfMissing = newChecks(64);

    private int ops;
    private String consumer;
    private long consumerPosition;

    /** Creates an empty set of changes. */
    public MapChanges() {}

    /**
     * Stages a put.
     *
     * @param map a map of the log's store ({@link LogStore#openSideMap})
     * @param key the key
     * @param value the new value, not null
     */
    @SuppressWarnings("unchecked")
    public <K, V> void put(MVMap<K, V> map, K key, V value) {
        if (value == null) {
            throw new IllegalArgumentException("a staged put needs a value; stage a removal instead");
        }
        add((MVMap<Object, Object>) map, key, value, null);
    }

    /**
     * Stages a put of a key that must be in the map already: if it is not when the changes are applied, none of
     * them is made (nor journaled) and {@code ifMissing}'s exception is thrown. Saves the lookup a check before
     * would take.
     *
     * @param map a map of the log's store
     * @param key the key
     * @param value the new value, not null
     * @param ifMissing the failure to throw if the key is not there (a view's incomplete base rows)
     */
    @SuppressWarnings("unchecked")
    public <K, V> void replace(MVMap<K, V> map, K key, V value, Supplier<? extends RuntimeException> ifMissing) {
        if (value == null) {
            throw new IllegalArgumentException("a staged put needs a value; stage a removal instead");
        }
        add((MVMap<Object, Object>) map, key, value, ifMissing);
    }

    /**
     * Stages a removal of a key that must be in the map: see {@link #replace}.
     *
     * @param map a map of the log's store
     * @param key the key
     * @param ifMissing the failure to throw if the key is not there
     */
    @SuppressWarnings("unchecked")
    public <K> void removeExisting(MVMap<K, ?> map, K key, Supplier<? extends RuntimeException> ifMissing) {
        add((MVMap<Object, Object>) map, key, null, ifMissing);
    }

    /**
     * Stages a removal.
     *
     * @param map a map of the log's store
     * @param key the key
     */
    @SuppressWarnings("unchecked")
    public <K> void remove(MVMap<K, ?> map, K key) {
        add((MVMap<Object, Object>) map, key, null, null);
    }

    /**
     * Moves a consumer with the changes (and records when it moved).
     *
     * @param name the consumer
     * @param position its new position
     */
    public void moveConsumer(String name, long position) {
        this.consumer = name;
        this.consumerPosition = position;
    }

    /**
     * Returns how many map changes are staged.
     *
     * @return how many map changes are staged
     */
    public int size() {
        return ops;
    }

    String consumer() {
        return consumer;
    }

    long consumerPosition() {
        return consumerPosition;
    }

    @SuppressWarnings("unchecked")
    private static DataType<Object> cast(DataType<?> type) {
        return (DataType<Object>) type;
    }

    @SuppressWarnings("unchecked")
    private static Supplier<? extends RuntimeException>[] newChecks(int n) {
        return (Supplier<? extends RuntimeException>[]) new Supplier<?>[n];
    }

    private void add(
            MVMap<Object, Object> map, Object key, Object value, Supplier<? extends RuntimeException> ifMissing) {
        Integer m = index.get(map);
        if (m == null) {
            m = maps.size();
            maps.add(map);
            index.put(map, m);
            if (map.getKeyType() instanceof ObjectDataType) {
                // h2's generic type (the log's consumer maps, a view's meta map) is encoded here as a string and a
                // long: decoding it as such could make recovery deserialize a Java object a forged record names.
                keyTypes.add(cast(StringDataType.INSTANCE));
                valueTypes.add(cast(LongDataType.INSTANCE));
            } else {
                keyTypes.add(map.getKeyType());
                valueTypes.add(map.getValueType());
            }
        }
        if ((Object) keyTypes.get(m) == StringDataType.INSTANCE
                && !(key instanceof String && (value == null || value instanceof Long))) {
            throw new IllegalArgumentException("map " + map.getName() + " takes string keys and long values here");
        }
        if (ops == opMap.length) {
            int n = ops * 2;
            opMap = java.util.Arrays.copyOf(opMap, n);
            opKey = java.util.Arrays.copyOf(opKey, n);
            opValue = java.util.Arrays.copyOf(opValue, n);
            opIfMissing = java.util.Arrays.copyOf(opIfMissing, n);
        }
        opMap[ops] = m;
        opKey[ops] = key;
        opValue[ops] = value;
        opIfMissing[ops] = ifMissing;
        ops++;
    }

    /**
     * Encodes the staged changes as one framed journal record.
     *
     * @param prefix the log's map name prefix, left out of the names
     * @param limit the largest body to build
     * @return the record (frame included) from index 0 of the buffer's array up to its limit, the array not
     *     copied to the record's exact length (at 10^4 changes that copy was megabytes a refresh); or null if its
     *     body would be larger than {@code limit}
     */
    ByteBuffer encode(String prefix, long limit) {
        ByteBuffer buf = ByteBuffer.allocate(initialCapacity(limit));
        ((Buffer) buf).position(JournalFiles.HEADER);
        buf.put(JournalFiles.MAP_CHANGES);
        buf = varInt(buf, maps.size());
        for (MVMap<Object, Object> m : maps) {
            String name = m.getName();
            if (!name.startsWith(prefix)) {
                throw new IllegalArgumentException("map " + name + " is not a map of this log");
            }
            byte[] utf8 = name.substring(prefix.length()).getBytes(StandardCharsets.UTF_8);
            buf = varInt(buf, utf8.length);
            buf = bytes(buf, utf8, 0, utf8.length);
        }
        buf = varInt(buf, ops);
        WriteBuffer scratch = new WriteBuffer(scratchCapacity());
        for (int i = 0; i < ops; i++) {
            MVMap<Object, Object> m = maps.get(opMap[i]);
            buf = varInt(buf, opMap[i]);
            scratch.clear();
            keyTypes.get(opMap[i]).write(scratch, opKey[i]);
            buf = scratched(buf, scratch, 0);
            if (opValue[i] == null) {
                buf = varInt(buf, 0);
            } else {
                scratch.clear();
                valueTypes.get(opMap[i]).write(scratch, opValue[i]);
                buf = scratched(buf, scratch, 1);
            }
            if (buf.position() - JournalFiles.HEADER > limit) {
                return null;
            }
        }
        int length = buf.position();
        byte[] b = buf.array();
        JournalFiles.putInt(b, 0, length - JournalFiles.HEADER);
        JournalFiles.putInt(b, 4, Crc32c.of(b, JournalFiles.HEADER, length - JournalFiles.HEADER));
        return ByteBuffer.wrap(b, 0, length);
    }

    /**
     * A first guess at the record's size (byte array values, a view's group states, by their length), so that a
     * record of megabytes is not built through a dozen doubling copies.
     */
    private int initialCapacity(long limit) {
        long n = 1024;
        for (int i = 0; i < ops; i++) {
            n += 32 + (opValue[i] instanceof byte[] b ? b.length : 16);
        }
        return (int) Math.min(n, Math.min(limit, 64L << 20) + JournalFiles.HEADER + 64);
    }

    /**
     * The scratch buffer's size: room for the largest staged byte array value (a view's group state), since a
     * {@link WriteBuffer} that outgrows its capacity grows by at least a megabyte.
     */
    private int scratchCapacity() {
        int n = 0;
        for (int i = 0; i < ops; i++) {
            if (opValue[i] instanceof byte[] b) {
                n = Math.max(n, b.length);
            }
        }
        return 256 + n;
    }

    /** Appends what the scratch buffer holds, with its length plus {@code bias} first. */
    private static ByteBuffer scratched(ByteBuffer buf, WriteBuffer scratch, int bias) {
        ByteBuffer s = scratch.getBuffer();
        int n = s.position();
        ByteBuffer b = varInt(buf, n + bias);
        return bytes(b, s.array(), s.arrayOffset(), n);
    }

    private static ByteBuffer varInt(ByteBuffer buf, int v) {
        ByteBuffer b = ensure(buf, 5);
        DataUtils.writeVarInt(b, v);
        return b;
    }

    private static ByteBuffer bytes(ByteBuffer buf, byte[] bytes, int offset, int length) {
        ByteBuffer b = ensure(buf, length);
        b.put(bytes, offset, length);
        return b;
    }

    private static ByteBuffer ensure(ByteBuffer buf, int extra) {
        if (buf.remaining() >= extra) {
            return buf;
        }
        long wanted = Math.max((long) buf.capacity() * 2, (long) buf.position() + extra);
        ByteBuffer bigger = ByteBuffer.allocate((int) Math.min(wanted, Integer.MAX_VALUE - 16));
        ((Buffer) buf).flip();
        bigger.put(buf);
        return bigger;
    }

    /**
     * Applies the staged changes to the maps; if one fails, takes back those already made. A map's changes of
     * distinct keys are made as one sorted batch ({@link RangeCutMap#applySorted}: one copy of each touched page,
     * where key by key each change copies its leaf and path); a map with a key staged twice, and a map not opened
     * as a side map, gets its changes key by key in order. The maps end as key by key changes in staging order
     * leave them.
     *
     * @throws Missing if a key that must be there is not (its cause is the caller's exception), after the rollback
     * @throws RuntimeException what the failing map call threw, after the rollback
     */
    void apply() {
        Application run = new Application();
        try {
            int[][] byMap = opsByMap();
            for (int m = 0; m < byMap.length; m++) {
                MVMap<Object, Object> map = maps.get(m);
                int[] sorted = byMap[m].length > 1 && map instanceof RangeCutMap ? sortedDistinct(map, byMap[m]) : null;
                if (sorted == null) {
                    run.oneByOne(map, byMap[m]);
                } else {
                    run.batch((RangeCutMap<Object, Object>) map, sorted);
                }
            }
        } catch (RuntimeException | Error e) {
            try {
                run.rollback();
            } catch (RuntimeException | Error suppressed) {
                e.addSuppressed(suppressed);
                throw new RolledBackPartly(e);
            }
            throw e;
        }
    }

    /** Each map's changes' indexes, in staging order. */
    private int[][] opsByMap() {
        int[] counts = new int[maps.size()];
        for (int i = 0; i < ops; i++) {
            counts[opMap[i]]++;
        }
        int[][] byMap = new int[maps.size()][];
        for (int m = 0; m < byMap.length; m++) {
            byMap[m] = new int[counts[m]];
            counts[m] = 0;
        }
        for (int i = 0; i < ops; i++) {
            byMap[opMap[i]][counts[opMap[i]]++] = i;
        }
        return byMap;
    }

    /**
     * A map's changes' indexes in the order of their keys, or null if a key is staged twice. A refresh stages
     * most maps' changes in key order already: then this is one comparison per change.
     */
    private int[] sortedDistinct(MVMap<Object, Object> map, int[] indexes) {
        DataType<Object> type = map.getKeyType();
        int ascending = 1;
        while (ascending < indexes.length
                && type.compare(opKey[indexes[ascending - 1]], opKey[indexes[ascending]]) < 0) {
            ascending++;
        }
        if (ascending == indexes.length) {
            return indexes;
        }
        Integer[] boxed = new Integer[indexes.length];
        for (int j = 0; j < boxed.length; j++) {
            boxed[j] = indexes[j];
        }
        java.util.Arrays.sort(boxed, (a, b) -> type.compare(opKey[a], opKey[b]));
        int[] sorted = new int[boxed.length];
        for (int j = 0; j < sorted.length; j++) {
            sorted[j] = boxed[j];
            if (j > 0 && type.compare(opKey[sorted[j - 1]], opKey[sorted[j]]) == 0) {
                return null;
            }
        }
        return sorted;
    }

    /** One application of the changes: what each changed key held, and in which order, for the rollback. */
    private final class Application {
        /** Per change, the value its key held before it (null if none). */
        private final Object[] old = new Object[ops];
        /** The changes that may have been made, in the order they were: the rollback takes them back in reverse. */
        private final int[] made = new int[ops];

        private int madeCount;

        /** Makes a map's changes key by key, in staging order. */
        void oneByOne(MVMap<Object, Object> map, int[] indexes) {
            for (int i : indexes) {
                Object was = opValue[i] == null ? map.remove(opKey[i]) : map.put(opKey[i], opValue[i]);
                old[i] = was;
                made[madeCount++] = i;
                if (was == null && opIfMissing[i] != null) {
                    throw new Missing(opIfMissing[i].get());
                }
            }
        }

        /** Makes a map's changes of distinct keys, given in key order, as one sorted batch. */
        void batch(RangeCutMap<Object, Object> map, int[] sorted) {
            int n = sorted.length;
            Object[] keys = new Object[n];
            Object[] values = new Object[n];
            Object[] before = new Object[n];
            for (int j = 0; j < n; j++) {
                keys[j] = opKey[sorted[j]];
                values[j] = opValue[sorted[j]];
            }
            boolean[] checked = {false};
            try {
                map.applySorted(keys, values, n, before, () -> {
                    for (int j = 0; j < n; j++) {
                        Supplier<? extends RuntimeException> ifMissing = opIfMissing[sorted[j]];
                        if (before[j] == null && ifMissing != null) {
                            throw new Missing(ifMissing.get());
                        }
                    }
                    checked[0] = true;
                });
            } finally {
                if (checked[0]) {
                    // Keys are distinct and their old values known: taking back one not yet made is harmless.
                    for (int j = 0; j < n; j++) {
                        old[sorted[j]] = before[j];
                        made[madeCount++] = sorted[j];
                    }
                }
            }
        }

        /** Takes back the changes made, last first. */
        void rollback() {
            for (int k = madeCount - 1; k >= 0; k--) {
                int i = made[k];
                MVMap<Object, Object> m = maps.get(opMap[i]);
                if (old[i] == null) {
                    m.remove(opKey[i]);
                } else {
                    m.put(opKey[i], old[i]);
                }
            }
        }
    }

    /** A key that had to be in its map was not; nothing was changed. The cause is the caller's exception. */
    static final class Missing extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Missing(RuntimeException cause) {
            super(cause);
        }

        /** The caller's exception. */
        RuntimeException failure() {
            return (RuntimeException) getCause();
        }
    }

    /** Some staged changes were applied and could not be taken back: the maps are in an unknown state. */
    static final class RolledBackPartly extends RuntimeException {
        private static final long serialVersionUID = 1L;

        RolledBackPartly(Throwable cause) {
            super(cause);
        }
    }
}
