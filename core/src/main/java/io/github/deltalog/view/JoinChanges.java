package io.github.deltalog.view;

import io.github.deltalog.Delta;
import io.github.deltalog.Tuple;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.h2.mvstore.Cursor;
import org.h2.mvstore.MVMap;

/**
 * The effect of one refresh on a join view, by the delta rule {@code Δ(A⋈B) = ΔA⋈B + A⋈ΔB + ΔA⋈ΔB} (A and B
 * as they were before the refresh), plus for a left join the padded rows of keys whose match changed. A and B are
 * the view's arrangements: each side's rows indexed by {@link ArrangementKey} (the join value's bytes, rowId) in
 * the store, kept from the same deltas; rows with a NULL key match nothing and are not indexed. Cost: O(Δ ×
 * matching rows) seeks and rows, independent of the tables' sizes (a side probed for a large share of its keys is
 * read in one pass instead, {@link #DENSE}). Join keys match by {@code equals} (an Integer 1 does not match a Long
 * 1).
 */
final class JoinChanges {
    /**
     * A side is read in one pass over the probed range, instead of one seek per key, when at least one key in
     * this many is probed: a seek costs about as much as stepping over that many rows.
     */
    static final int DENSE = 16;

    private final String view;
    private final ViewDefinition.Join join;
    private final String leftTable;
    private final MVMap<ArrangementKey, byte[]> left;
    private final MVMap<ArrangementKey, byte[]> right;
    private final boolean fromEmpty;
    private final Map<ArrangementKey, byte[]> leftWrites = new HashMap<>();
    private final Map<ArrangementKey, byte[]> rightWrites = new HashMap<>();
    /** Index entries a change removes or replaces, which must be there (checked when the writes are applied). */
    private final Map<ArrangementKey, String> leftMustExist = new HashMap<>();

    private final Map<ArrangementKey, String> rightMustExist = new HashMap<>();

    JoinChanges(
            String view,
            ViewDefinition def,
            MVMap<ArrangementKey, byte[]> left,
            MVMap<ArrangementKey, byte[]> right,
            boolean fromEmpty) {
        this.view = view;
        this.join = def.join();
        this.leftTable = def.table();
        this.left = left;
        this.right = right;
        this.fromEmpty = fromEmpty;
    }

    /** A row with a weight and the first arrangement key of its join value (null for a NULL join value). */
    private record Weighted(long rowId, Tuple row, long weight, ArrangementKey key) {}

    /** A stored row of one side: its id and its encoded values ({@link RowBytesType}). */
    private record Stored(long rowId, byte[] row) {}

    /** Names a joined row for messages. */
    private record Source(String a, long aRow, String b, long bRow) {
        @Override
        public String toString() {
            return b == null
                    ? "row " + aRow + " of table '" + a + "' (unmatched)"
                    : "row " + aRow + " of table '" + a + "' joined with row " + bRow + " of table '" + b + "'";
        }
    }

    /**
     * Computes the joined rows' changes into {@code out} and stages the arrangements' changes. Each side's
     * arrangement is read once per changed join value of the other side, in key order (one seek per value, or
     * one pass when the values are {@link #DENSE}).
     *
     * @param deltas the merged deltas of both tables (at most one per row)
     * @throws ViewException if a row lacks its join key column or a change removes a row the view never held
     */
    void apply(Iterable<Delta> deltas, GroupChanges out) {
        List<Weighted> da = new ArrayList<>();
        List<Weighted> db = new ArrayList<>();
        for (Delta d : deltas) {
            boolean isLeft = d.table().equals(leftTable);
            int col = isLeft ? join.leftColumn() : join.rightColumn();
            List<Weighted> into = isLeft ? da : db;
            Tuple before = d.op().before();
            Tuple after = d.op().after();
            ArrangementKey beforeKey = before == null ? null : key(d, before, col);
            if (before != null) {
                into.add(new Weighted(d.rowId(), before, -1, beforeKey));
            }
            if (after != null) {
                ArrangementKey k = key(d, after, col);
                // An update that keeps its join value shares the key: one encoding, one hash.
                into.add(new Weighted(d.rowId(), after, 1, beforeKey != null && beforeKey.equals(k) ? beforeKey : k));
            }
        }
        Map<ArrangementKey, List<Weighted>> daByKey = new HashMap<>();
        for (Weighted a : da) {
            if (a.key != null) {
                daByKey.computeIfAbsent(a.key, k -> new ArrayList<>(2)).add(a);
            } else if (join.outer()) {
                out.add(pad(a.row), a.weight, new Source(leftTable, a.rowId, null, 0));
            }
        }
        Map<ArrangementKey, List<Weighted>> dbByKey = new HashMap<>();
        for (Weighted b : db) {
            if (b.key != null) {
                dbByKey.computeIfAbsent(b.key, k -> new ArrayList<>(2)).add(b);
            }
        }
        String rightTable = join.table();
        // ΔA⋈B and ΔA⋈ΔB; B's stored rows per key also give the padding below its old match count.
        List<ArrangementKey> aKeys = sorted(daByKey.keySet());
        Map<ArrangementKey, List<Stored>> rightStored = stored(right, aKeys);
        for (ArrangementKey k : aKeys) {
            List<Weighted> as = daByKey.get(k);
            for (Stored b : rightStored.getOrDefault(k, List.of())) {
                Object[] bValues = RowBytesType.decode(b.row);
                for (Weighted a : as) {
                    out.add(concat(a.row, bValues), a.weight, new Source(leftTable, a.rowId, rightTable, b.rowId));
                }
            }
            List<Weighted> bs = dbByKey.get(k);
            if (bs != null) {
                for (Weighted a : as) {
                    for (Weighted b : bs) {
                        out.add(
                                concat(a.row, b.row),
                                a.weight * b.weight,
                                new Source(leftTable, a.rowId, rightTable, b.rowId));
                    }
                }
            }
        }
        // A⋈ΔB
        List<ArrangementKey> bKeys = sorted(dbByKey.keySet());
        Map<ArrangementKey, List<Stored>> leftStored = stored(left, bKeys);
        for (ArrangementKey k : bKeys) {
            List<Weighted> bs = dbByKey.get(k);
            for (Stored a : leftStored.getOrDefault(k, List.of())) {
                Object[] aValues = RowBytesType.decode(a.row);
                for (Weighted b : bs) {
                    out.add(concat(aValues, b.row), b.weight, new Source(leftTable, a.rowId, rightTable, b.rowId));
                }
            }
        }
        if (join.outer()) {
            for (ArrangementKey k : aKeys) {
                if (!dbByKey.containsKey(k) && !rightStored.containsKey(k)) {
                    for (Weighted a : daByKey.get(k)) { // no match before or after
                        out.add(pad(a.row), a.weight, new Source(leftTable, a.rowId, null, 0));
                    }
                }
            }
            for (ArrangementKey k : bKeys) {
                List<Stored> storedRight = daByKey.containsKey(k) ? rightStored.getOrDefault(k, List.of()) : null;
                padChanges(
                        k,
                        daByKey.getOrDefault(k, List.of()),
                        dbByKey.get(k),
                        storedRight,
                        leftStored.getOrDefault(k, List.of()),
                        out);
            }
        }
        stage(da, leftWrites, leftMustExist, leftTable);
        stage(db, rightWrites, rightMustExist, rightTable);
    }

    private static List<ArrangementKey> sorted(Set<ArrangementKey> keys) {
        List<ArrangementKey> l = new ArrayList<>(keys);
        Collections.sort(l);
        return l;
    }

    /**
     * The stored rows of one side for join values (as their first keys, sorted), as they were before this
     * refresh; values without rows are left out. Empty when building from empty (the stored state is ignored).
     * One seek per value, or one pass from the first value to the last when they are {@link #DENSE}.
     */
    private Map<ArrangementKey, List<Stored>> stored(MVMap<ArrangementKey, byte[]> map, List<ArrangementKey> keys) {
        Map<ArrangementKey, List<Stored>> found = new HashMap<>();
        if (fromEmpty || keys.isEmpty()) {
            return found;
        }
        if ((long) keys.size() * DENSE >= map.sizeAsLong()) {
            Cursor<ArrangementKey, byte[]> c =
                    map.cursor(keys.get(0), ArrangementKey.last(keys.get(keys.size() - 1).joinKey), false);
            int i = 0;
            while (c.hasNext()) {
                ArrangementKey k = c.next();
                int cmp = -1;
                while (i < keys.size() && (cmp = ArrangementKey.compareJoinKeys(keys.get(i).joinKey, k.joinKey)) < 0) {
                    i++;
                }
                if (cmp == 0) {
                    found.computeIfAbsent(keys.get(i), x -> new ArrayList<>()).add(new Stored(k.rowId, c.getValue()));
                }
            }
            return found;
        }
        for (ArrangementKey key : keys) {
            List<Stored> rows = null;
            for (Cursor<ArrangementKey, byte[]> c = map.cursor(key, ArrangementKey.last(key.joinKey), false);
                    c.hasNext(); ) {
                long rowId = c.next().rowId;
                if (rows == null) {
                    rows = new ArrayList<>();
                    found.put(key, rows);
                }
                rows.add(new Stored(rowId, c.getValue()));
            }
        }
        return found;
    }

    /**
     * The padded (unmatched) left rows of a join key whose right rows changed: what changes when the key gains or
     * loses its matches.
     *
     * @param storedRight the key's right rows before, if read already
     * @param storedLeft the key's left rows before
     */
    private void padChanges(
            ArrangementKey k,
            List<Weighted> da,
            List<Weighted> db,
            List<Stored> storedRight,
            List<Stored> storedLeft,
            GroupChanges out) {
        long net = 0;
        for (Weighted b : db) {
            net += b.weight;
        }
        long oldCount = 0;
        if (storedRight != null) {
            oldCount = storedRight.size();
        } else if (!fromEmpty) {
            long needed = net < 0 ? -net + 1 : 1;
            for (Cursor<ArrangementKey, byte[]> c = right.cursor(k, ArrangementKey.last(k.joinKey), false);
                    c.hasNext() && oldCount < needed;
                    c.next()) {
                oldCount++;
            }
        }
        boolean oldHas = oldCount > 0;
        boolean newHas = oldCount + net > 0;
        if (oldHas == newHas) {
            if (!oldHas) {
                for (Weighted a : da) {
                    out.add(pad(a.row), a.weight, new Source(leftTable, a.rowId, null, 0));
                }
            }
            return;
        }
        long w = newHas ? -1 : 1; // the old left rows lose their padding, or gain it
        for (Stored a : storedLeft) {
            out.add(pad(RowBytesType.decode(a.row)), w, new Source(leftTable, a.rowId, null, 0));
        }
        if (!newHas) {
            for (Weighted a : da) {
                out.add(pad(a.row), a.weight, new Source(leftTable, a.rowId, null, 0));
            }
        }
    }

    /** The first arrangement key of a row's join value; null for a NULL value. */
    private ArrangementKey key(Delta d, Tuple row, int col) {
        if (col >= row.size()) {
            throw new ViewException("view '" + view + "' joins on column " + col + " but row " + d.rowId()
                    + " of table '" + d.table() + "' has " + row.size() + " columns: " + row);
        }
        Object v = row.get(col);
        return v == null ? null : ArrangementKey.first(ArrangementKey.encode(v));
    }

    private static Tuple concat(Tuple a, Tuple b) {
        Object[] v = new Object[a.size() + b.size()];
        for (int i = 0; i < a.size(); i++) {
            v[i] = a.get(i);
        }
        for (int i = 0; i < b.size(); i++) {
            v[a.size() + i] = b.get(i);
        }
        return Tuple.of(v);
    }

    private static Tuple concat(Tuple a, Object[] b) {
        Object[] v = new Object[a.size() + b.length];
        for (int i = 0; i < a.size(); i++) {
            v[i] = a.get(i);
        }
        System.arraycopy(b, 0, v, a.size(), b.length);
        return Tuple.of(v);
    }

    private static Tuple concat(Object[] a, Tuple b) {
        Object[] v = new Object[a.length + b.size()];
        System.arraycopy(a, 0, v, 0, a.length);
        for (int i = 0; i < b.size(); i++) {
            v[a.length + i] = b.get(i);
        }
        return Tuple.of(v);
    }

    private Tuple pad(Tuple a) {
        return concat(a, new Object[join.rightWidth()]);
    }

    private Tuple pad(Object[] a) {
        Object[] v = new Object[a.length + join.rightWidth()];
        System.arraycopy(a, 0, v, 0, a.length);
        return Tuple.of(v);
    }

    /**
     * Stages one side's index changes: the before image's entry goes, the after image's comes. An entry a change
     * removes must be in the index; that is checked by the write itself ({@link MapSink#change}), not by a lookup
     * here.
     */
    private void stage(
            List<Weighted> rows,
            Map<ArrangementKey, byte[]> writes,
            Map<ArrangementKey, String> mustExist,
            String table) {
        for (Weighted w : rows) {
            if (w.key == null) {
                continue;
            }
            ArrangementKey k = new ArrangementKey(w.key.joinKey, w.rowId);
            if (w.weight < 0) {
                if (!writes.containsKey(k)) {
                    if (fromEmpty) {
                        throw neverHeld(w.rowId, table);
                    }
                    mustExist.put(k, table);
                }
                writes.put(k, null);
            } else {
                writes.put(k, RowBytesType.encode(w.row));
            }
        }
    }

    private ViewException neverHeld(long rowId, String table) {
        return new ViewException("view '" + view + "': a change removes row " + rowId + " of table '" + table
                + "' that the view never held; its base rows were incomplete -- rebuild it");
    }

    /** Hands the staged index changes to a sink. */
    void writeTo(MapSink sink) {
        writeTo(sink, left, leftWrites, leftMustExist);
        writeTo(sink, right, rightWrites, rightMustExist);
    }

    private void writeTo(
            MapSink sink,
            MVMap<ArrangementKey, byte[]> map,
            Map<ArrangementKey, byte[]> writes,
            Map<ArrangementKey, String> mustExist) {
        // In key order, so that neighbouring index rows share their leaf's read and copy.
        List<ArrangementKey> sorted = sorted(writes.keySet());
        for (ArrangementKey k : sorted) {
            byte[] row = writes.get(k);
            String table = mustExist.get(k);
            if (table != null) {
                sink.change(map, k, row, () -> neverHeld(k.rowId, table));
            } else if (row == null) {
                sink.remove(map, k);
            } else {
                sink.put(map, k, row);
            }
        }
    }
}
