package io.github.deltalog.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.deltalog.DeltaLog;
import io.github.deltalog.kafka.KafkaExporter;
import io.github.deltalog.kafka.TopicNames;
import io.github.deltalog.kafka.testing.KafkaBroker;
import io.github.deltalog.view.View;
import io.github.deltalog.view.ViewComputation;
import io.github.deltalog.view.ViewRow;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.types.Row;
import org.apache.flink.types.RowKind;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Flink SQL end to end (issue 23): {@code deltalog demo}'s workload ({@link OrdersWorkload}, the demo's seed) is
 * recorded in a log, the Kafka exporter writes it to a real KRaft broker, and a Flink job in a local mini-cluster
 * reads the orders topic with {@code 'format' = 'debezium-json'} (with and without {@code schema-include}) and
 * computes the demo's view, revenue per customer ({@code COUNT(*), SUM, AVG, MIN, MAX} of the non-cancelled orders
 * {@code GROUP BY customer}). Its final result must equal deltalog's own {@link View} of the same log, defined as
 * the demo defines it ({@link DemoCommand#revenuePerCustomer()}).
 *
 * <p>Slow (a mini-cluster per run, about a minute in all): on under {@code -Pstress} or with {@code
 * -Ddeltalog.flink.e2e=true}: {@code mvn -B -o -pl cli -am verify -Ddeltalog.flink.e2e=true
 * -Dtest=FlinkSqlDemoViewTest -Dsurefire.failIfNoSpecifiedTests=false}. Sizes: {@code -Ddeltalog.flink.rows}
 * (orders loaded first), {@code -Ddeltalog.flink.changes}; seed {@code -Ddeltalog.seed} (default the demo's 42).
 */
@EnabledIfSystemProperty(named = "deltalog.flink.e2e", matches = "true")
class FlinkSqlDemoViewTest {
    /** Flink's AVG of a DECIMAL(10, 2) has 6 decimals, deltalog's has 16 significant digits. */
    private static final BigDecimal AVG_TOLERANCE = new BigDecimal("0.000001");

    @TempDir
    Path dir;

    @Test
    void flinkSqlComputesTheDemoViewAsDeltalogsViewDoes() throws Exception {
        long seed = Long.getLong("deltalog.seed", 42);
        int rows = Integer.getInteger("deltalog.flink.rows", 10_000);
        int changes = Integer.getInteger("deltalog.flink.changes", 20_000);
        int customers = 1_000; // the demo's default
        String what = "seed " + seed + ", " + rows + " orders, " + changes + " changes";
        try (KafkaBroker broker = KafkaBroker.start();
                DeltaLog log =
                        DeltaLog.builder().path(dir.resolve("demo.deltas")).open()) {
            log.track(OrdersWorkload.TABLE);
            log.track(OrdersWorkload.CUSTOMERS);
            OrdersWorkload shop = new OrdersWorkload(seed, customers);
            shop.loadCustomers(log);
            shop.load(log, rows, n -> {});
            View view = log.view(DemoCommand.PER_CUSTOMER, DemoCommand.revenuePerCustomer());
            shop.change(log, changes, n -> {});
            view.refresh();
            List<ViewRow> viewRows = new ArrayList<>();
            view.rows().forEach(viewRows::add);
            // the demo's own check: the incremental view equals a full recomputation from the application's rows
            assertEquals(ViewComputation.compute(view.definition(), shop.baseRows()), viewRows, what);
            Map<String, List<Object>> expected = new TreeMap<>();
            for (ViewRow r : viewRows) {
                expected.put((String) r.key().get(0), values(r));
            }
            assertTrue(expected.size() > customers / 2, what + ": " + expected.size() + " customers");
            for (boolean schema : new boolean[] {false, true}) {
                String prefix = schema ? "withschema" : "plain";
                try (KafkaExporter ex = KafkaExporter.builder(log)
                        .bootstrapServers(broker.bootstrapServers())
                        .logName("shop")
                        .consumer("export-" + prefix)
                        .topicPrefix(prefix)
                        .schemaBlock(schema)
                        .timeout(Duration.ofSeconds(60))
                        .build()) {
                    assertTrue(ex.exportAvailable() >= rows + changes, what);
                }
                long t0 = System.nanoTime();
                Map<String, List<Object>> flink = flinkView(
                        broker.bootstrapServers(), TopicNames.of(prefix).topicOf(OrdersWorkload.TABLE), schema);
                long ms = (System.nanoTime() - t0) / 1_000_000;
                System.out.println("schema-include " + schema + ", " + what + ": " + flink.size()
                        + " customers from Flink SQL in " + ms + " ms, " + expected.size() + " in deltalog's view");
                System.out.println("  customer        [COUNT, SUM, AVG, MIN, MAX]");
                int shown = 0;
                for (String c : expected.keySet()) {
                    if (shown++ == 5) {
                        break;
                    }
                    System.out.println("  " + c + " Flink SQL " + flink.get(c));
                    System.out.println("  " + c + " View      " + expected.get(c));
                }
                assertEquals(expected.keySet(), flink.keySet(), what + ", schema-include " + schema);
                for (Map.Entry<String, List<Object>> e : expected.entrySet()) {
                    assertSameAggregates(
                            e.getValue(),
                            flink.get(e.getKey()),
                            what + ", schema-include " + schema + ", customer " + e.getKey());
                }
            }
        }
    }

    /** A view row's aggregates: COUNT(*), SUM, AVG, MIN, MAX. */
    private static List<Object> values(ViewRow r) {
        List<Object> v = new ArrayList<>();
        for (int i = 0; i < r.values().size(); i++) {
            v.add(r.values().get(i));
        }
        return v;
    }

    /** COUNT, SUM, MIN and MAX equal (as numbers: SQL gives SUM its own scale); AVG within Flink's 6 decimals. */
    private static void assertSameAggregates(List<Object> view, List<Object> flink, String where) {
        assertEquals(5, flink.size(), where);
        assertEquals(((Number) view.get(0)).longValue(), ((Number) flink.get(0)).longValue(), where + " COUNT(*)");
        for (int i : new int[] {1, 3, 4}) {
            assertEquals(normalized(view.get(i)), normalized(flink.get(i)), where + " " + Arrays.asList(view, flink));
        }
        BigDecimal a = (BigDecimal) view.get(2);
        BigDecimal b = (BigDecimal) flink.get(2);
        assertEquals(a == null, b == null, where + " AVG " + a + " " + b);
        if (a != null) {
            assertTrue(a.subtract(b).abs().compareTo(AVG_TOLERANCE) <= 0, where + " AVG " + a + " " + b);
        }
    }

    private static BigDecimal normalized(Object v) {
        return v == null ? null : ((BigDecimal) v).stripTrailingZeros();
    }

    /**
     * Runs the demo view as a Flink SQL job over the orders topic, bounded at the topic's end, and returns its final
     * rows by customer. The demo's orders table has no schema: its columns are c0..c3 (orderId, customer, amount,
     * status).
     */
    private static Map<String, List<Object>> flinkView(String servers, String topic, boolean schema) throws Exception {
        TableEnvironment env = TableEnvironment.create(
                EnvironmentSettings.newInstance().inStreamingMode().build());
        env.getConfig().set("parallelism.default", "1");
        env.executeSql("CREATE TABLE orders (c0 BIGINT, c1 STRING, c2 DECIMAL(10, 2), c3 STRING,"
                + " db STRING METADATA FROM 'value.source.database' VIRTUAL,"
                + " tbl STRING METADATA FROM 'value.source.table' VIRTUAL) WITH ("
                + "'connector' = 'kafka', 'topic' = '" + topic + "', 'properties.bootstrap.servers' = '" + servers
                + "', 'properties.group.id' = 'flink-" + topic + "', 'properties.isolation.level' = 'read_committed',"
                + " 'scan.startup.mode' = 'earliest-offset', 'scan.bounded.mode' = 'latest-offset',"
                + " 'format' = 'debezium-json', 'debezium-json.schema-include' = '" + schema + "')");
        TableResult result = env.executeSql("SELECT c1, COUNT(*), SUM(c2), AVG(c2), MIN(c2), MAX(c2), MIN(db),"
                + " MAX(tbl) FROM orders WHERE c3 <> 'cancelled' GROUP BY c1");
        Map<String, List<Object>> view = new TreeMap<>();
        try (CloseableIterator<Row> it = result.collect()) {
            while (it.hasNext()) {
                Row r = it.next();
                String customer = (String) r.getField(0);
                if (r.getKind() == RowKind.UPDATE_BEFORE || r.getKind() == RowKind.DELETE) {
                    view.remove(customer);
                } else {
                    assertEquals("shop", r.getField(6));
                    assertEquals(OrdersWorkload.TABLE, r.getField(7));
                    view.put(
                            customer,
                            Arrays.asList(r.getField(1), r.getField(2), r.getField(3), r.getField(4), r.getField(5)));
                }
            }
        }
        return view;
    }
}
