package io.github.deltalog.view;

import io.github.deltalog.Delta;
import io.github.deltalog.Tuple;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.h2.mvstore.Cursor;
import org.h2.mvstore.MVMap;

/**
 * The effect of one refresh on a join view, by the delta rule {@code Δ(A⋈B) = ΔA⋈B + A⋈ΔB + ΔA⋈ΔB} (A and B
 * as they were before the refresh), plus for a left join the padded rows of keys whose match changed. A and B are
 * the view's arrangements: each side's rows indexed by {@code [join key, rowId]} in the store, kept from the same
 * deltas; rows with a NULL key match nothing and are not indexed. Cost: O(Δ × matching rows) seeks and rows,
 * independent of the tables' sizes. Join keys match by {@code equals} (an Integer 1 does not match a Long 1).
 */
final class JoinChanges {
    private final String view;
    private final ViewDefinition.Join join;
    private final String leftTable;
    private final MVMap<Key, byte[]> left;
    private final MVMap<Key, byte[]> right;
    private final boolean fromEmpty;
    private final Map<Key, byte[]> leftWrites = new LinkedHashMap<>();
    private final Map<Key, byte[]> rightWrites = new LinkedHashMap<>();
    /** Index entries a change removes or replaces, which must be there (checked when the writes are applied). */
    private final Map<Key, String> leftMustExist = new HashMap<>();

    private final Map<Key, String> rightMustExist = new HashMap<>();

    JoinChanges(String view, ViewDefinition def, MVMap<Key, byte[]> left, MVMap<Key, byte[]> right, boolean fromEmpty) {
        this.view = view;
        this.join = def.join();
        this.leftTable = def.table();
        this.left = left;
        this.right = right;
        this.fromEmpty = fromEmpty;
    }

    /** A row with a weight and its join key. */
    private record Weighted(long rowId, Tuple row, long weight, Object key) {}

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
     * arrangement is read once per changed join key of the other side (one seek, then its matching rows), in key
     * order, so that neighbouring keys share their leaves while they are cached.
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
            if (d.op().before() != null) {
                into.add(weighted(d, d.op().before(), -1, col));
            }
            if (d.op().after() != null) {
                into.add(weighted(d, d.op().after(), 1, col));
            }
        }
        Map<Key, List<Weighted>> daByKey = new HashMap<>();
        for (Weighted a : da) {
            if (a.key != null) {
                daByKey.computeIfAbsent(Key.of(a.key), k -> new ArrayList<>()).add(a);
            } else if (join.outer()) {
                out.add(pad(a.row), a.weight, new Source(leftTable, a.rowId, null, 0));
            }
        }
        Map<Key, List<Weighted>> dbByKey = new HashMap<>();
        for (Weighted b : db) {
            if (b.key != null) {
                dbByKey.computeIfAbsent(Key.of(b.key), k -> new ArrayList<>()).add(b);
            }
        }
        String rightTable = join.table();
        // ΔA⋈B and ΔA⋈ΔB; counts B's stored rows per key on the way, for the padding below.
        Map<Key, Long> rightCounts = new HashMap<>();
        for (Key k : sorted(daByKey.keySet())) {
            List<Weighted> as = daByKey.get(k);
            long count = 0;
            for (Cursor<Key, byte[]> c = side(right, k); c != null && c.hasNext(); ) {
                long bRow = (Long) c.next().parts[1];
                Object[] b = RowBytesType.decode(c.getValue());
                for (Weighted a : as) {
                    out.add(concat(a.row, b), a.weight, new Source(leftTable, a.rowId, rightTable, bRow));
                }
                count++;
            }
            rightCounts.put(k, count);
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
        List<Key> bKeys = sorted(dbByKey.keySet());
        for (Key k : bKeys) {
            List<Weighted> bs = dbByKey.get(k);
            for (Cursor<Key, byte[]> c = side(left, k); c != null && c.hasNext(); ) {
                long aRow = (Long) c.next().parts[1];
                Object[] a = RowBytesType.decode(c.getValue());
                for (Weighted b : bs) {
                    out.add(concat(a, b.row), b.weight, new Source(leftTable, aRow, rightTable, b.rowId));
                }
            }
        }
        if (join.outer()) {
            for (Map.Entry<Key, List<Weighted>> e : daByKey.entrySet()) {
                if (!dbByKey.containsKey(e.getKey()) && rightCounts.get(e.getKey()) == 0) {
                    for (Weighted a : e.getValue()) { // no match before or after
                        out.add(pad(a.row), a.weight, new Source(leftTable, a.rowId, null, 0));
                    }
                }
            }
            for (Key k : bKeys) {
                padChanges(k, daByKey.getOrDefault(k, List.of()), dbByKey.get(k), rightCounts.get(k), out);
            }
        }
        stage(da, leftWrites, leftMustExist, leftTable);
        stage(db, rightWrites, rightMustExist, rightTable);
    }

    private static List<Key> sorted(java.util.Set<Key> keys) {
        List<Key> l = new ArrayList<>(keys);
        Collections.sort(l);
        return l;
    }

    /**
     * The padded (unmatched) left rows of a join key whose right rows changed: what changes when the key gains or
     * loses its matches.
     *
     * @param storedRight how many right rows the key had before, if counted already
     */
    private void padChanges(Key k, List<Weighted> da, List<Weighted> db, Long storedRight, GroupChanges out) {
        long net = 0;
        for (Weighted b : db) {
            net += b.weight;
        }
        long oldCount = 0;
        if (storedRight != null) {
            oldCount = storedRight;
        } else {
            long needed = net < 0 ? -net + 1 : 1;
            for (Cursor<Key, byte[]> c = side(right, k); c != null && c.hasNext() && oldCount < needed; c.next()) {
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
        for (Cursor<Key, byte[]> c = side(left, k); c != null && c.hasNext(); ) {
            long aRow = (Long) c.next().parts[1];
            out.add(pad(RowBytesType.decode(c.getValue())), w, new Source(leftTable, aRow, null, 0));
        }
        if (!newHas) {
            for (Weighted a : da) {
                out.add(pad(a.row), a.weight, new Source(leftTable, a.rowId, null, 0));
            }
        }
    }

    private Weighted weighted(Delta d, Tuple row, long weight, int col) {
        if (col >= row.size()) {
            throw new ViewException("view '" + view + "' joins on column " + col + " but row " + d.rowId()
                    + " of table '" + d.table() + "' has " + row.size() + " columns: " + row);
        }
        return new Weighted(d.rowId(), row, weight, row.get(col));
    }

    /**
     * The stored rows of one side with a join key ([key, rowId] → row), as they were before this refresh; null
     * when building from empty (the stored state is ignored).
     */
    private Cursor<Key, byte[]> side(MVMap<Key, byte[]> map, Key key) {
        return fromEmpty ? null : map.cursor(key, Key.above(key.parts), false);
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
    private void stage(List<Weighted> rows, Map<Key, byte[]> writes, Map<Key, String> mustExist, String table) {
        for (Weighted w : rows) {
            if (w.key == null) {
                continue;
            }
            Key k = Key.of(w.key, w.rowId);
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

    private void writeTo(MapSink sink, MVMap<Key, byte[]> map, Map<Key, byte[]> writes, Map<Key, String> mustExist) {
        // In key order, so that neighbouring index rows share their leaf's read and copy.
        List<Map.Entry<Key, byte[]>> sorted = new ArrayList<>(writes.entrySet());
        sorted.sort(Map.Entry.comparingByKey());
        for (Map.Entry<Key, byte[]> e : sorted) {
            Key k = e.getKey();
            String table = mustExist.get(k);
            if (table != null) {
                long rowId = (Long) k.parts[1];
                sink.change(map, k, e.getValue(), () -> neverHeld(rowId, table));
            } else if (e.getValue() == null) {
                sink.remove(map, k);
            } else {
                sink.put(map, k, e.getValue());
            }
        }
    }
}
