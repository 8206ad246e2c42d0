package io.github.deltalog.cli;

import io.github.deltalog.DeltaLog;
import io.github.deltalog.DeltaLogBuilder;
import io.github.deltalog.DeltaOp;
import io.github.deltalog.DeltaTransaction;
import io.github.deltalog.store.StoreScan;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code verify --salvage} on a store that cannot be opened at all (cut short, zeroed): scans the file for every
 * readable page ({@link StoreScan}) and copies every delta that passes its checksum, with its table and commit
 * timestamp, into a new log beside it ({@code FILE.salvaged}), one transaction per original commit. The original
 * files are left as they are. Prints per table what it recovered, and what is known of what was lost.
 */
final class SalvageCopy {
    private SalvageCopy() {}

    /** A clock that reads what it is set to: each copied commit keeps its original timestamp. */
    private static final class SetClock extends Clock {
        private volatile long micros;

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000);
        }
    }

    /**
     * Copies what can be read of a store into a new log beside it.
     *
     * @param file the damaged store
     * @param key its encryption key, or null (the copy gets the same key)
     * @param out where the report goes
     * @return the new log's path
     * @throws CliException if the copy's path is taken
     */
    static Path copy(Path file, char[] key, PrintWriter out) {
        Path dest = file.resolveSibling(file.getFileName() + ".salvaged");
        if (Files.exists(dest) || Files.exists(dest.resolveSibling(dest.getFileName() + ".journal"))) {
            throw new CliException(
                    Main.EXIT_ERROR, "cannot salvage " + file + " into " + dest + ": it exists (move it away first)");
        }
        Map<String, long[]> perTable = new TreeMap<>(); // deltas, first commit, last commit
        long commits = 0;
        try (StoreScan scan = StoreScan.scan(file, key)) {
            SetClock clock = new SetClock();
            DeltaLogBuilder b = DeltaLog.builder().path(dest).clock(clock);
            if (key != null) {
                b.encryptionKey(key);
            }
            try (DeltaLog log = b.open()) {
                scan.tables().values().forEach(log::track);
                Iterator<StoreScan.Found> it = scan.inCommitOrder();
                StoreScan.Found next = it.hasNext() ? it.next() : null;
                while (next != null) {
                    long ts = next.commitTimestamp();
                    clock.micros = ts;
                    try (DeltaTransaction tx = log.begin()) {
                        while (next != null && next.commitTimestamp() == ts) {
                            add(tx, next);
                            long[] t = perTable.computeIfAbsent(next.table(), n -> new long[] {0, ts, ts});
                            t[0]++;
                            t[2] = ts;
                            next = it.hasNext() ? it.next() : null;
                        }
                        long committed = tx.commit();
                        if (committed != ts) {
                            throw new IllegalStateException("commit " + ts + " was copied as " + committed);
                        }
                    }
                    commits++;
                }
            }
            long recovered = perTable.values().stream().mapToLong(t -> t[0]).sum();
            out.printf(
                    "salvaged %s into %s: %s in %s (%s left as they were)%n",
                    file,
                    dest,
                    Format.plural(recovered, "delta"),
                    Format.plural(commits, "commit"),
                    "the original files are");
            for (Map.Entry<String, long[]> e : perTable.entrySet()) {
                out.printf(
                        "  table %-14s %d deltas recovered, commits %d .. %d%n",
                        PrintableNames.printable(e.getKey()), e.getValue()[0], e.getValue()[1], e.getValue()[2]);
            }
            if (scan.indexedDeltas() >= 0) {
                long lost = Math.max(0, scan.indexedDeltas() - scan.deltasFromStore());
                out.printf(
                        "  lost: at least %d of the %d deltas the store's last readable index counted (all tables,"
                                + " deltas purged since that version aside; which tables they were of is not known)%n",
                        lost, scan.indexedDeltas());
            } else {
                out.println("  lost: unknown (the store's index could not be read, so its count is not known)");
            }
            scan.tables().forEach((id, name) -> {
                if (scan.nameLost(id)) {
                    out.printf(
                            "  table '%s' is table id %d, whose name was lost with the damaged catalog: rename it in"
                                    + " your readers%n",
                            name, id);
                }
            });
            for (String note : scan.notes()) {
                out.println("  " + note);
            }
        }
        return dest;
    }

    private static void add(DeltaTransaction tx, StoreScan.Found f) {
        DeltaOp op = f.op();
        if (op instanceof DeltaOp.Insert i) {
            tx.insert(f.table(), f.rowId(), i.after());
        } else if (op instanceof DeltaOp.Update u) {
            tx.update(f.table(), f.rowId(), u.before(), u.after());
        } else if (op instanceof DeltaOp.Delete d) {
            tx.delete(f.table(), f.rowId(), d.before());
        }
    }
}
