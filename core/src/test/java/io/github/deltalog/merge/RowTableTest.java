package io.github.deltalog.merge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link RowTable} against a {@code HashMap}: same rows, dense entries, and its sort in a chosen table order. */
class RowTableTest {
    private record Key(int table, long row) {}

    @Test
    void behavesLikeAMapAndSortsInTheGivenTableOrder() {
        long seed = Long.getLong("deltalog.rowtable.seed", new SplittableRandom().nextLong());
        SplittableRandom random = new SplittableRandom(seed);
        for (int round = 0; round < 120; round++) {
            RowTable rows = new RowTable(random.nextInt(100));
            Map<Key, Integer> model = new HashMap<>();
            int tables = 1 + random.nextInt(round < 60 ? 3 : 40);
            int keySpace = 1 + random.nextInt(round < 60 ? 50 : 20_000);
            for (int i = random.nextInt(3000); i > 0; i--) {
                int table = random.nextInt(tables) * (round % 2 == 0 ? 1 : 1_000_003); // small and large ids
                long row = random.nextInt(4) == 0 ? random.nextLong() : random.nextInt(keySpace) - keySpace / 2;
                Key key = new Key(table, row);
                Integer expected = model.get(key);
                int found = rows.find(table, row);
                assertEquals(expected == null ? -1 : expected, found, "seed " + seed);
                if (found < 0) {
                    int entry = rows.add(table, row);
                    assertEquals(model.size(), entry, "entries are dense, in insertion order; seed " + seed);
                    model.put(key, entry);
                }
            }
            assertEquals(model.size(), rows.size(), "seed " + seed);
            // A random table order, and a random half of the entries.
            List<Integer> order = new ArrayList<>();
            for (Key k : model.keySet()) {
                if (!order.contains(k.table())) {
                    order.add(k.table());
                }
            }
            java.util.Collections.shuffle(order, new java.util.Random(random.nextLong()));
            int[] tableOrder = order.stream().mapToInt(Integer::intValue).toArray();
            List<Key> chosen = new ArrayList<>();
            int[] entries = new int[model.size()];
            int n = 0;
            for (Map.Entry<Key, Integer> e : model.entrySet()) {
                if (random.nextBoolean()) {
                    chosen.add(e.getKey());
                    entries[n++] = e.getValue();
                }
            }
            chosen.sort(
                    Comparator.comparing((Key k) -> order.indexOf(k.table())).thenComparing(Key::row));
            int[] sorted = rows.sortedEntries(entries, n, tableOrder);
            assertEquals(n, sorted.length, "seed " + seed);
            for (int i = 0; i < n; i++) {
                assertEquals(chosen.get(i), new Key(rows.table(sorted[i]), rows.row(sorted[i])), "seed " + seed);
                assertEquals(model.get(chosen.get(i)), sorted[i], "seed " + seed);
            }
            rows.clear();
            assertEquals(0, rows.size());
            assertEquals(-1, rows.find(0, 0));
        }
    }

    @Test
    void anEntryOfATableOutsideTheOrderIsRefused() {
        RowTable rows = new RowTable(4);
        rows.add(3, 7);
        assertThrows(IllegalArgumentException.class, () -> rows.sortedEntries(new int[] {0}, 1, new int[] {2}));
    }
}
