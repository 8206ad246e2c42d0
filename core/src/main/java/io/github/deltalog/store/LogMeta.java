package io.github.deltalog.store;

import io.github.deltalog.CorruptLogException;
import io.github.deltalog.UnsupportedFormatException;
import org.h2.mvstore.MVMap;

/**
 * The {@code meta} map: format version, the log's identity, the checkpointed watermark, the journal generation
 * that continues the checkpoint, last commit (attached logs) and low-water mark. The format version gate lives
 * here: a file written in a version this code does not know is refused.
 *
 * <p>Format 4 adds journal records of map changes (view refreshes); format 3 the schema history. Format 2 added the identity and journal generation (DESIGN §8a). A format 1 store (no identity) is read as
 * it is; its first read-write open adopts it: its headerless journal is replayed as before, then the store is
 * given a new identity and format 2, and every later journal is bound to it.
 */
final class LogMeta {
    /**
     * The newest format version this code writes: 4 adds journal records of side-map changes (a view refresh, see
     * {@link MapChanges}), written only once the store declares it ({@link #upgradeForMapRecords}).
     */
    static final long FORMAT_VERSION = 4;
    /** The format version of a new log: 3 adds the schema history (table id 0, see {@link SchemaHistory}). */
    static final long FORMAT_SCHEMAS = 3;
    /** The format version of journals bound to their store, before schema histories. */
    static final long FORMAT_BOUND = 2;
    /** The format version before journals were bound to their store; still read, and adopted on write. */
    static final long FORMAT_UNBOUND = 1;

    private static final String FORMAT = "format";
    private static final String CHECKPOINT = "checkpoint";
    private static final String LAST_COMMITTED = "lastCommitted";
    private static final String LOW_WATER = "lowWater";
    private static final String ID_HIGH = "logIdHigh";
    private static final String ID_LOW = "logIdLow";
    private static final String JOURNAL_GENERATION = "journalGeneration";
    private static final String JOURNAL_LIVE = "journalLive";
    /** When the file was last compacted (microseconds); files from before it was kept have none. */
    private static final String COMPACTED = "compacted";

    private final MVMap<String, Long> map;
    private final boolean created;

    LogMeta(MVMap<String, Long> map, String label, boolean fresh) {
        this.map = map;
        Object version = map.get(FORMAT);
        this.created = version == null;
        if (version == null) {
            if (!fresh) {
                throw new CorruptLogException(label + " holds deltas but no format version: not a deltalog file");
            }
            bind(LogId.random());
        } else if (!(version instanceof Long v) || (v < FORMAT_UNBOUND || v > FORMAT_VERSION)) {
            throw new UnsupportedFormatException(label + " was written in format version " + version
                    + "; this version of deltalog reads format versions " + FORMAT_UNBOUND + " to " + FORMAT_VERSION);
        }
    }

    /** Tells whether this open created the log (the store had no format version yet). */
    boolean created() {
        return created;
    }

    /** Returns the log's identity, or null for a format 1 store not yet adopted. */
    LogId id() {
        Long high = map.get(ID_HIGH);
        Long low = map.get(ID_LOW);
        return high == null || low == null ? null : new LogId(high, low);
    }

    /**
     * Gives the store an identity and format 3 (a new log, or the adoption of a format 1 store): a log that never
     * journals map changes stays readable by the versions before them.
     */
    void bind(LogId id) {
        map.put(ID_HIGH, id.high());
        map.put(ID_LOW, id.low());
        map.put(FORMAT, FORMAT_SCHEMAS);
    }

    /**
     * Marks a format 2 store as format 3 when its first schema version is written (under the write lock), so
     * that a deltalog that knows no schemas refuses it instead of reading its rows without them. A format 1 store
     * is left to its adoption ({@link #bind}), which writes the current version.
     */
    void upgradeForSchemas() {
        Object v = map.get(FORMAT);
        if (v instanceof Long l && l == FORMAT_BOUND) {
            map.put(FORMAT, FORMAT_SCHEMAS);
        }
    }

    /** Tells whether the store declares journal records of map changes (format 4). */
    boolean hasMapRecords() {
        Object v = map.get(FORMAT);
        return v instanceof Long l && l >= FORMAT_VERSION;
    }

    /**
     * Marks the store as format 4, whose journals may hold map-changes records; stored by a checkpoint before the
     * first such record is written, so that a deltalog that does not know them refuses the store instead of ending
     * its journal replay at the first one (and dropping every commit after it).
     */
    void upgradeForMapRecords() {
        map.put(FORMAT, FORMAT_VERSION);
    }

    /** Returns the journal generation that continues the checkpoint (or the last one, when not live); 0 if none. */
    long journalGeneration() {
        return get(JOURNAL_GENERATION);
    }

    /** Tells whether journal generation {@link #journalGeneration()} may hold commits after the checkpoint. */
    boolean journalLive() {
        return get(JOURNAL_LIVE) != 0;
    }

    /** Records which journal generation continues the checkpoint, and whether it may hold later commits. */
    void setJournal(long generation, boolean live) {
        map.put(JOURNAL_GENERATION, generation);
        map.put(JOURNAL_LIVE, live ? 1L : 0L);
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
