package io.github.deltalog.store;

import io.github.deltalog.CorruptLogException;
import io.github.deltalog.UnsupportedFormatException;
import org.h2.mvstore.MVMap;

/**
 * The {@code meta} map: format version, checkpointed watermark, last commit (attached logs) and low-water
 * mark. The format version gate lives here: a file written in a version this code does not know is refused.
 */
final class LogMeta {
    /** The format version this code writes and reads. */
    static final long FORMAT_VERSION = 1;

    private static final String FORMAT = "format";
    private static final String CHECKPOINT = "checkpoint";
    private static final String LAST_COMMITTED = "lastCommitted";
    private static final String LOW_WATER = "lowWater";
    /** When the file was last compacted (microseconds); files from before it was kept have none. */
    private static final String COMPACTED = "compacted";

    private final MVMap<String, Long> map;

    LogMeta(MVMap<String, Long> map, String label, boolean fresh) {
        this.map = map;
        Object version = map.get(FORMAT);
        if (version == null) {
            if (!fresh) {
                throw new CorruptLogException(label + " holds deltas but no format version: not a deltalog file");
            }
            map.put(FORMAT, FORMAT_VERSION);
        } else if (!(version instanceof Long v) || v != FORMAT_VERSION) {
            throw new UnsupportedFormatException(label + " was written in format version " + version
                    + "; this version of deltalog reads format version " + FORMAT_VERSION);
        }
    }

    long checkpoint() {
        return get(CHECKPOINT);
    }

    void setCheckpoint(long ts) {
        map.put(CHECKPOINT, ts);
    }

    long lastCommitted() {
        return get(LAST_COMMITTED);
    }

    void setLastCommitted(long ts) {
        map.put(LAST_COMMITTED, ts);
    }

    long lowWater() {
        return get(LOW_WATER);
    }

    void setLowWater(long ts) {
        map.put(LOW_WATER, ts);
    }

    void setCompacted(long micros) {
        map.put(COMPACTED, micros);
    }

    private long get(String key) {
        Long v = map.get(key);
        return v == null ? 0 : v;
    }
}
