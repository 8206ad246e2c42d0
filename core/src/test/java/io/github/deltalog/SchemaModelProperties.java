package io.github.deltalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Schemas against a simple in-memory model, over seeded random histories: commits into two tables with schemas
 * (and one without), random ALTERs between them (add with a default, drop, rename, widen), misfitting records and
 * ALTERs that must be refused without a trace, a consumer that moves on, and reopens. After every step the log's
 * reads as written and upcast, its merged read, the consumer's reads under both presentations and the schema
 * history equal the model's. The model upcasts eagerly: at each ALTER it rewrites every image it holds, where the
 * log maps columns lazily by their ids. Cases: {@code -Ddeltalog.schema.cases} (20; {@code -Pstress} 2000); the
 * seed is printed on failure, replay one case with {@code -Ddeltalog.seed=N}.
 */
class SchemaModelProperties {
    private static final int CASES = Integer.getInteger("deltalog.schema.cases", 20);
    private static final List<String> TABLES = List.of("a", "b:/ü");
    private static final String PLAIN = "plain";
    private static final ColumnType[] TYPES = {
        ColumnType.SHORT, ColumnType.INT, ColumnType.LONG, ColumnType.STRING, ColumnType.DECIMAL, ColumnType.DATE
    };

    @TempDir
    Path dir;

    /** A column of the model. */
    private record Col(String name, ColumnType type, boolean nullable) {}

    /** A delta of the model: as written and as upcast to the current version (rewritten at each ALTER). */
    private static final class MDelta {
        final long rowId;
        final long ts;
        final String kind;
        final Object[][] written;
        final List<String> writtenNames;
        Object[][] current;

        MDelta(long rowId, long ts, String kind, Object[][] images, List<String> names) {
            this.rowId = rowId;
            this.ts = ts;
            this.kind = kind;
            this.written = images;
            this.writtenNames = names;
            this.current = images.clone();
        }
    }

    /** One table of the model. */
    private static final class MTable {
        final List<List<Col>> versions = new ArrayList<>();
        final List<MDelta> deltas = new ArrayList<>();
        final Map<Long, Object[]> live = new LinkedHashMap<>();
        int fresh;

        List<Col> cols() {
            return versions.get(versions.size() - 1);
        }

        List<String> names() {
            List<String> n = new ArrayList<>();
            for (Col c : cols()) {
                n.add(c.name());
            }
            return n;
        }
    }

    @Test
    void schemasMatchTheModel() throws Exception {
        Long fixed = Long.getLong("deltalog.seed");
        long base = fixed != null ? fixed : new Random().nextLong();
        int cases = fixed != null ? 1 : CASES;
        for (int i = 0; i < cases; i++) {
            long seed = base + i;
            Path file = dir.resolve("case" + i + ".deltas");
            try {
                runCase(new Random(seed), file);
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("schema model failed; reproduce with -Ddeltalog.seed=" + seed, e);
            } finally {
                Files.deleteIfExists(file);
            }
        }
    }

    private void runCase(Random rnd, Path file) {
        Map<String, MTable> model = new LinkedHashMap<>();
        long consumerAt = 0;
        List<Long> stamps = new ArrayList<>();
        DeltaLog log = DeltaLog.open(file);
        try {
            log.track(PLAIN);
            for (String t : TABLES) {
                MTable m = new MTable();
                List<Col> cols = new ArrayList<>();
                cols.add(new Col("id", ColumnType.LONG, false));
                int extra = rnd.nextInt(3);
                for (int i = 0; i < extra; i++) {
                    cols.add(new Col("k" + i, TYPES[rnd.nextInt(TYPES.length)], rnd.nextBoolean()));
                }
                TableSchema.Builder b = TableSchema.builder();
                for (Col c : cols) {
                    if (c.nullable()) {
                        b.nullableColumn(c.name(), c.type());
                    } else {
                        b.column(c.name(), c.type());
                    }
                }
                log.track(t, b.key("id").build());
                m.versions.add(cols);
                model.put(t, m);
            }
            log.consumer("c", 0L);
            int steps = 10 + rnd.nextInt(40);
            for (int step = 0; step < steps; step++) {
                int dice = rnd.nextInt(20);
                if (dice < 10) {
                    stamps.add(commit(rnd, log, model));
                } else if (dice < 14) {
                    String t = TABLES.get(rnd.nextInt(TABLES.size()));
                    alter(rnd, log, t, model.get(t));
                } else if (dice < 16) {
                    misfit(rnd, log, model);
                } else if (dice < 17 && !stamps.isEmpty()) {
                    consumerAt = Math.max(consumerAt, stamps.get(rnd.nextInt(stamps.size())));
                    log.consumer("c").advanceTo(consumerAt);
                } else if (dice < 19) {
                    log.close();
                    log = DeltaLog.open(file);
                } else {
                    log.recordInsert(PLAIN, step, Tuple.of(step, "p"));
                }
                check(log, model, consumerAt);
            }
        } finally {
            log.close();
        }
    }

    /** Commits 1-4 changes (inserts of new rows, updates and deletes of live ones) across the tables. */
    private static long commit(Random rnd, DeltaLog log, Map<String, MTable> model) {
        Map<String, List<MDelta>> pending = new LinkedHashMap<>();
        Map<String, Map<Long, Object[]>> newLive = new LinkedHashMap<>();
        long ts;
        try (DeltaTransaction tx = log.begin()) {
            int n = 1 + rnd.nextInt(4);
            for (int i = 0; i < n; i++) {
                String t = TABLES.get(rnd.nextInt(TABLES.size()));
                MTable m = model.get(t);
                Map<Long, Object[]> live = newLive.computeIfAbsent(t, k -> new LinkedHashMap<>(m.live));
                List<MDelta> out = pending.computeIfAbsent(t, k -> new ArrayList<>());
                if (out.stream().anyMatch(d -> true) && rnd.nextBoolean()) {
                    continue;
                }
                List<Long> rows = new ArrayList<>(live.keySet());
                rows.removeIf(r -> out.stream().anyMatch(d -> d.rowId == r));
                int kind = rows.isEmpty() ? 0 : rnd.nextInt(3);
                if (kind == 0) {
                    long row = m.fresh++;
                    Object[] after = row(rnd, m.cols(), row);
                    tx.insert(t, row, Tuple.of(after));
                    live.put(row, after);
                    out.add(new MDelta(row, 0, "Insert", new Object[][] {after}, m.names()));
                } else {
                    long row = rows.get(rnd.nextInt(rows.size()));
                    Object[] before = live.get(row);
                    if (kind == 1) {
                        Object[] after = row(rnd, m.cols(), row);
                        tx.update(t, row, Tuple.of(before), Tuple.of(after));
                        live.put(row, after);
                        out.add(new MDelta(row, 0, "Update", new Object[][] {before, after}, m.names()));
                    } else {
                        tx.delete(t, row, Tuple.of(before));
                        live.remove(row);
                        out.add(new MDelta(row, 0, "Delete", new Object[][] {before}, m.names()));
                    }
                }
            }
            ts = tx.commit();
        }
        for (Map.Entry<String, List<MDelta>> e : pending.entrySet()) {
            MTable m = model.get(e.getKey());
            List<MDelta> list = new ArrayList<>(e.getValue());
            list.removeIf(d -> d.kind.equals("Update") && java.util.Arrays.deepEquals(d.written[0], d.written[1]));
            list.sort((x, y) -> Long.compare(x.rowId, y.rowId));
            for (MDelta d : list) {
                m.deltas.add(new MDelta(d.rowId, ts, d.kind, d.written, d.writtenNames));
            }
            m.live.clear();
            m.live.putAll(newLive.get(e.getKey()));
        }
        return ts;
    }

    /** A random ALTER; the model rewrites every image it holds. Refused ones must leave no trace. */
    private static void alter(Random rnd, DeltaLog log, String t, MTable m) {
        List<Col> cols = new ArrayList<>(m.cols());
        int which = rnd.nextInt(4);
        int before = log.schemaHistory(t).size();
        if (which == 0) {
            Col c = new Col("n" + rnd.nextInt(1000), TYPES[rnd.nextInt(TYPES.length)], rnd.nextBoolean());
            boolean exists = cols.stream().anyMatch(x -> x.name().equals(c.name()));
            Object def = c.nullable() && rnd.nextBoolean() ? null : value(rnd, c.type(), 0);
            if (exists) {
                assertThrows(
                        SchemaMismatchException.class,
                        () -> log.alterTable(t, SchemaChange.addColumn(c.name(), c.type(), c.nullable(), def)));
                assertEquals(before, log.schemaHistory(t).size());
                return;
            }
            log.alterTable(t, SchemaChange.addColumn(c.name(), c.type(), c.nullable(), def));
            cols.add(c);
            rewrite(m, img -> {
                Object[] r = java.util.Arrays.copyOf(img, img.length + 1);
                r[img.length] = def;
                return r;
            });
        } else if (which == 1) {
            int i = rnd.nextInt(cols.size());
            if (i == 0) {
                assertThrows(SchemaMismatchException.class, () -> log.alterTable(t, SchemaChange.dropColumn("id")));
                assertEquals(before, log.schemaHistory(t).size());
                return;
            }
            log.alterTable(t, SchemaChange.dropColumn(cols.get(i).name()));
            cols.remove(i);
            rewrite(m, img -> {
                List<Object> r = new ArrayList<>(java.util.Arrays.asList(img));
                r.remove(i);
                return r.toArray();
            });
        } else if (which == 2) {
            int i = rnd.nextInt(cols.size());
            String to = "m" + rnd.nextInt(1000);
            if (cols.stream().anyMatch(x -> x.name().equals(to))) {
                return;
            }
            log.alterTable(t, SchemaChange.renameColumn(cols.get(i).name(), to));
            Col c = cols.get(i);
            cols.set(i, new Col(to, c.type(), c.nullable()));
        } else {
            int i = rnd.nextInt(cols.size());
            Col c = cols.get(i);
            ColumnType to = i == 0 ? null : wider(c.type()); // the id stays a long: the model's rows are keyed by it
            if (to == null) {
                assertThrows(
                        SchemaMismatchException.class,
                        () -> log.alterTable(t, SchemaChange.widenColumn(c.name(), ColumnType.BYTES)));
                assertEquals(before, log.schemaHistory(t).size());
                return;
            }
            log.alterTable(t, SchemaChange.widenColumn(c.name(), to));
            cols.set(i, new Col(c.name(), to, c.nullable()));
            rewrite(m, img -> {
                Object[] r = img.clone();
                r[i] = widened(r[i], to);
                return r;
            });
        }
        m.versions.add(cols);
    }

    private static void rewrite(MTable m, java.util.function.UnaryOperator<Object[]> f) {
        for (MDelta d : m.deltas) {
            Object[][] cur = new Object[d.current.length][];
            for (int i = 0; i < cur.length; i++) {
                cur[i] = f.apply(d.current[i]);
            }
            d.current = cur;
        }
        m.live.replaceAll((k, v) -> f.apply(v));
    }

    /** Records something that does not fit: refused, nothing recorded, the transaction unchanged. */
    private static void misfit(Random rnd, DeltaLog log, Map<String, MTable> model) {
        String t = TABLES.get(rnd.nextInt(TABLES.size()));
        MTable m = model.get(t);
        long count = log.countAll();
        Object[] row = row(rnd, m.cols(), 1_000_000);
        int how = rnd.nextInt(3);
        Object[] bad;
        if (how == 0) {
            bad = java.util.Arrays.copyOf(row, row.length + 1);
        } else if (how == 1) {
            bad = row.clone();
            bad[0] = null; // id is not nullable
        } else {
            bad = row.clone();
            bad[0] = "not a long";
        }
        try (DeltaTransaction tx = log.begin()) {
            assertThrows(SchemaMismatchException.class, () -> tx.insert(t, 1_000_000, Tuple.of(bad)));
            assertEquals(0, tx.size());
        }
        assertEquals(count, log.countAll());
    }

    private static void check(DeltaLog log, Map<String, MTable> model, long consumerAt) {
        for (String t : TABLES) {
            MTable m = model.get(t);
            List<TableSchema> history = log.schemaHistory(t);
            assertEquals(m.versions.size(), history.size(), t);
            for (int v = 0; v < history.size(); v++) {
                List<Col> cols = new ArrayList<>();
                for (Column c : history.get(v).columns()) {
                    cols.add(new Col(c.name(), c.type(), c.nullable()));
                }
                assertEquals(m.versions.get(v), cols, t + " version " + (v + 1));
            }
            for (ReadAs readAs : ReadAs.values()) {
                assertEquals(
                        expected(m, readAs, Long.MIN_VALUE),
                        actual(log.changesAfter(t, 0L, Long.MAX_VALUE, readAs)),
                        t + " " + readAs);
                assertEquals(
                        expected(m, readAs, consumerAt),
                        actual(log.consumer("c").changes(t, readAs)),
                        t + " consumer " + readAs);
            }
            List<String> merged = new ArrayList<>();
            for (Delta d : log.mergedChangesAfter(List.of(t), 0L).deltas()) {
                merged.add(d.rowId() + " " + render(d.op(), d.op().after()));
            }
            List<String> want = new ArrayList<>();
            m.live.forEach((row, img) -> want.add(row + " Insert " + m.names() + java.util.Arrays.asList(img)));
            merged.sort(null);
            want.sort(null);
            assertEquals(want, merged, t + " merged");
        }
    }

    private static List<String> expected(MTable m, ReadAs readAs, long after) {
        List<String> out = new ArrayList<>();
        for (MDelta d : m.deltas) {
            if (d.ts <= after) {
                continue;
            }
            Object[][] imgs = readAs == ReadAs.WRITTEN ? d.written : d.current;
            List<String> names = readAs == ReadAs.WRITTEN ? d.writtenNames : m.names();
            StringBuilder sb = new StringBuilder(d.rowId + " " + d.ts + " " + d.kind);
            for (Object[] img : imgs) {
                sb.append(' ').append(names).append(java.util.Arrays.asList(img).toString());
            }
            out.add(sb.toString());
        }
        return out;
    }

    private static List<String> actual(DeltaCursor c) {
        List<String> out = new ArrayList<>();
        try (c) {
            for (Delta d : c) {
                StringBuilder sb = new StringBuilder(d.rowId() + " " + d.commitTimestamp() + " ");
                sb.append(d.op().getClass().getSimpleName());
                if (d.op() instanceof DeltaOp.Update u) {
                    sb.append(' ').append(named(u.before())).append(' ').append(named(u.after()));
                } else {
                    sb.append(' ').append(named(d.op().after() != null ? d.op().after() : d.op().before()));
                }
                out.add(sb.toString());
            }
        }
        return out;
    }

    private static String render(DeltaOp op, Tuple t) {
        return op.getClass().getSimpleName() + " " + named(t);
    }

    /** Names and values, read by name, so that a wrong name-to-position mapping shows. */
    private static String named(Tuple t) {
        List<Object> values = new ArrayList<>();
        for (String n : t.columnNames()) {
            values.add(t.get(n));
        }
        return t.columnNames() + values.toString();
    }

    private static Object[] row(Random rnd, List<Col> cols, long id) {
        Object[] r = new Object[cols.size()];
        r[0] = id;
        for (int i = 1; i < r.length; i++) {
            Col c = cols.get(i);
            r[i] = c.nullable() && rnd.nextInt(4) == 0 ? null : value(rnd, c.type(), rnd.nextInt(1000) - 500);
        }
        return r;
    }

    private static Object value(Random rnd, ColumnType type, int n) {
        return switch (type) {
            case SHORT -> (short) n;
            case INT -> n;
            case LONG -> (long) n * 1_000_003L;
            case STRING -> "s" + n;
            case DECIMAL -> new BigDecimal(n + "." + rnd.nextInt(10));
            case DATE -> LocalDate.of(2000, 1, 1).plusDays(n);
            case TIMESTAMP -> LocalDate.of(2000, 1, 1).plusDays(n).atStartOfDay();
            default -> throw new IllegalArgumentException(type.name());
        };
    }

    private static ColumnType wider(ColumnType t) {
        return switch (t) {
            case SHORT -> ColumnType.INT;
            case INT -> ColumnType.LONG;
            case LONG -> ColumnType.DECIMAL;
            case DATE -> ColumnType.TIMESTAMP;
            default -> null;
        };
    }

    /** The model's widening, written out by value. */
    private static Object widened(Object v, ColumnType to) {
        if (v == null) {
            return null;
        }
        return switch (to) {
            case INT -> Integer.valueOf(((Short) v).intValue());
            case LONG -> Long.valueOf(((Integer) v).longValue());
            case DECIMAL -> new BigDecimal(v.toString());
            case TIMESTAMP -> ((LocalDate) v).atTime(0, 0);
            default -> throw new IllegalArgumentException(to.name());
        };
    }
}
