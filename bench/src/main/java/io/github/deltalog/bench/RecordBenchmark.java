package io.github.deltalog.bench;

import io.github.deltalog.DeltaLog;
import io.github.deltalog.DeltaOp;
import io.github.deltalog.DeltaTransaction;
import io.github.deltalog.Durability;
import io.github.deltalog.bench.peers.Peer;
import io.github.deltalog.bench.peers.Peers;
import io.github.deltalog.store.DeltaCodec;
import io.github.deltalog.store.DeltaKey;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Recording throughput: one operation is one committed transaction of {@code txSize} deltas; the secondary
 * result {@code deltas} is the same figure in deltas per second (DESIGN §9, first target), and {@code
 * processCpuNanos} the CPU time of the whole JVM per second ({@link ProcessCpuTime}; per delta: divide by {@code
 * deltas}), which compares the implementations on a loaded machine where throughput cannot.
 *
 * <ul>
 *   <li>{@code DELTALOG}: the real file-backed log with {@link Durability#COMMIT}: {@code begin()}, one
 *       insert/update/delete per change (encoded there), {@code commit()}; its background checkpoints (a store
 *       commit each) run every {@value #CHECKPOINT_MILLIS} ms ({@code checkpointInterval}, set here; the
 *       builder's default is 1 s) or after 64 MB of journal, inside the timed code.
 *   <li>{@code MVSTORE_RAW_PUTS}: the floor. A raw file-backed MVStore configured as deltalog's (auto-commit
 *       and its buffer disabled, 16 MB cache) and an {@code MVMap<DeltaKey, byte[]>} with deltalog's key type,
 *       putting the same deltas' bytes encoded before the timed code. It commits the store inside the timed
 *       code at deltalog's checkpoint cadence: the first transaction that ends {@value #CHECKPOINT_MILLIS} ms
 *       or more after the last store commit commits it, on the benchmark thread (deltalog's checkpoint runs on
 *       its own thread). Nothing is committed between iterations, so every iteration pays the store writes of
 *       the deltas it put, as deltalog's do.
 *   <li>{@code MVSTORE_PUTS_JOURNAL_WRITE}: the floor of deltalog's design at {@code COMMIT} durability: the
 *       floor's puts plus, per transaction, one {@code write} system call appending a record of the
 *       transaction's keys and values (prepared before the timed code) to a file beside the store, as deltalog's
 *       journal does so that a commit survives a process kill; the file is cut back to empty at each store
 *       commit, as deltalog's checkpoint starts a new journal.
 *   <li>{@code MVSTORE_COMMIT_PER_TX}: the same puts plus {@code store.commit()} per transaction, the
 *       design's 185 k deltas/s reference.
 *   <li>{@code SQLITE}, {@code H2}, {@code SEED_ROCKSDB}: the peers ({@link Peers}): one JDBC transaction of
 *       prepared base-table statements whose triggers write the changelog; the seed's three RocksDB puts per
 *       change.
 * </ul>
 *
 * <p>The changes come from {@link Workload} (4 tables, Zipf-skewed rows), generated in setup and replayed
 * in a loop, with row ids shifted on each pass so that every row's history stays valid. Each trial writes a
 * fresh file in a fresh folder, deleted afterwards.
 *
 * <p>Each case runs 3 warm-up and 10 measured iterations of 2 s (about 8 checkpoints or store commits per
 * iteration), so its median is taken over 10 iterations that each hold several checkpoints.
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar RecordBenchmark -rf json -rff bench/record.json}
 * (add {@code -p txSize=100} for the design's target size).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms1g", "-Xmx4g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 10, time = 2)
public class RecordBenchmark {
    /** The benchmarked log's checkpoint interval, and the floor's store commit cadence, in milliseconds. */
    static final long CHECKPOINT_MILLIS = 250;

    private static final long CHECKPOINT_NANOS = TimeUnit.MILLISECONDS.toNanos(CHECKPOINT_MILLIS);

    private static final int TABLES = 4;
    private static final int ROWS_PER_TABLE = 100_000;
    /** Row ids of one replay pass stay below this; each pass shifts them by it. */
    private static final long ROW_SPACE = 1L << 20;

    /** The implementations under test. */
    public enum Impl {
        DELTALOG,
        MVSTORE_RAW_PUTS,
        /** The raw puts plus one journal write per transaction. */
        MVSTORE_PUTS_JOURNAL_WRITE,
        MVSTORE_COMMIT_PER_TX,
        /** Peer: SQLite, trigger changelog, WAL, {@code synchronous=NORMAL}. */
        SQLITE,
        /** Peer: H2 embedded, trigger changelog. */
        H2,
        /** Peer: the seed's algorithm on RocksDB. */
        SEED_ROCKSDB
    }

    /** Deltas per transaction. */
    @Param({"1", "100", "10000"})
    public int txSize;

    /** The implementation. */
    @Param
    public Impl impl;

    /** How many deltas are generated before the run and replayed. */
    @Param("200000")
    public int workloadDeltas;

    private Path folder;
    private Recorder recorder;
    private List<Workload.Transaction> transactions;
    private int next;
    private long rowShift;

    /** Generates the workload and opens a fresh file. */
    @Setup(Level.Trial)
    public void setUp() {
        Workload workload = new Workload(7, TABLES, ROWS_PER_TABLE);
        transactions = workload.transactions(txSize, workloadDeltas);
        folder = BenchFiles.freshFolder("record-");
        Path file = folder.resolve("log.db");
        recorder = switch (impl) {
            case DELTALOG -> new LogRecorder(file, workload.tables());
            case MVSTORE_RAW_PUTS -> new MapRecorder(file, transactions, false, false);
            case MVSTORE_PUTS_JOURNAL_WRITE -> new MapRecorder(file, transactions, false, true);
            case MVSTORE_COMMIT_PER_TX -> new MapRecorder(file, transactions, true, false);
            case SQLITE -> new PeerRecorder(Peers.open(Peers.Kind.SQLITE, folder, workload.schemas()));
            case H2 -> new PeerRecorder(Peers.open(Peers.Kind.H2, folder, workload.schemas()));
            case SEED_ROCKSDB -> new PeerRecorder(Peers.open(Peers.Kind.SEED_ROCKSDB, folder, workload.schemas()));
        };
    }

    /** Closes and deletes the file. */
    @TearDown(Level.Trial)
    public void tearDown() {
        recorder.close();
        BenchFiles.deleteRecursively(folder);
    }

    /**
     * Records one transaction.
     *
     * @param counter counts the deltas
     * @param cpu the JVM's CPU time
     * @return the commit timestamp
     */
    @Benchmark
    public long record(DeltaCounter counter, ProcessCpuTime cpu) {
        int index = next;
        Workload.Transaction tx = transactions.get(index);
        long shift = rowShift;
        if (index + 1 == transactions.size()) {
            next = 0;
            rowShift += ROW_SPACE;
        } else {
            next = index + 1;
        }
        counter.deltas += tx.size();
        long ts = recorder.record(tx, index, shift);
        cpu.sample();
        return ts;
    }

    /** One implementation under test. */
    private interface Recorder {
        long record(Workload.Transaction tx, int index, long rowShift);

        void close();
    }

    /** The real log. */
    private static final class LogRecorder implements Recorder {
        private final DeltaLog log;

        LogRecorder(Path file, List<String> tables) {
            log = DeltaLog.builder()
                    .path(file)
                    .durability(Durability.COMMIT)
                    .checkpointInterval(Duration.ofMillis(CHECKPOINT_MILLIS))
                    .open();
            tables.forEach(log::track);
        }

        @Override
        public long record(Workload.Transaction tx, int index, long rowShift) {
            String[] tables = tx.tables();
            long[] rowIds = tx.rowIds();
            DeltaOp[] ops = tx.ops();
            try (DeltaTransaction t = log.begin()) {
                for (int i = 0; i < ops.length; i++) {
                    DeltaOp op = ops[i];
                    long rowId = rowIds[i] + rowShift;
                    if (op instanceof DeltaOp.Update u) {
                        t.update(tables[i], rowId, u.before(), u.after());
                    } else if (op instanceof DeltaOp.Insert ins) {
                        t.insert(tables[i], rowId, ins.after());
                    } else {
                        t.delete(tables[i], rowId, op.before());
                    }
                }
                return t.commit();
            }
        }

        @Override
        public void close() {
            log.close();
        }
    }

    /** A peer (see {@link Peers}); it converts the values inside the timed code, as deltalog encodes them. */
    private record PeerRecorder(Peer peer) implements Recorder {
        @Override
        public long record(Workload.Transaction tx, int index, long rowShift) {
            return peer.record(tx, rowShift);
        }

        @Override
        public void close() {
            peer.close();
        }
    }

    /**
     * The floors: raw MVStore puts of pre-encoded bytes, with a store commit per transaction or every
     * {@link #CHECKPOINT_MILLIS}, and optionally one journal write per transaction.
     */
    private static final class MapRecorder implements Recorder {
        private final MVStore store;
        private final MVMap<DeltaKey, byte[]> map;
        private final boolean commitPerTx;
        private final int[][] tableIds;
        private final byte[][][] encoded;
        /** Per transaction, the bytes appended to {@link #journal}; null without a journal. */
        private final byte[][] records;

        private final RandomAccessFile journal;
        private long timestamp = System.currentTimeMillis() * 1000;
        private long lastCommitNanos = System.nanoTime();

        MapRecorder(Path file, List<Workload.Transaction> transactions, boolean commitPerTx, boolean journaled) {
            this.store = new MVStore.Builder()
                    .fileName(file.toString())
                    .cacheSize(16)
                    .autoCommitDisabled()
                    .autoCommitBufferSize(0)
                    .open();
            this.map = BenchFiles.deltasMap(store);
            this.commitPerTx = commitPerTx;
            this.tableIds = new int[transactions.size()][];
            this.encoded = new byte[transactions.size()][][];
            for (int t = 0; t < transactions.size(); t++) {
                Workload.Transaction tx = transactions.get(t);
                tableIds[t] = new int[tx.size()];
                encoded[t] = new byte[tx.size()][];
                for (int i = 0; i < tx.size(); i++) {
                    tableIds[t][i] = Integer.parseInt(tx.tables()[i].substring(1)) + 1;
                    encoded[t][i] = DeltaCodec.encode(tx.tables()[i], tx.rowIds()[i], tx.ops()[i]);
                }
            }
            records = journaled ? journalRecords(tableIds, encoded) : null;
            try {
                journal = journaled
                        ? new RandomAccessFile(file.resolveSibling("journal").toFile(), "rw")
                        : null;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Per transaction: a length, then per delta its table id, row id, value length and value. */
        private static byte[][] journalRecords(int[][] tableIds, byte[][][] encoded) {
            byte[][] records = new byte[encoded.length][];
            for (int t = 0; t < encoded.length; t++) {
                int length = 12;
                for (byte[] value : encoded[t]) {
                    length += 16 + value.length;
                }
                ByteBuffer record = ByteBuffer.allocate(length);
                record.putInt(length).putLong(t);
                for (int i = 0; i < encoded[t].length; i++) {
                    record.putInt(tableIds[t][i])
                            .putLong(i)
                            .putInt(encoded[t][i].length)
                            .put(encoded[t][i]);
                }
                records[t] = record.array();
            }
            return records;
        }

        @Override
        public long record(Workload.Transaction tx, int index, long rowShift) {
            long ts = ++timestamp;
            int[] ids = tableIds[index];
            byte[][] values = encoded[index];
            long[] rowIds = tx.rowIds();
            for (int i = 0; i < values.length; i++) {
                map.put(new DeltaKey(ids[i], ts, rowIds[i] + rowShift), values[i]);
            }
            try {
                if (journal != null) {
                    journal.write(records[index]);
                }
                if (commitPerTx) {
                    store.commit();
                } else {
                    long now = System.nanoTime();
                    if (now - lastCommitNanos >= CHECKPOINT_NANOS) {
                        store.commit();
                        lastCommitNanos = now;
                        if (journal != null) {
                            journal.setLength(0);
                            journal.seek(0);
                        }
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return ts;
        }

        @Override
        public void close() {
            store.close();
            if (journal != null) {
                try {
                    journal.close();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
    }
}
