package io.github.deltalog.view;

import io.github.deltalog.store.MapChanges;
import java.util.function.Supplier;
import org.h2.mvstore.MVMap;

/**
 * Where a refresh's computed writes go: into a {@link MapChanges} that the store journals and applies as one step
 * (an incremental refresh), or straight into the maps (a build, under the checkpoint lock).
 */
interface MapSink {
    <K, V> void put(MVMap<K, V> map, K key, V value);

    <K> void remove(MVMap<K, ?> map, K key);

    /** A put or (a null value) removal of a key that must be there, else {@code ifMissing} and nothing changes. */
    <K, V> void change(MVMap<K, V> map, K key, V value, Supplier<? extends RuntimeException> ifMissing);

    /** Writes straight into the maps. */
    static MapSink direct() {
        return new MapSink() {
            @Override
            public <K, V> void put(MVMap<K, V> map, K key, V value) {
                map.put(key, value);
            }

            @Override
            public <K> void remove(MVMap<K, ?> map, K key) {
                map.remove(key);
            }

            @Override
            public <K, V> void change(MVMap<K, V> map, K key, V value, Supplier<? extends RuntimeException> ifMissing) {
                // Only builds write directly, and a build removes nothing: a check before any write suffices.
                if (!map.containsKey(key)) {
                    throw ifMissing.get();
                }
                if (value == null) {
                    map.remove(key);
                } else {
                    map.put(key, value);
                }
            }
        };
    }

    /** Stages the writes in a change set. */
    static MapSink of(MapChanges changes) {
        return new MapSink() {
            @Override
            public <K, V> void put(MVMap<K, V> map, K key, V value) {
                changes.put(map, key, value);
            }

            @Override
            public <K> void remove(MVMap<K, ?> map, K key) {
                changes.remove(map, key);
            }

            @Override
            public <K, V> void change(MVMap<K, V> map, K key, V value, Supplier<? extends RuntimeException> ifMissing) {
                if (value == null) {
                    changes.removeExisting(map, key, ifMissing);
                } else {
                    changes.replace(map, key, value, ifMissing);
                }
            }
        };
    }
}
