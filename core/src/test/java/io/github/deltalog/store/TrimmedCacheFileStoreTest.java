package io.github.deltalog.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.SingleFileStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrimmedCacheFileStoreTest {
    private static final int KEYS = 100_000;
    private static final int ROUNDS = 12;

    @TempDir
    Path dir;

    @Test
    void findsMvStoresPageCache() {
        Map<String, Object> config = new HashMap<>();
        config.put("cacheSize", 16);
        assertTrue(
                new TrimmedCacheFileStore(config).trimsCache(),
                "FileStore's page cache field not found: replaced page versions would stay cached");
    }

    /**
     * Random rewrites of a map, committed after each round, as a view refresh does: MVStore's own store keeps
     * every replaced page version cached until its chunk goes; the log's store holds about the live pages only.
     */
    @Test
    void replacedPageVersionsLeaveTheCache() {
        long seed = new Random().nextLong();
        int trimmed = cacheUsedAfterRewrites(new TrimmedCacheFileStore(config()), "trimmed", seed);
        int plain = cacheUsedAfterRewrites(new SingleFileStore(config()), "plain", seed);
        assertTrue(
                trimmed * 2 < plain,
                "seed " + seed + ": cache used " + trimmed + " MB with trimming against " + plain + " MB without");
    }

    @Test
    void everyPageReadsBackAfterItsCachedVersionsWereDropped() {
        long seed = new Random().nextLong();
        Path file = dir.resolve("reopen.db");
        Map<Integer, String> expected = new HashMap<>();
        try (MVStore store = open(new TrimmedCacheFileStore(config()), file)) {
            MVMap<Integer, String> map = store.openMap("m");
            Random rnd = new Random(seed);
            for (int round = 0; round < ROUNDS; round++) {
                for (int i = 0; i < KEYS / 4; i++) {
                    int k = rnd.nextInt(KEYS);
                    String v = round + ":" + rnd.nextInt();
                    map.put(k, v);
                    expected.put(k, v);
                }
                store.commit();
                for (Map.Entry<Integer, String> e : expected.entrySet()) {
                    assertEquals(e.getValue(), map.get(e.getKey()), "seed " + seed + ", key " + e.getKey());
                }
            }
        }
        try (MVStore store = open(new TrimmedCacheFileStore(config()), file)) {
            MVMap<Integer, String> map = store.openMap("m");
            assertEquals(expected.size(), map.size(), "seed " + seed);
            for (Map.Entry<Integer, String> e : expected.entrySet()) {
                assertEquals(e.getValue(), map.get(e.getKey()), "seed " + seed + ", key " + e.getKey());
            }
        }
    }

    private int cacheUsedAfterRewrites(SingleFileStore fileStore, String name, long seed) {
        try (MVStore store = open(fileStore, dir.resolve(name + ".db"))) {
            MVMap<Integer, String> map = store.openMap("m");
            for (int k = 0; k < KEYS; k++) {
                map.put(k, "first " + k);
            }
            store.commit();
            Random rnd = new Random(seed);
            for (int round = 0; round < ROUNDS; round++) {
                for (int i = 0; i < KEYS / 4; i++) {
                    map.put(rnd.nextInt(KEYS), "round " + round + " " + rnd.nextInt());
                }
                store.commit();
            }
            return fileStore.getCacheSizeUsed();
        }
    }

    private static Map<String, Object> config() {
        Map<String, Object> config = new HashMap<>();
        config.put("cacheSize", 64);
        return config;
    }

    private static MVStore open(SingleFileStore fileStore, Path file) {
        fileStore.open(file.toString(), false, null);
        return new MVStore.Builder()
                .adoptFileStore(fileStore)
                .autoCommitDisabled()
                .open();
    }
}
