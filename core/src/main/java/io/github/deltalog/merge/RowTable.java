package io.github.deltalog.merge;

import java.util.Arrays;

/**
 * An index of rows keyed by (table, row id): an open-addressing hash table over primitive arrays, no boxed key
 * and no entry object per row. Rows get dense entry numbers 0, 1, 2... in the order they were added, which
 * stay valid for the table's life, so that a user keeps its per-row data in its own arrays indexed by entry.
 * A slot holds a copy of its row id and its table beside the entry number, so a lookup touches one cache line
 * of the index. Memory grows with the number of distinct rows. Shared by the merge ({@link DeltaMerger}) and a
 * transaction's change buffer, which also share its {@link #sortedEntries sort}. Not thread-safe.
 *
 * <p>Not an API for applications: a building block of the log, public because two packages use it.
 */
public final class RowTable {
    /** Slots are two longs: the row id, then {@code (table + 1) << 32 | entry}; 0 there marks a free slot. */
    private static final int STRIDE = 2;

    private long[] slots;
    private int mask;
    private int[] tables;
    private long[] rows;
    private int size;

    /**
     * Creates a table with room for {@code expectedRows} rows before it grows (at least 4).
     *
     * @param expectedRows a hint; more rows still fit
     */
    public RowTable(int expectedRows) {
        int capacity = Integer.highestOneBit(Math.max(4, expectedRows) * 2 - 1);
        slots = new long[capacity * 2 * STRIDE];
        mask = capacity * 2 - 1;
        tables = new int[capacity];
        rows = new long[capacity];
    }

    /**
     * Returns the entry of a row, or -1. Expected O(1).
     *
     * @param table the table, at least 0
     * @param row the row id
     * @return the entry, or -1 if the row was never added
     */
    public int find(int table, long row) {
        long tag = (long) (table + 1) << 32;
        for (int s = hash(table, row) & mask; ; s = (s + 1) & mask) {
            int i = s * STRIDE;
            long t = slots[i + 1];
            if (t == 0) {
                return -1;
            }
            if (slots[i] == row && (t & 0xFFFF_FFFF_0000_0000L) == tag) {
                return (int) t;
            }
        }
    }

    /**
     * Adds a row that {@link #find} did not find. Amortised O(1).
     *
     * @param table the table, at least 0
     * @param row the row id
     * @return its entry: the number of rows added before it
     */
    public int add(int table, long row) {
        if (size == tables.length) {
            grow();
        }
        int e = size++;
        tables[e] = table;
        rows[e] = row;
        place(e);
        return e;
    }

    /**
     * Returns how many rows were added.
     *
     * @return how many rows were added
     */
    public int size() {
        return size;
    }

    /**
     * Returns the table of an entry.
     *
     * @param entry an entry {@link #add} returned
     * @return its table
     */
    public int table(int entry) {
        return tables[entry];
    }

    /**
     * Returns the row id of an entry.
     *
     * @param entry an entry {@link #add} returned
     * @return its row id
     */
    public long row(int entry) {
        return rows[entry];
    }

    /** Forgets every row; the next one added gets entry 0. Keeps the memory. */
    public void clear() {
        if (size > 0) {
            Arrays.fill(slots, 0);
            size = 0;
        }
    }

    /**
     * Orders entries by (table, row id), tables in a given order: a counting pass over the tables, then one
     * {@link SlotSort} per table. O(n log n) for n entries, plus O(n log t) for t tables.
     *
     * @param entries the entries to order (for instance the rows that hold a change), any order, distinct
     * @param count how many of {@code entries} to order
     * @param tableOrder every table of those entries, once each, in the order the output should have
     * @return a new array of the {@code count} entries in order
     * @throws IllegalArgumentException if an entry's table is not in {@code tableOrder}
     */
    public int[] sortedEntries(int[] entries, int count, int[] tableOrder) {
        int t = tableOrder.length;
        int[] byValue = tableOrder.clone();
        Arrays.sort(byValue);
        int[] rankByValue = new int[t];
        for (int r = 0; r < t; r++) {
            rankByValue[Arrays.binarySearch(byValue, tableOrder[r])] = r;
        }
        int[] rank = new int[count];
        int[] start = new int[t + 1];
        int lastTable = 0;
        int lastRank = -1;
        for (int i = 0; i < count; i++) {
            int table = tables[entries[i]];
            if (lastRank < 0 || table != lastTable) {
                int at = Arrays.binarySearch(byValue, table);
                if (at < 0) {
                    throw new IllegalArgumentException("table " + table + " of entry " + entries[i] + " has no rank");
                }
                lastTable = table;
                lastRank = rankByValue[at];
            }
            rank[i] = lastRank;
            start[lastRank + 1]++;
        }
        for (int r = 0; r < t; r++) {
            start[r + 1] += start[r];
        }
        int[] next = Arrays.copyOf(start, t);
        int[] out = new int[count];
        long[] ids = new long[count];
        for (int i = 0; i < count; i++) {
            int e = entries[i];
            int at = next[rank[i]]++;
            out[at] = e;
            ids[at] = rows[e];
        }
        for (int r = 0; r < t; r++) {
            SlotSort.sort(ids, out, start[r], start[r + 1]);
        }
        return out;
    }

    private void place(int entry) {
        long row = rows[entry];
        int table = tables[entry];
        int s = hash(table, row) & mask;
        while (slots[s * STRIDE + 1] != 0) {
            s = (s + 1) & mask;
        }
        slots[s * STRIDE] = row;
        slots[s * STRIDE + 1] = ((long) (table + 1) << 32) | entry;
    }

    private void grow() {
        int capacity = tables.length * 2;
        tables = Arrays.copyOf(tables, capacity);
        rows = Arrays.copyOf(rows, capacity);
        long[] old = slots;
        slots = new long[capacity * 2 * STRIDE];
        mask = capacity * 2 - 1;
        // In the old slots' order, not the entries': a slot's row lands at its old position or one old table
        // length further, so the new table fills as two sequential streams; by entry it was a cache miss per row.
        for (int i = 0; i < old.length; i += STRIDE) {
            long tag = old[i + 1];
            if (tag != 0) {
                long row = old[i];
                int s = hash((int) (tag >>> 32) - 1, row) & mask;
                while (slots[s * STRIDE + 1] != 0) {
                    s = (s + 1) & mask;
                }
                slots[s * STRIDE] = row;
                slots[s * STRIDE + 1] = tag;
            }
        }
    }

    /** Mixes both key parts: row ids are often sequential. */
    private static int hash(int table, long row) {
        return (int) mix(row ^ ((long) table << 48) ^ ((long) table >>> 16));
    }

    /**
     * Stafford's variant 13 of the 64-bit finalizer: every bit of the result depends on every bit of the input, so
     * sequential ids, ids with equal low bits and ids that are themselves a multiplicative scramble (as hashed keys
     * are) all spread evenly; a lone multiply does not (ids that are multiples of the golden ratio met Fibonacci
     * hashing by the golden ratio: 10,000 rows landed on 1,300 home slots).
     *
     * @param h the value
     * @return its mix
     */
    static long mix(long h) {
        h = (h ^ (h >>> 30)) * 0xBF58476D1CE4E5B9L;
        h = (h ^ (h >>> 27)) * 0x94D049BB133111EBL;
        return h ^ (h >>> 31);
    }
}
