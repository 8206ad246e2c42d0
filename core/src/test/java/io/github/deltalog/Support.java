package io.github.deltalog;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Helpers shared by the example tests: reading a table into a list, snapshots of a log, a scripted clock. */
final class Support {
    private Support() {}

    /** Reads every delta of a table. */
    static List<Delta> read(DeltaLog log, String table) {
        return read(log, table, 0L);
    }

    /** Reads a table's deltas after a position. */
    static List<Delta> read(DeltaLog log, String table, long after) {
        try (DeltaCursor c = log.changesAfter(table, after)) {
            return drain(c);
        }
    }

    /** Collects what a cursor returns. */
    static List<Delta> drain(DeltaCursor c) {
        List<Delta> out = new ArrayList<>();
        for (Delta d : c) {
            out.add(d);
        }
        return out;
    }

    /** Everything a caller can observe of a log, to check that a failure left it unchanged. */
    record Snapshot(long lastCommitted, long countAll, List<String> tracked, Map<String, List<Delta>> contents) {}

    static Snapshot snapshot(DeltaLog log, String... tables) {
        Map<String, List<Delta>> contents = new LinkedHashMap<>();
        for (String t : tables) {
            contents.put(t, read(log, t));
        }
        return new Snapshot(log.lastCommitted(), log.countAll(), List.copyOf(log.trackedTables()), contents);
    }

    /** Microseconds since the epoch of an instant (the unit of commit timestamps). */
    static long micros(Instant i) {
        return i.getEpochSecond() * 1_000_000L + i.getNano() / 1_000;
    }

    /** A clock that returns the given instants in turn, then the last one forever. */
    static final class ScriptedClock extends Clock {
        private final List<Instant> script;
        private int next;

        ScriptedClock(Instant... script) {
            this.script = new ArrayList<>(Arrays.asList(script));
        }

        @Override
        public synchronized Instant instant() {
            Instant i = script.get(Math.min(next, script.size() - 1));
            next++;
            return i;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}
