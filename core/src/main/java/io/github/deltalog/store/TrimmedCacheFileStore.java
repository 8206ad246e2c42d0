package io.github.deltalog.store;

import java.lang.reflect.Field;
import java.util.Map;
import org.h2.mvstore.FileStore;
import org.h2.mvstore.SingleFileStore;
import org.h2.mvstore.cache.CacheLongKeyLIRS;

/**
 * The log's file store: MVStore's single file store whose page cache forgets a page version as soon as a newer
 * version replaces it.
 *
 * <p>Why: MVStore writes a changed page at a new position and caches the new version, but the replaced version
 * stays in the cache, as a hot entry, until its whole chunk is freed. A cache that is full then admits each new
 * version as a cold entry, the first to go, so a view refresh that rewrites thousands of pages of its state
 * (random keys of a large map) evicts its own pages at the next checkpoint and reads them back from the file on
 * its next touch (measured: 5,600–8,200 page reads per 10^4-change join refresh with a 256 MiB cache). Dropping
 * the replaced version when MVStore records its removal leaves the cache to the live pages. A reader of an older
 * version that still needs a dropped page reads it from the file, which keeps it until no version refers to it.
 *
 * <p>MVStore does not expose its page cache; this store takes it once, at construction, from the private field
 * of {@link FileStore}. If that field is not there (another H2 version) or not accessible, the store behaves as
 * MVStore's own (every page still correct, only the cache's hit ratio lower).
 */
final class TrimmedCacheFileStore extends SingleFileStore {
    private final CacheLongKeyLIRS<?> pageCache;

    /**
     * Creates the file store.
     *
     * @param config MVStore's file store configuration ({@code cacheSize} in MB, ...)
     */
    TrimmedCacheFileStore(Map<String, Object> config) {
        super(config);
        pageCache = pageCacheOf(this);
    }

    @Override
    public void accountForRemovedPage(long pos, long version, boolean pinned, int pageNo) {
        super.accountForRemovedPage(pos, version, pinned, pageNo);
        if (pageCache != null) {
            pageCache.remove(pos);
        }
    }

    /** True if replaced page versions leave the cache (the field was found); for tests. */
    boolean trimsCache() {
        return pageCache != null;
    }

    private static CacheLongKeyLIRS<?> pageCacheOf(FileStore<?> store) {
        try {
            Field f = FileStore.class.getDeclaredField("cache");
            f.setAccessible(true);
            Object cache = f.get(store);
            return cache instanceof CacheLongKeyLIRS ? (CacheLongKeyLIRS<?>) cache : null;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }
}
