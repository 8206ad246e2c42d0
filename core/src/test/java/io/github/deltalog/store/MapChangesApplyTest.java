package io.github.deltalog.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.h2.mvstore.Cursor;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link MapChanges#apply} (sorted batches on side maps, key by key on plain maps) against the same changes made
 * with plain {@code MVMap.put} and {@code remove} in staging order: seeded random change sets of puts, removals,
 * replacements and removals that must find their key, over two side maps and a plain one, in key order or shuffled,
 * sometimes with a key staged twice, on trees of many fanouts and page split sizes, with store commits between.
 * Each map's content, counts and shape are checked after every set; a set whose check fails must leave every map as
 * it was. The file is reopened with plain MVMaps at the end. The seed is printed and taken back from {@code
 * -Ddeltalog.mapchanges.seed}.
 */
class MapChangesApplyTest {
    private static final int KEY_SPACE = 4000;

    @TempDir
    Path dir;

    /** A failure a check supplies, told apart by identity. */
    private static final class Absent extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Absent(long key) {
            super("key " + key + " is not there", null, false, false);
        }
    }

    /** One staged change: a put, a removal, and whether its key must be there. */
    private record Change(int map, long key, Long value, boolean mustExist) {}

    @Test
    void changeSetsMatchKeyByKeyWritesAndAFailedCheckChangesNothing() {
        long seed = Long.getLong("deltalog.mapchanges.seed", System.nanoTime());
        System.out.println("MapChangesApplyTest seed " + seed + " (-Ddeltalog.mapchanges.seed=" + seed + ")");
        Random random = new Random(seed);
        int failures = 0;
        for (int round = 0; round < 24; round++) {
            String where = "seed " + seed + ", round " + round;
            Path file = dir.resolve("r" + round + ".db");
            int keysPerPage = 3 + random.nextInt(round % 3 == 0 ? 6 : 60);
            MVStore.Builder builder = new MVStore.Builder()
                    .fileName(file.toString())
                    .keysPerPage(keysPerPage)
                    .autoCommitDisabled();
            if (round % 4 == 1) {
                builder.pageSplitSize(200 + random.nextInt(2000)); // leaves that split by memory before key count
            }
            List<TreeMap<Long, Long>> models = List.of(new TreeMap<>(), new TreeMap<>(), new TreeMap<>());
            try (MVStore store = builder.open();
                    MVStore reference = new MVStore.Builder().open()) {
                List<MVMap<Long, Long>> maps = List.of(
                        store.openMap("a", RangeCutMapTest.builder()),
                        store.openMap("b", RangeCutMapTest.builder()),
                        store.openMap("c", RangeCutMapTest.plainBuilder()));
                List<MVMap<Long, Long>> plain = List.of(
                        reference.openMap("a", RangeCutMapTest.plainBuilder()),
                        reference.openMap("b", RangeCutMapTest.plainBuilder()),
                        reference.openMap("c", RangeCutMapTest.plainBuilder()));
                for (int set = 0; set < 40; set++) {
                    String at = where + ", set " + set;
                    List<Change> changes = changes(random, plain, set);
                    MapChanges staged = new MapChanges();
                    for (Change c : changes) {
                        stage(staged, maps.get(c.map), c);
                    }
                    Absent expected = keyByKey(plain, changes);
                    if (expected == null) {
                        staged.apply();
                        for (int m = 0; m < 3; m++) {
                            copy(plain.get(m), models.get(m));
                        }
                    } else {
                        failures++;
                        MapChanges.Missing e = assertThrows(MapChanges.Missing.class, staged::apply, at);
                        // The batch may meet another failing check first: any of them is the caller's.
                        assertInstanceOf(Absent.class, e.failure(), at);
                        for (int m = 0; m < 3; m++) {
                            restore(plain.get(m), models.get(m));
                        }
                    }
                    for (int m = 0; m < 3; m++) {
                        RangeCutMapTest.assertSameContents(models.get(m), maps.get(m), at + ", map " + m);
                    }
                    if (random.nextInt(4) == 0) {
                        store.commit();
                    }
                }
            }
            try (MVStore store = RangeCutMapTest.open(file, keysPerPage)) {
                for (int m = 0; m < 3; m++) {
                    MVMap<Long, Long> reopened =
                            store.openMap("abc".substring(m, m + 1), RangeCutMapTest.plainBuilder());
                    RangeCutMapTest.assertSameContents(models.get(m), reopened, where + ", reopened map " + m);
                }
            }
        }
        assertEquals(true, failures > 0, "seed " + seed + ": no change set with a failing check was tried");
    }

    /**
     * {@link RangeCutMap#applySorted} while another thread puts and removes other keys one by one and a third
     * commits the store: root swaps that lose the race are recomputed, half the batches are made under the root
     * lock at once, and each writer finds exactly its own keys and old values; a reader never sees a torn entry.
     */
    @Test
    void batchesRaceKeyByKeyWritersAndCommits() throws Exception {
        long seed = Long.getLong("deltalog.mapchanges.seed", System.nanoTime());
        System.out.println("MapChangesApplyTest concurrent seed " + seed);
        try (MVStore store = RangeCutMapTest.open(dir.resolve("concurrent.db"), 4 + new Random(seed).nextInt(40))) {
            RangeCutMap<Long, Long> map = (RangeCutMap<Long, Long>) store.openMap("m", RangeCutMapTest.builder());
            AtomicBoolean done = new AtomicBoolean();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            TreeMap<Long, Long> batched = new TreeMap<>();
            TreeMap<Long, Long> single = new TreeMap<>();
            Thread batcher = thread(failure, () -> {
                Random r = new Random(seed);
                for (int round = 0; round < 300; round++) {
                    TreeMap<Long, Long> changes = new TreeMap<>();
                    int n = 1 + r.nextInt(200);
                    for (int i = 0; i < n; i++) {
                        long key = 2L * r.nextInt(KEY_SPACE);
                        changes.put(key, r.nextInt(3) == 0 ? null : key * 1_000_003 + round);
                    }
                    Long[] keys = changes.keySet().toArray(new Long[0]);
                    Long[] values = changes.values().toArray(new Long[0]);
                    Long[] before = new Long[keys.length];
                    map.applySorted(keys, values, keys.length, before, () -> {}, r.nextBoolean() ? 0 : 4);
                    for (int j = 0; j < keys.length; j++) {
                        Long was = values[j] == null ? batched.remove(keys[j]) : batched.put(keys[j], values[j]);
                        assertEquals(was, before[j], "seed " + seed + ": old value of " + keys[j]);
                    }
                }
                done.set(true);
            });
            Thread putter = thread(failure, () -> {
                Random r = new Random(seed + 1);
                for (int round = 0; !done.get(); round++) {
                    long key = 2L * r.nextInt(KEY_SPACE) + 1;
                    if (r.nextInt(3) == 0) {
                        assertEquals(single.remove(key), map.remove(key), "seed " + seed);
                    } else {
                        assertEquals(single.put(key, key * 1_000_003 + round), map.put(key, key * 1_000_003 + round));
                    }
                }
            });
            Thread committer = thread(failure, () -> {
                while (!done.get()) {
                    store.commit();
                    Thread.sleep(1);
                }
            });
            Thread reader = thread(failure, () -> {
                while (!done.get()) {
                    for (Cursor<Long, Long> c = map.cursor(null); c.hasNext(); ) {
                        long k = c.next();
                        assertEquals(k, c.getValue() / 1_000_003, "seed " + seed + ": value of " + k);
                    }
                }
            });
            List<Thread> threads = List.of(batcher, putter, committer, reader);
            threads.forEach(Thread::start);
            for (Thread t : threads) {
                t.join(120_000);
                assertFalse(t.isAlive(), "a thread hangs: " + t);
            }
            done.set(true);
            assertNull(failure.get(), () -> "seed " + seed + ": " + failure.get());
            TreeMap<Long, Long> all = new TreeMap<>(batched);
            all.putAll(single);
            RangeCutMapTest.assertSameContents(all, map, "seed " + seed);
        }
    }

    /** What a racing thread runs. */
    private interface Body {
        void run() throws Exception;
    }

    /** A thread that records its failure and, failing, stops the others. */
    private static Thread thread(AtomicReference<Throwable> failure, Body body) {
        return new Thread(() -> {
            try {
                body.run();
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            }
        });
    }

    /**
     * A random change set over the three maps: mostly keys present in {@code plain} and new ones, distinct per map
     * unless the set repeats keys, in key order unless shuffled; now and then a check on a key that is not there.
     */
    private static List<Change> changes(Random random, List<MVMap<Long, Long>> plain, int set) {
        int size = random.nextInt(8) == 0 ? random.nextInt(3) : random.nextInt(set % 5 == 0 ? 3000 : 300);
        boolean repeats = random.nextInt(5) == 0;
        boolean failing = random.nextInt(12) == 0;
        List<List<Change>> perMap = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        List<Set<Long>> used = List.of(new HashSet<>(), new HashSet<>(), new HashSet<>());
        for (int i = 0; i < size; i++) {
            int m = random.nextInt(3);
            MVMap<Long, Long> p = plain.get(m);
            long key = random.nextInt(2) == 0 && p.sizeAsLong() > 0
                    ? p.getKey(random.nextInt((int) p.sizeAsLong()))
                    : random.nextInt(KEY_SPACE);
            if (!repeats && !used.get(m).add(key)) {
                continue;
            }
            int kind = random.nextInt(10);
            Long value = kind < 6 ? (Long) random.nextLong() : null;
            // A check on a key that is there, unless the set is to fail (or a repeat removed it before).
            boolean mustExist = kind >= 8 && (failing || p.containsKey(key));
            perMap.get(m).add(new Change(m, key, value, mustExist));
        }
        List<Change> all = new ArrayList<>();
        for (List<Change> l : perMap) {
            if (random.nextBoolean()) {
                l.sort((x, y) -> Long.compare(x.key, y.key));
            }
            all.addAll(l);
        }
        if (random.nextInt(3) == 0) {
            Collections.shuffle(all, random);
        }
        return all;
    }

    private static void stage(MapChanges staged, MVMap<Long, Long> map, Change c) {
        if (c.mustExist) {
            if (c.value == null) {
                staged.removeExisting(map, c.key, () -> new Absent(c.key));
            } else {
                staged.replace(map, c.key, c.value, () -> new Absent(c.key));
            }
        } else if (c.value == null) {
            staged.remove(map, c.key);
        } else {
            staged.put(map, c.key, c.value);
        }
    }

    /** Makes the changes key by key in staging order; returns the failure of the first check that fails, if any. */
    private static Absent keyByKey(List<MVMap<Long, Long>> plain, List<Change> changes) {
        for (Change c : changes) {
            MVMap<Long, Long> p = plain.get(c.map);
            Long was = c.value == null ? p.remove(c.key) : p.put(c.key, c.value);
            if (was == null && c.mustExist) {
                return new Absent(c.key);
            }
        }
        return null;
    }

    private static void copy(MVMap<Long, Long> from, TreeMap<Long, Long> to) {
        to.clear();
        for (Cursor<Long, Long> c = from.cursor(null); c.hasNext(); ) {
            Long k = c.next();
            to.put(k, c.getValue());
        }
    }

    private static void restore(MVMap<Long, Long> map, TreeMap<Long, Long> model) {
        map.clear();
        map.putAll(model);
    }
}
