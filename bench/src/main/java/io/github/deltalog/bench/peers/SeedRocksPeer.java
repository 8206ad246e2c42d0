package io.github.deltalog.bench.peers;

import io.github.deltalog.Delta;
import io.github.deltalog.DeltaOp;
import io.github.deltalog.Tuple;
import io.github.deltalog.bench.Workload;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;

/**
 * The seed's algorithm, ported faithfully to RocksDB (DESIGN §9): row values under {@code data:{table}:{id}} and
 * changes under {@code delta:{table}:{id:020}} in one shared key space, with a global delta id counter saved by
 * a second put ({@code meta:delta_counter}) after each change's put. Each change is three plain puts (row,
 * delta, counter; default write options: WAL, no sync), as the seed writes them. The value of a change is a
 * JSON object holding its wall-clock timestamp (microseconds; one per transaction, strictly increasing), row
 * id, kind and row images. Reading changes since a time iterates from the START of the key space, keeps the
 * keys with the table's {@code delta:} prefix, decodes each value and keeps those with a timestamp at or after
 * the bound; counting is the same scan, counting.
 */
public final class SeedRocksPeer implements Peer {
    private static final byte[] COUNTER_KEY = bytes("meta:delta_counter");
    private static final long MICROS_PER_MILLI = 1000;

    static {
        RocksDB.loadLibrary();
    }

    private final Options options;
    private final RocksDB db;
    private final Map<String, List<Class<?>>> schemas;
    private long nextDeltaId;
    private long clock;

    /**
     * Opens (creating when absent) a seed database in a folder.
     *
     * @param folder the RocksDB folder
     * @param schemas the workload's tables and their column types
     * @return the peer
     */
    public static SeedRocksPeer open(Path folder, Map<String, List<Class<?>>> schemas) {
        return new SeedRocksPeer(folder, schemas);
    }

    private SeedRocksPeer(Path folder, Map<String, List<Class<?>>> schemas) {
        this.schemas = schemas;
        this.options = new Options().setCreateIfMissing(true);
        try {
            this.db = RocksDB.open(options, folder.toString());
            byte[] counter = db.get(COUNTER_KEY);
            nextDeltaId = counter == null ? 0 : Long.parseLong(new String(counter, StandardCharsets.UTF_8));
        } catch (RocksDBException e) {
            options.close();
            throw new IllegalStateException("cannot open the seed's RocksDB in " + folder, e);
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public long record(Workload.Transaction tx, long rowShift) {
        long ts = Math.max(clock + 1, System.currentTimeMillis() * MICROS_PER_MILLI);
        clock = ts;
        String[] tables = tx.tables();
        long[] rowIds = tx.rowIds();
        DeltaOp[] ops = tx.ops();
        try {
            for (int i = 0; i < ops.length; i++) {
                String table = tables[i];
                long rowId = rowIds[i] + rowShift;
                DeltaOp op = ops[i];
                byte[] dataKey = bytes("data:" + table + ":" + rowId);
                if (op instanceof DeltaOp.Delete) {
                    db.delete(dataKey);
                } else {
                    db.put(dataKey, bytes(PeerValues.json(op.after())));
                }
                long id = ++nextDeltaId;
                db.put(bytes(String.format("delta:%s:%020d", table, id)), bytes(value(ts, rowId, op)));
                db.put(COUNTER_KEY, bytes(Long.toString(id)));
            }
        } catch (RocksDBException e) {
            throw new IllegalStateException("seed peer: cannot record a transaction", e);
        }
        return ts;
    }

    private static String value(long ts, long rowId, DeltaOp op) {
        StringBuilder sb = new StringBuilder(128);
        sb.append("{\"timestamp\":")
                .append(ts)
                .append(",\"row_id\":")
                .append(rowId)
                .append(",\"op\":\"");
        sb.append(op instanceof DeltaOp.Insert ? 'I' : op instanceof DeltaOp.Update ? 'U' : 'D');
        sb.append("\",\"before\":").append(op.before() == null ? "null" : PeerValues.json(op.before()));
        sb.append(",\"after\":").append(op.after() == null ? "null" : PeerValues.json(op.after()));
        return sb.append('}').toString();
    }

    @Override
    public long afterLast(String table, long range) {
        List<Long> stamps = new ArrayList<>();
        scanFromStart(table, Long.MIN_VALUE, (ts, v) -> stamps.add(ts));
        if (range >= stamps.size()) {
            return 0;
        }
        return stamps.get(stamps.size() - (int) range - 1);
    }

    @Override
    public long scan(String table, long after, Consumer<? super Delta> sink) {
        List<Class<?>> types = schemas.get(table);
        return scanFromStart(table, after + 1, (ts, v) -> {
            Tuple before = v.get("before") == null ? null : PeerValues.tuple((List<?>) v.get("before"), types);
            Tuple after2 = v.get("after") == null ? null : PeerValues.tuple((List<?>) v.get("after"), types);
            long rowId = (Long) v.get("row_id");
            sink.accept(new Delta(table, rowId, ts, SqlChangelogPeer.op((String) v.get("op"), before, after2)));
        });
    }

    @Override
    public long count(String table, long after) {
        return scanFromStart(table, after + 1, (ts, v) -> {});
    }

    private interface Match {
        void accept(long timestamp, Map<?, ?> value);
    }

    /** The seed's read: every key from the first, filtered by prefix, every change value decoded. */
    private long scanFromStart(String table, long since, Match match) {
        byte[] prefix = bytes("delta:" + table + ":");
        long n = 0;
        try (RocksIterator it = db.newIterator()) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                if (!startsWith(it.key(), prefix)) {
                    continue;
                }
                Map<?, ?> v = (Map<?, ?>) MiniJson.parse(new String(it.value(), StandardCharsets.UTF_8));
                long ts = (Long) v.get("timestamp");
                if (ts >= since) {
                    match.accept(ts, v);
                    n++;
                }
            }
        }
        return n;
    }

    private static boolean startsWith(byte[] key, byte[] prefix) {
        if (key.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (key[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() {
        db.close();
        options.close();
    }
}
