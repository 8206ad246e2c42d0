package io.github.deltalog;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a purge by the retention policy did, and what kept it from doing more: from {@link
 * DeltaLog#applyRetention()}.
 *
 * @param removed how many deltas were removed
 * @param retained how many deltas are retained after the purge, all tables
 * @param heldBackBy the consumer that keeps deltas from being purged: the slowest consumer that is not stale and
 *     has not read up to the last commit; null if no consumer holds anything back
 * @param heldBack how many retained deltas only {@code heldBackBy} keeps: those committed after its position up
 *     to the next consumer's position (or the last commit), which the next purge removes once it has read them;
 *     0 if {@code heldBackBy} is null
 * @param consumers how many consumers are registered
 * @param fileSizeBefore the store file's size in bytes before the purge (0 in memory)
 * @param fileSizeAfter the store file's size in bytes after the purge and its space reclaim (0 in memory)
 */
public record PurgeResult(
        long removed,
        long retained,
        String heldBackBy,
        long heldBack,
        int consumers,
        long fileSizeBefore,
        long fileSizeAfter) {

    /** Works out the hold-back from the consumers' positions after a purge. O(c log c + t log n). */
    static PurgeResult measure(DeltaLog log, Map<String, Long> positions, long removed, long sizeBefore) {
        long watermark = log.lastCommitted();
        String slowest = null;
        long slowestAt = Long.MAX_VALUE;
        long nextAt = watermark;
        List<Map.Entry<String, Long>> live = new ArrayList<>();
        for (Map.Entry<String, Long> e : positions.entrySet()) {
            if (!log.isBehindLowWater(e.getValue()) && e.getValue() < watermark) {
                live.add(e);
            }
        }
        live.sort(Map.Entry.comparingByValue());
        if (!live.isEmpty()) {
            slowest = live.get(0).getKey();
            slowestAt = live.get(0).getValue();
            for (Map.Entry<String, Long> e : live) {
                if (e.getValue() > slowestAt) {
                    nextAt = e.getValue();
                    break;
                }
            }
        }
        long heldBack = slowest == null ? 0 : log.countAfter(slowestAt) - log.countAfter(nextAt);
        if (heldBack == 0) {
            slowest = null;
        }
        return new PurgeResult(
                removed,
                log.countAll(),
                slowest,
                heldBack,
                positions.size(),
                sizeBefore,
                log.stats().fileSizeBytes());
    }
}
