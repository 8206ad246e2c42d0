package io.github.deltalog.view;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.deltalog.DeltaLog;
import io.github.deltalog.Tuple;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random histories over two tables (inserts, updates that move rows between groups and join keys, deletes, NULLs
 * in grouped and joined columns), views refreshed at random points, the log closed and reopened in between: after
 * every refresh each view equals {@link ViewReference} (nested loops over the current rows).
 *
 * <p>Reproduce a failure with the seed it prints: {@code mvn -pl core test -Dtest=ViewProperties
 * -Ddeltalog.view.seed=<seed>}; {@code -Ddeltalog.view.steps=<n>} sets the steps per seed (default 250).
 */
class ViewProperties {
    @TempDir
    Path dir;

    @Test
    void everyViewEqualsTheNestedLoopReferenceAfterEveryRefreshAcrossReopens() {
        for (long seed : seeds()) {
            try {
                run(seed, dir.resolve("views-" + Long.toHexString(seed) + ".deltas"));
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("seed " + seed + " (rerun with -Ddeltalog.view.seed=" + seed + "): " + e, e);
            }
        }
    }

    private static List<Long> seeds() {
        String fixed = System.getProperty("deltalog.view.seed");
        if (fixed != null) {
            return List.of(Long.parseLong(fixed));
        }
        List<Long> seeds = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            seeds.add(ThreadLocalRandom.current().nextLong());
        }
        return seeds;
    }

    private static void run(long seed, Path file) {
        ViewWorkload w = new ViewWorkload(seed);
        Random rnd = w.random();
        Map<String, ViewDefinition> defs = ViewWorkload.definitions();
        int steps = Integer.getInteger("deltalog.view.steps", 250);
        DeltaLog log = DeltaLog.open(file);
        try {
            log.track(ViewWorkload.ORDERS);
            log.track(ViewWorkload.CUSTOMERS);
            Map<String, View> views = new LinkedHashMap<>();
            for (int step = 0; step < steps; step++) {
                int op = rnd.nextInt(100);
                String name = new ArrayList<>(defs.keySet()).get(rnd.nextInt(defs.size()));
                if (op < 65) {
                    w.transaction(log);
                } else if (op < 90) {
                    View v = views.get(name);
                    if (v == null) {
                        // Half the views start from the history, half from base rows given by the application.
                        v = rnd.nextBoolean()
                                ? log.view(name, defs.get(name))
                                : log.view(name, defs.get(name), w.baseRows());
                        views.put(name, v);
                    } else {
                        Refresh r = v.refresh();
                        assertEquals(Refresh.Kind.INCREMENTAL, r.kind());
                        assertEquals(log.lastCommitted(), r.position());
                    }
                    check(v, w, "step " + step);
                } else if (op < 95) {
                    log.close();
                    log = DeltaLog.open(file);
                    for (String n : new ArrayList<>(views.keySet())) {
                        View v = log.view(n, defs.get(n));
                        views.put(n, v);
                        assertEquals(v.position(), log.consumer("view:" + n).position(), "consumer of " + n);
                    }
                } else if (views.containsKey(name)) {
                    View v = views.get(name);
                    v.refresh();
                    Verification fromHistory = v.verify();
                    assertTrue(fromHistory.matches(), "verify() at step " + step + ": " + fromHistory.differences());
                    assertTrue(v.verify(w.baseRows()).matches(), "verify(base) at step " + step);
                }
            }
            for (View v : views.values()) {
                v.refresh();
                check(v, w, "end");
            }
        } finally {
            log.close();
        }
    }

    private static void check(View v, ViewWorkload w, String when) {
        Map<Tuple, Tuple> expected = ViewReference.compute(v.definition(), w.tables);
        Map<Tuple, Tuple> actual = ViewReference.rowsOf(v);
        assertEquals(expected, actual, v.name() + " at " + when);
        assertEquals(expected.size(), v.size(), v.name() + " size at " + when);
        for (Map.Entry<Tuple, Tuple> e : expected.entrySet()) {
            assertEquals(e.getValue(), v.get(e.getKey()), v.name() + " get(" + e.getKey() + ") at " + when);
        }
    }
}
