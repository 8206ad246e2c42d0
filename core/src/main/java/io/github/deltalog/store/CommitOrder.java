package io.github.deltalog.store;

import io.github.deltalog.DeltaOp;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.h2.mvstore.Cursor;
import org.h2.mvstore.MVMap;

/**
 * The deltas of several tables of a deltas map in commit order: one cursor per table (each in commit timestamp
 * order), merged by commit timestamp. O(tables) per delta; decodes (and so checks) each delta it returns.
 */
final class CommitOrder implements Iterator<StoreScan.Found> {
    private final List<Cursor<DeltaKey, byte[]>> cursors = new ArrayList<>();
    private final Map<Integer, String> names;
    private final String file;
    private final DeltaKey[] heads;
    private final byte[][] values;

    /**
     * Starts the walk.
     *
     * @param deltas the map
     * @param names the tables to walk, by id
     * @param file the file, for messages
     */
    CommitOrder(MVMap<DeltaKey, byte[]> deltas, Map<Integer, String> names, String file) {
        this.names = names;
        this.file = file;
        for (int id : names.keySet()) {
            cursors.add(deltas.cursor(DeltaKey.first(id, Long.MIN_VALUE), DeltaKey.last(id, Long.MAX_VALUE), false));
        }
        heads = new DeltaKey[cursors.size()];
        values = new byte[cursors.size()][];
        for (int i = 0; i < heads.length; i++) {
            advance(i);
        }
    }

    private void advance(int i) {
        Cursor<DeltaKey, byte[]> c = cursors.get(i);
        heads[i] = c.hasNext() ? c.next() : null;
        values[i] = heads[i] == null ? null : c.getValue();
    }

    @Override
    public boolean hasNext() {
        for (DeltaKey h : heads) {
            if (h != null) {
                return true;
            }
        }
        return false;
    }

    @Override
    public StoreScan.Found next() {
        int best = -1;
        for (int i = 0; i < heads.length; i++) {
            if (heads[i] != null && (best < 0 || heads[i].commitTimestamp() < heads[best].commitTimestamp())) {
                best = i;
            }
        }
        if (best < 0) {
            throw new NoSuchElementException();
        }
        DeltaKey k = heads[best];
        String table = names.get(k.tableId());
        DeltaOp op = DeltaCodec.decode(k, values[best], table, file);
        advance(best);
        return new StoreScan.Found(table, k.tableId(), k.commitTimestamp(), k.rowId(), op);
    }
}
