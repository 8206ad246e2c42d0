package io.github.deltalog;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes the golden file of format 3 (a table across three schema versions, beside a table without a schema) and
 * renders a log as the listing it is compared with: the schema history, then each delta as written and upcast
 * to the current schema, by column name.
 *
 * <p>Written once: {@code mvn -pl core test -Dtest=SchemaGoldenTest#writeGoldenFile
 * -Ddeltalog.golden.dir=src/test/resources/golden -Ddeltalog.golden.name=format-v3}.
 */
final class SchemaGolden {
    static final String ORDERS = "orders";
    static final String PLAIN = "plain";

    private SchemaGolden() {}

    static TableSchema ordersV1() {
        return TableSchema.builder()
                .column("id", ColumnType.INT)
                .column("name", ColumnType.STRING)
                .nullableColumn("amount", ColumnType.DECIMAL)
                .column("qty", ColumnType.SHORT)
                .key("id")
                .build();
    }

    /** Writes the golden file (closed cleanly: no journal beside it). */
    static void write(Path file) {
        Clock clock = Clock.fixed(GoldenFormat.NOW, ZoneOffset.UTC);
        try (DeltaLog log = DeltaLog.builder().path(file).clock(clock).open()) {
            log.track(PLAIN);
            log.recordInsert(PLAIN, 1L, Tuple.of(1, "positional"));
            log.track(ORDERS);
            log.recordInsert(ORDERS, 0L, Tuple.of("before any schema"));
            log.track(ORDERS, ordersV1());
            try (DeltaTransaction tx = log.begin()) {
                tx.insert(ORDERS, 1L, Tuple.of(1, "alice", new BigDecimal("9.50"), (short) 2));
                tx.insert(ORDERS, 2L, Tuple.of(2, "bob", null, (short) 1));
                tx.commit();
            }
            log.alterTable(ORDERS, SchemaChange.addColumn("status", ColumnType.STRING, false, "new"));
            log.recordUpdate(
                    ORDERS,
                    1L,
                    Tuple.of(1, "alice", new BigDecimal("9.50"), (short) 2, "new"),
                    Tuple.of(1, "alice", new BigDecimal("12.00"), (short) 2, "paid"));
            log.alterTable(ORDERS, SchemaChange.renameColumn("name", "customer"));
            log.alterTable(ORDERS, SchemaChange.widenColumn("qty", ColumnType.LONG));
            log.alterTable(ORDERS, SchemaChange.dropColumn("amount"));
            log.recordDelete(ORDERS, 2L, Tuple.of(2, "bob", 1L, "new"));
            log.recordInsert(ORDERS, 3L, Tuple.of(3, "carol", 5L, "new"));
        }
    }

    /** Renders the schema history and every delta, as written and upcast. */
    static List<String> listing(DeltaLog log) {
        List<String> lines = new ArrayList<>();
        lines.add("lastCommitted " + log.lastCommitted());
        lines.add("oldestRetained " + log.oldestRetained());
        lines.add("countAll " + log.countAll());
        lines.add("tracked " + String.join(" | ", log.trackedTables()));
        for (String table : List.of(ORDERS, PLAIN)) {
            for (TableSchema s : log.schemaHistory(table)) {
                lines.add("schema " + s + " since " + s.since());
            }
            for (ReadAs readAs : ReadAs.values()) {
                try (DeltaCursor c = log.changesAfter(table, 0L, Long.MAX_VALUE, readAs)) {
                    for (Delta d : c) {
                        lines.add(readAs + " " + d.table() + " " + d.rowId() + " " + d.commitTimestamp() + " "
                                + render(d.op()));
                    }
                }
            }
        }
        return lines;
    }

    private static String render(DeltaOp op) {
        String kind = op.getClass().getSimpleName();
        if (op instanceof DeltaOp.Update u) {
            return kind + " " + render(u.before()) + " -> " + render(u.after());
        }
        return kind + " " + render(op.after() != null ? op.after() : op.before());
    }

    /** By name where the tuple has a schema, with each value's type. */
    private static String render(Tuple t) {
        List<String> names = t.columnNames();
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < t.size(); i++) {
            sb.append(i == 0 ? "" : ", ");
            Object v = names.isEmpty() ? t.get(i) : t.get(names.get(i));
            if (!names.isEmpty()) {
                sb.append(names.get(i)).append('=');
            }
            sb.append(v == null ? "null" : v.getClass().getSimpleName() + ":" + v);
        }
        return sb.append(')').toString();
    }

    /** Writes the golden file and its listing into a folder. */
    static void writeGolden(Path folder, String name) throws IOException {
        Path file = folder.resolve(name + ".deltas");
        if (Files.exists(file)) {
            throw new IllegalStateException(file + " exists: a format change adds a new golden file");
        }
        write(file);
        try (DeltaLog log = DeltaLog.builder().path(file).readOnly(true).open()) {
            Files.write(folder.resolve(name + ".txt"), listing(log), StandardCharsets.US_ASCII);
        }
    }
}
