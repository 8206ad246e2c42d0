package io.github.deltalog.bench;

import io.github.deltalog.DeltaOp;
import io.github.deltalog.Tuple;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * A seeded generator of realistic change streams, shared by the benchmarks so that every implementation
 * records and reads the same deltas.
 *
 * <p>Each table has 3 to 6 columns: a {@code Long} id first, then a seeded mix of {@code Integer}, {@code Long},
 * {@code String}, {@code BigDecimal}, {@code Instant}, {@code Boolean}, {@code Double}, {@code LocalDate} and
 * {@code UUID} columns (non-id values are null 5% of the time). Rows are picked with a Zipf-like skew (a few hot
 * rows take most changes), and each row's changes are valid in order: an absent row is inserted, a present row
 * is updated (90%, one or two columns change) or deleted (10%). A transaction touches each row at most once,
 * so it records exactly as many deltas as it holds changes.
 *
 * <p>Generation is meant for setup code: build the transactions once, outside the timed code, and replay
 * them. Same seed, same stream. Not thread-safe.
 */
public final class Workload {
    /** Zipf exponent of the row popularity. */
    private static final double SKEW = 0.99;
    /** The most tables one generator makes. */
    public static final int MAX_TABLES = 64;
    /** Share of the changes to a present row that delete it. */
    private static final double DELETE_SHARE = 0.1;

    private enum ColumnType {
        INTEGER(Integer.class),
        LONG(Long.class),
        STRING(String.class),
        DECIMAL(BigDecimal.class),
        INSTANT(Instant.class),
        BOOLEAN(Boolean.class),
        DOUBLE(Double.class),
        DATE(LocalDate.class),
        UUID(java.util.UUID.class);

        final Class<?> javaType;

        ColumnType(Class<?> javaType) {
            this.javaType = javaType;
        }
    }

    /**
     * One transaction's changes, in the order they were made; rows are distinct per table.
     *
     * @param tables the table of each change
     * @param rowIds the row of each change
     * @param ops the change itself
     */
    public record Transaction(String[] tables, long[] rowIds, DeltaOp[] ops) {
        /** Returns the number of changes (and of recorded deltas). */
        public int size() {
            return ops.length;
        }
    }

    private final SplittableRandom random;
    private final String[] tableNames;
    private final ColumnType[][] schemas;
    private final long[][] rowIdOfRank;
    private final double[] cumulative;
    private final List<Map<Long, Tuple>> current = new ArrayList<>();

    /**
     * Creates a generator.
     *
     * @param seed the seed; the same seed gives the same stream
     * @param tables how many tables, named {@code t0}, {@code t1}, ...
     * @param rowsPerTable how many distinct rows each table's changes are spread over (the Zipf domain)
     */
    public Workload(long seed, int tables, int rowsPerTable) {
        if (tables < 1 || tables > MAX_TABLES || rowsPerTable < 1) {
            throw new IllegalArgumentException("need 1 to " + MAX_TABLES + " tables and at least one row, got " + tables
                    + " tables of " + rowsPerTable + " rows");
        }
        this.random = new SplittableRandom(seed);
        this.tableNames = new String[tables];
        this.schemas = new ColumnType[tables][];
        this.rowIdOfRank = new long[tables][];
        ColumnType[] types = ColumnType.values();
        for (int t = 0; t < tables; t++) {
            tableNames[t] = "t" + t;
            ColumnType[] schema = new ColumnType[2 + random.nextInt(4)];
            for (int c = 0; c < schema.length; c++) {
                schema[c] = types[random.nextInt(types.length)];
            }
            schemas[t] = schema;
            rowIdOfRank[t] = shuffledIds(rowsPerTable);
            current.add(new HashMap<>());
        }
        this.cumulative = zipf(rowsPerTable);
    }

    /** Returns the table names, {@code t0} first. */
    public List<String> tables() {
        return List.of(tableNames);
    }

    /**
     * Returns each table's column types, in table order: {@code Long} (the id) first, then the value columns. The
     * peers use it to create their base tables and to decode row images.
     *
     * @return table name to column types
     */
    public Map<String, List<Class<?>>> schemas() {
        Map<String, List<Class<?>>> map = new LinkedHashMap<>();
        for (int t = 0; t < tableNames.length; t++) {
            List<Class<?>> columns = new ArrayList<>();
            columns.add(Long.class);
            for (ColumnType type : schemas[t]) {
                columns.add(type.javaType);
            }
            map.put(tableNames[t], List.copyOf(columns));
        }
        return map;
    }

    /**
     * Generates the next transaction.
     *
     * @param size how many changes it holds, at most the rows of all tables
     * @return the transaction
     */
    public Transaction next(int size) {
        if ((long) size > (long) tableNames.length * cumulative.length) {
            throw new IllegalArgumentException("a transaction of " + size + " changes needs more distinct rows than "
                    + tableNames.length + " tables of " + cumulative.length + " rows");
        }
        String[] tables = new String[size];
        long[] rowIds = new long[size];
        DeltaOp[] ops = new DeltaOp[size];
        Set<Long> used = new HashSet<>();
        for (int i = 0; i < size; i++) {
            int t = random.nextInt(tableNames.length);
            long rowId = pickRow(t, used);
            tables[i] = tableNames[t];
            rowIds[i] = rowId;
            ops[i] = change(t, rowId);
        }
        return new Transaction(tables, rowIds, ops);
    }

    /**
     * Generates transactions of one size until they hold at least a number of changes.
     *
     * @param size changes per transaction
     * @param atLeast how many changes in all
     * @return the transactions, in order
     */
    public List<Transaction> transactions(int size, long atLeast) {
        List<Transaction> list = new ArrayList<>();
        for (long n = 0; n < atLeast; n += size) {
            list.add(next(size));
        }
        return list;
    }

    private long pickRow(int t, Set<Long> used) {
        long[] ids = rowIdOfRank[t];
        for (int attempt = 0; ; attempt++) {
            int rank = attempt < 8 ? zipfRank() : random.nextInt(ids.length);
            long rowId = ids[rank];
            // Rows are distinct per (table, row); key the set by both.
            if (used.add(rowId * MAX_TABLES + t)) {
                return rowId;
            }
        }
    }

    private int zipfRank() {
        int i = Arrays.binarySearch(cumulative, random.nextDouble());
        return Math.min(i >= 0 ? i : -i - 1, cumulative.length - 1);
    }

    private DeltaOp change(int t, long rowId) {
        Map<Long, Tuple> rows = current.get(t);
        Tuple before = rows.get(rowId);
        if (before == null) {
            Tuple after = newRow(t, rowId);
            rows.put(rowId, after);
            return new DeltaOp.Insert(after);
        }
        if (random.nextDouble() < DELETE_SHARE) {
            rows.remove(rowId);
            return new DeltaOp.Delete(before);
        }
        Tuple after = changed(t, before);
        rows.put(rowId, after);
        return new DeltaOp.Update(before, after);
    }

    private Tuple newRow(int t, long rowId) {
        ColumnType[] schema = schemas[t];
        Object[] values = new Object[schema.length + 1];
        values[0] = rowId;
        for (int c = 0; c < schema.length; c++) {
            values[c + 1] = random.nextInt(20) == 0 ? null : value(schema[c]);
        }
        return Tuple.of(values);
    }

    private Tuple changed(int t, Tuple before) {
        ColumnType[] schema = schemas[t];
        Object[] values = before.values().toArray();
        int changes = 1 + random.nextInt(2);
        for (int k = 0; k < changes; k++) {
            int c = random.nextInt(schema.length);
            Object old = values[c + 1];
            Object v = value(schema[c]);
            for (int attempt = 0; v.equals(old) && attempt < 8; attempt++) {
                v = value(schema[c]);
            }
            values[c + 1] = v;
        }
        Tuple after = Tuple.of(values);
        if (after.equals(before)) {
            // Every column type has more than one value, so one more change always differs.
            values[values.length - 1] = values[values.length - 1] == null ? value(schema[schema.length - 1]) : null;
            after = Tuple.of(values);
        }
        return after;
    }

    private Object value(ColumnType type) {
        return switch (type) {
            case INTEGER -> random.nextInt(1_000_000);
            case LONG -> random.nextLong(1L << 40);
            case STRING -> text(4 + random.nextInt(24));
            case DECIMAL -> BigDecimal.valueOf(random.nextLong(10_000_000), 2);
            case INSTANT -> Instant.ofEpochSecond(
                    1_600_000_000L + random.nextLong(200_000_000L), random.nextInt(1000) * 1_000_000);
            case BOOLEAN -> random.nextBoolean();
            case DOUBLE -> random.nextDouble() * 1000;
            case DATE -> LocalDate.ofEpochDay(18_000 + random.nextInt(3000));
            case UUID -> new UUID(random.nextLong(), random.nextLong());
        };
    }

    private String text(int length) {
        char[] chars = new char[length];
        for (int i = 0; i < length; i++) {
            chars[i] = (char) ('a' + random.nextInt(26));
        }
        return new String(chars);
    }

    private long[] shuffledIds(int n) {
        long[] ids = new long[n];
        for (int i = 0; i < n; i++) {
            ids[i] = i + 1;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            long tmp = ids[i];
            ids[i] = ids[j];
            ids[j] = tmp;
        }
        return ids;
    }

    private static double[] zipf(int n) {
        double[] cdf = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += 1.0 / Math.pow(i + 1, SKEW);
            cdf[i] = sum;
        }
        for (int i = 0; i < n; i++) {
            cdf[i] /= sum;
        }
        return cdf;
    }
}
