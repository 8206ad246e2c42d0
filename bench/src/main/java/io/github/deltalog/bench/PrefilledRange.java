package io.github.deltalog.bench;

import io.github.deltalog.DeltaLog;
import io.github.deltalog.bench.peers.Peer;
import io.github.deltalog.bench.peers.Peers;
import io.github.deltalog.store.DeltaKey;
import java.nio.file.Path;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;

/**
 * The last {@code range} changes of a pre-filled log, opened the way one implementation reads them: a peer's own
 * store, deltalog read-only, or the raw MVStore map of deltalog's file (the floors). Shared by the scan and count
 * benchmarks; checks that the range holds exactly {@code range} changes before any timing starts.
 */
final class PrefilledRange implements AutoCloseable {
    /** The peer, or null for deltalog and its floors. */
    final Peer peer;
    /** The log opened read-only, or null. */
    final DeltaLog log;
    /** The raw deltas map (floors), or null. */
    final MVMap<DeltaKey, byte[]> map;
    /** The table id of {@link BenchFiles#TABLE} in the raw map. */
    final int tableId;
    /** The position after which the range starts. */
    final long after;

    private final MVStore store;

    private PrefilledRange(
            Peer peer, DeltaLog log, MVStore store, MVMap<DeltaKey, byte[]> map, int tableId, long after) {
        this.peer = peer;
        this.log = log;
        this.store = store;
        this.map = map;
        this.tableId = tableId;
        this.after = after;
    }

    /**
     * Opens the range for an implementation.
     *
     * @param impl the implementation's name: a {@link Peers.Kind}, {@code DELTALOG}, or a raw MVStore floor
     * @param logSize changes in the pre-filled log
     * @param range changes in the range
     * @return the opened range
     */
    static PrefilledRange open(String impl, int logSize, int range) {
        PrefilledRange r = openUnchecked(impl, logSize, range);
        long count = r.peer != null
                ? r.peer.count(BenchFiles.TABLE, r.after)
                : r.log != null ? r.log.count(BenchFiles.TABLE, r.after) : r.rawCount();
        if (count != range) {
            r.close();
            throw new IllegalStateException(impl + " holds " + count + " changes after " + r.after + ", not " + range);
        }
        return r;
    }

    private static PrefilledRange openUnchecked(String impl, int logSize, int range) {
        for (Peers.Kind kind : Peers.Kind.values()) {
            if (kind.name().equals(impl)) {
                Peer peer = BenchFiles.prefilledPeer(kind, logSize);
                return new PrefilledRange(peer, null, null, null, 0, peer.afterLast(BenchFiles.TABLE, range));
            }
        }
        Path file = BenchFiles.prefilledLog(logSize);
        MVStore store = BenchFiles.openRaw(file);
        MVMap<DeltaKey, byte[]> map = BenchFiles.deltasMap(store);
        int tableId = map.firstKey().tableId();
        long after = BenchFiles.afterLast(map, range);
        if (impl.equals("DELTALOG")) {
            store.close();
            return new PrefilledRange(
                    null, DeltaLog.builder().path(file).readOnly(true).open(), null, null, tableId, after);
        }
        return new PrefilledRange(null, null, store, map, tableId, after);
    }

    /** Counts the range in the raw map from two ranks, as deltalog does. */
    long rawCount() {
        return rank(DeltaKey.last(tableId, Long.MAX_VALUE)) - rank(DeltaKey.last(tableId, after));
    }

    private long rank(DeltaKey key) {
        long index = map.getKeyIndex(key);
        return index >= 0 ? index + 1 : -(index + 1);
    }

    @Override
    public void close() {
        if (peer != null) {
            peer.close();
        }
        if (log != null) {
            log.close();
        }
        if (store != null) {
            store.close();
        }
    }
}
