package io.github.deltalog.view;

import io.github.deltalog.Tuple;
import java.util.ArrayList;
import java.util.List;
import org.h2.mvstore.Cursor;
import org.h2.mvstore.MVMap;

/**
 * A view's own change stream in its {@code changes} map: key {@code [position, sequence]}, value {@code [key
 * length, key..., before length or -1, before..., after length or -1, after...]}.
 */
final class ChangeStream {
    private ChangeStream() {}

    /** Appends one refresh's changes through a sink. */
    static void append(MapSink sink, MVMap<Key, Key> map, List<ViewChange> changes) {
        long seq = 0;
        for (ViewChange c : changes) {
            List<Object> v = new ArrayList<>();
            put(v, c.key());
            put(v, c.before());
            put(v, c.after());
            sink.put(map, Key.of(c.position(), seq++), Key.of(v.toArray()));
        }
    }

    private static void put(List<Object> v, Tuple t) {
        if (t == null) {
            v.add(-1);
            return;
        }
        v.add(t.size());
        v.addAll(t.values());
    }

    /** Reads the changes of refreshes after a position. */
    static List<ViewChange> read(MVMap<Key, Key> map, long after) {
        List<ViewChange> out = new ArrayList<>();
        Cursor<Key, Key> c = map.cursor(Key.above(after), null, false);
        while (c.hasNext()) {
            Key k = c.next();
            Object[] p = c.getValue().parts;
            int[] at = {0};
            Tuple key = take(p, at);
            Tuple before = take(p, at);
            Tuple after2 = take(p, at);
            out.add(new ViewChange((Long) k.parts[0], key, before, after2));
        }
        return out;
    }

    private static Tuple take(Object[] p, int[] at) {
        int n = (Integer) p[at[0]++];
        if (n < 0) {
            return null;
        }
        Object[] v = new Object[n];
        System.arraycopy(p, at[0], v, 0, n);
        at[0] += n;
        return Tuple.of(v);
    }

    /** Removes the changes of refreshes up to a position. Under the checkpoint lock. */
    static void trim(MVMap<Key, Key> map, long upTo) {
        List<Key> doomed = new ArrayList<>();
        Cursor<Key, Key> c = map.cursor(null, Key.above(upTo), false);
        while (c.hasNext()) {
            doomed.add(c.next());
        }
        doomed.forEach(map::remove);
    }
}
