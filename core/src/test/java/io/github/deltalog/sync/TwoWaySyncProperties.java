package io.github.deltalog.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.deltalog.DeltaLog;
import io.github.deltalog.Tuple;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.h2.mvstore.MVStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two replicas, each a log file and an MVStore file of rows, edited concurrently at random and synced at random
 * points under "later commit wins", with kills in between: between syncs, and inside a sync after an apply
 * committed but before the position advanced (the store closed without a commit, both reopened). At the end one
 * sync makes them equal, a second applies nothing (nothing is applied twice), and no sync ever adds to a log (no
 * echo). Rerun one case with {@code -Ddeltalog.seed=N}.
 */
class TwoWaySyncProperties {
    private static final int CASES = Integer.getInteger("deltalog.sync.replica.cases", 10);
    private static final List<String> TABLES = List.of("notes", "tags");

    @TempDir
    Path dir;

    /** Thrown by the fault hook: the process "dies" here. */
    private static final class Kill extends RuntimeException {
        private static final long serialVersionUID = 1L;
    }

    /** An open replica: its log, its rows' store and the target over them. */
    private final class Side implements AutoCloseable {
        final String name;
        final Path logFile;
        final Path rowsFile;
        DeltaLog log;
        MVStore store;
        MVMapTarget rows;

        Side(String name, Path dir) {
            this.name = name;
            this.logFile = dir.resolve(name + ".deltas");
            this.rowsFile = dir.resolve(name + ".rows");
            open();
        }

        void open() {
            log = DeltaLog.open(logFile);
            TABLES.forEach(log::track);
            store = new MVStore.Builder().fileName(rowsFile.toString()).open();
            rows = new MVMapTarget(store, "");
        }

        /** Dies: the rows' store loses what it had not committed, the log keeps what it had committed. */
        void kill() {
            store.closeImmediately();
            log.close();
        }

        Replica replica() {
            return new Replica(name, log, rows);
        }

        /** A local edit: the row is written and committed, then its change recorded. */
        void edit(Random rnd, int serial) {
            String table = TABLES.get(rnd.nextInt(TABLES.size()));
            long id = rnd.nextInt(8);
            Tuple current = rows.get(table, id);
            Tuple next = Tuple.of(name + serial, (long) rnd.nextInt(3));
            if (current == null) {
                rows.put(table, id, next);
                store.commit();
                log.recordInsert(table, id, next);
            } else if (rnd.nextInt(4) == 0) {
                rows.put(table, id, null);
                store.commit();
                log.recordDelete(table, id, current);
            } else {
                rows.put(table, id, next);
                store.commit();
                log.recordUpdate(table, id, current, next);
            }
        }

        Map<String, Map<Long, Tuple>> snapshot() {
            Map<String, Map<Long, Tuple>> all = new HashMap<>();
            for (String table : TABLES) {
                Map<Long, Tuple> t = new TreeMap<>();
                rows.map(table).forEach((id, v) -> t.put(id, Tuple.of(v)));
                all.put(table, t);
            }
            return all;
        }

        @Override
        public void close() {
            if (!store.isClosed()) {
                store.close();
            }
            log.close();
        }
    }

    @Test
    void replicasConvergeUnderLaterCommitWins() throws Exception {
        Long fixed = Long.getLong("deltalog.seed");
        long base = fixed != null ? fixed : new Random().nextLong();
        int cases = fixed != null ? 1 : CASES;
        for (int i = 0; i < cases; i++) {
            long seed = base + i;
            try {
                checkCase(new Random(seed), dir.resolve("case" + i));
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("two-way sync failed; reproduce with -Ddeltalog.seed=" + seed, e);
            }
        }
    }

    private void checkCase(Random rnd, Path caseDir) throws Exception {
        java.nio.file.Files.createDirectories(caseDir);
        Random faults = new Random(rnd.nextLong());
        try (Side a = new Side("a", caseDir);
                Side b = new Side("b", caseDir)) {
            TwoWaySync syncWithKills = new TwoWaySync(TABLES, ConflictHandler.laterCommitWins(), () -> {
                if (faults.nextInt(4) == 0) {
                    throw new Kill();
                }
            });
            int serial = 0;
            for (int step = 0; step < 40; step++) {
                int action = rnd.nextInt(10);
                if (action < 3) {
                    a.edit(rnd, serial++);
                } else if (action < 6) {
                    b.edit(rnd, serial++);
                } else if (action < 9) {
                    long countA = a.log.countAll();
                    long countB = b.log.countAll();
                    try {
                        if (rnd.nextBoolean()) {
                            syncWithKills.sync(a.replica(), b.replica());
                        } else {
                            syncWithKills.sync(b.replica(), a.replica());
                        }
                    } catch (Kill k) {
                        a.kill();
                        b.kill();
                        a.open();
                        b.open();
                    }
                    assertEquals(countA, a.log.countAll(), "no echo into a's log");
                    assertEquals(countB, b.log.countAll(), "no echo into b's log");
                } else {
                    Side victim = rnd.nextBoolean() ? a : b;
                    victim.kill();
                    victim.open();
                }
            }
            TwoWaySync sync = new TwoWaySync(TABLES, ConflictHandler.laterCommitWins());
            sync.sync(a.replica(), b.replica());
            assertEquals(a.snapshot(), b.snapshot(), "converged");
            SyncResult again = sync.sync(b.replica(), a.replica());
            assertEquals(0, again.intoFirst().total(), "nothing applied twice");
            assertEquals(0, again.intoSecond().total(), "nothing applied twice");
            // Closed and reopened, they still agree.
            a.close();
            b.close();
            a.open();
            b.open();
            assertEquals(a.snapshot(), b.snapshot(), "converged after reopen");
        }
    }
}
