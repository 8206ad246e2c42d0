package io.github.deltalog;

/**
 * Names the tuples a cursor returns: each delta's tuples get the schema version they were written under, or are
 * upcast to the version current when the cursor opened ({@link ReadAs}). One per cursor (not thread-safe). A run
 * of deltas under one version costs a range compare per delta and one tuple wrapper per image (no copy of the
 * values); an upcast builds the current version's values from a column mapping made once per old version.
 */
final class SchemaPresenter {
    private final TableSchema[] versions;
    private final TableSchema current;
    private final boolean upcast;
    /** The mapping of each version to the current one, made when first needed. */
    private final Upcast[] upcasts;
    /** The index of the version of the last delta, and the range of timestamps it covers. */
    private int last = -1;

    private long from = Long.MAX_VALUE;
    private long until = Long.MIN_VALUE;

    SchemaPresenter(TableSchema[] versions, boolean upcast) {
        this.versions = versions;
        this.current = versions[versions.length - 1];
        this.upcast = upcast;
        this.upcasts = new Upcast[versions.length];
    }

    /** Returns the last version with {@code since <= ts}, or null if ts is before the first. O(log versions). */
    static TableSchema floor(TableSchema[] versions, long ts) {
        int i = floorIndex(versions, ts);
        return i < 0 ? null : versions[i];
    }

    private static int floorIndex(TableSchema[] versions, long ts) {
        int lo = 0;
        int hi = versions.length - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (versions[mid].since() <= ts) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }

    /**
     * Returns the version a delta committed at a timestamp was written under, or null before the first. O(1) for
     * a run of deltas under one version, O(log versions) when the version changes.
     */
    TableSchema written(long ts) {
        if (ts < from || ts >= until) {
            last = floorIndex(versions, ts);
            from = last < 0 ? Long.MIN_VALUE : versions[last].since();
            until = last + 1 < versions.length ? versions[last + 1].since() : Long.MAX_VALUE;
        }
        return last < 0 ? null : versions[last];
    }

    /**
     * Returns a delta whose tuples were named by {@link #written} as asked: as it is, or upcast to the current
     * version when it was written under an older one.
     */
    Delta present(Delta d) {
        if (!upcast) {
            return d;
        }
        TableSchema w = written(d.commitTimestamp());
        if (w == null || w == current) {
            return d;
        }
        Upcast u = upcasts[last];
        if (u == null) {
            u = new Upcast(w, current);
            upcasts[last] = u;
        }
        DeltaOp op = d.op();
        DeltaOp named;
        if (op instanceof DeltaOp.Insert i) {
            named = new DeltaOp.Insert(u.apply(i.after()));
        } else if (op instanceof DeltaOp.Update up) {
            named = new DeltaOp.Update(u.apply(up.before()), u.apply(up.after()));
        } else {
            named = new DeltaOp.Delete(u.apply(((DeltaOp.Delete) op).before()));
        }
        return new Delta(d.table(), d.rowId(), d.commitTimestamp(), named);
    }

    /** Maps the columns of an old version to the current one by their stable ids. */
    private static final class Upcast {
        private final TableSchema to;
        /** For each current column, its index in the old version, or -1 (added since: the default). */
        private final int[] source;
        /** For each current column, its type in the old version where it was narrower, else null. */
        private final ColumnType[] narrower;

        Upcast(TableSchema from, TableSchema to) {
            this.to = to;
            int n = to.columns().size();
            source = new int[n];
            narrower = new ColumnType[n];
            for (int i = 0; i < n; i++) {
                source[i] = -1;
                for (int j = 0; j < from.columns().size(); j++) {
                    if (from.columnId(j) == to.columnId(i)) {
                        source[i] = j;
                        ColumnType old = from.columns().get(j).type();
                        narrower[i] = old == to.columns().get(i).type() ? null : old;
                    }
                }
            }
        }

        Tuple apply(Tuple t) {
            Object[] values = new Object[source.length];
            for (int i = 0; i < source.length; i++) {
                int j = source[i];
                if (j < 0) {
                    Object d = to.defaultValue(i);
                    values[i] = d instanceof byte[] b ? b.clone() : d;
                } else {
                    Object v = t.raw(j);
                    values[i] = narrower[i] == null
                            ? v
                            : narrower[i].widen(v, to.columns().get(i).type());
                }
            }
            return Tuple.trusted(values, to);
        }
    }
}
