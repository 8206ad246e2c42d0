package io.github.deltalog.cli;

import io.github.deltalog.Column;
import io.github.deltalog.Consumer;
import io.github.deltalog.DeltaCursor;
import io.github.deltalog.DeltaLog;
import io.github.deltalog.DeltaLogException;
import io.github.deltalog.LogStats;
import io.github.deltalog.TableSchema;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * {@code deltalog stats --json}: the figures of {@code stats} as one JSON object, for scripts and monitoring.
 * Timestamps are microseconds since the epoch (numbers); times are ISO-8601 strings; a missing value is null.
 *
 * <pre>{@code
 * {"file":"app.deltas","sizeBytes":10608640,"deltas":150000,"lastCommitted":1796597534124985,
 *  "oldestRetained":0,"durability":"COMMIT",
 *  "tables":[{"name":"orders","deltas":150000,"firstCommit":1796597462794372,"tracked":true,
 *    "schemas":[{"version":1,"since":1796597462794372,"columns":[{"name":"id","type":"LONG","nullable":false,
 *    "key":true}]}]}],
 *  "consumers":[{"name":"view","position":1796597534124985,"stale":false,"lag":0,
 *                "lastAdvance":"2026-12-06T22:52:14.294082Z"}]}
 * }</pre>
 */
final class StatsJson {
    private StatsJson() {}

    /** Builds the object. O(tables + consumers × tables × log n). */
    static String of(DeltaLog log, Path file) {
        LogStats stats = log.stats();
        StringBuilder b = new StringBuilder(512).append('{');
        b.append("\"file\":");
        string(b, file.toString());
        b.append(",\"sizeBytes\":").append(stats.fileSizeBytes());
        b.append(",\"deltas\":").append(stats.deltas());
        b.append(",\"lastCommitted\":").append(stats.lastCommitted());
        b.append(",\"oldestRetained\":").append(stats.oldestRetained());
        b.append(",\"durability\":");
        string(b, stats.durability().name());
        b.append(",\"tables\":[");
        boolean firstItem = true;
        for (String table : log.tables()) {
            b.append(firstItem ? "" : ",").append("{\"name\":");
            firstItem = false;
            string(b, table);
            b.append(",\"deltas\":").append(log.count(table, DeltaLog.FROM_OLDEST));
            long first = firstTimestamp(log, table);
            b.append(",\"firstCommit\":").append(first == Long.MAX_VALUE ? "null" : Long.toString(first));
            b.append(",\"tracked\":").append(log.isTracked(table));
            b.append(",\"schemas\":[");
            boolean firstVersion = true;
            for (TableSchema v : log.schemaHistory(table)) {
                b.append(firstVersion ? "" : ",").append("{\"version\":").append(v.version());
                firstVersion = false;
                b.append(",\"since\":").append(v.since()).append(",\"columns\":[");
                boolean firstColumn = true;
                for (Column c : v.columns()) {
                    b.append(firstColumn ? "" : ",").append("{\"name\":");
                    firstColumn = false;
                    string(b, c.name());
                    b.append(",\"type\":\"")
                            .append(c.type())
                            .append("\",\"nullable\":")
                            .append(c.nullable());
                    b.append(",\"key\":").append(v.key().contains(c.name())).append('}');
                }
                b.append("]}");
            }
            b.append("]}");
        }
        b.append("],\"consumers\":[");
        firstItem = true;
        for (String name : log.consumers()) {
            Optional<Consumer> found = log.findConsumer(name);
            if (found.isEmpty()) {
                continue; // dropped meanwhile
            }
            Consumer c = found.get();
            b.append(firstItem ? "" : ",").append("{\"name\":");
            firstItem = false;
            string(b, name);
            boolean stale = c.isStale();
            b.append(",\"position\":").append(c.position());
            b.append(",\"stale\":").append(stale);
            b.append(",\"lag\":").append(stale ? "null" : Long.toString(c.lag()));
            b.append(",\"lastAdvance\":");
            Optional<Instant> advanced = c.lastAdvanced();
            if (advanced.isPresent()) {
                string(b, advanced.get().toString());
            } else {
                b.append("null");
            }
            b.append('}');
        }
        return b.append("]}").toString();
    }

    private static long firstTimestamp(DeltaLog log, String table) {
        try (DeltaCursor c = log.changesAfter(table, DeltaLog.FROM_OLDEST)) {
            return c.hasNext() ? c.next().commitTimestamp() : Long.MAX_VALUE;
        } catch (DeltaLogException e) {
            return Long.MAX_VALUE; // a corrupt first delta: 'verify' reports it
        }
    }

    /** Appends a JSON string: quotes, backslashes and control characters escaped. */
    static void string(StringBuilder b, String s) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x2028 || c == 0x2029) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        b.append('"');
    }
}
