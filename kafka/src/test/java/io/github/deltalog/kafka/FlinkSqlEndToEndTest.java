package io.github.deltalog.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.deltalog.ColumnType;
import io.github.deltalog.Delta;
import io.github.deltalog.DeltaLog;
import io.github.deltalog.TableSchema;
import io.github.deltalog.Tuple;
import io.github.deltalog.kafka.testing.KafkaBroker;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.types.Row;
import org.apache.flink.types.RowKind;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Flink SQL end to end (issue 23): the exporter writes the demo workload (orders of customers, inserts, updates,
 * deletes) to a real KRaft broker; a Flink job in a local mini-cluster reads the topic with {@code 'format' =
 * 'debezium-json'} (with and without {@code schema-include}) and computes the demo view, {@code GROUP BY customer}
 * with COUNT, SUM, MIN and MAX; its final result equals the same view computed from the log. Slow (a mini-cluster
 * per run): on under {@code -Pstress}, or with {@code -Ddeltalog.flink.e2e=true}. Seed: {@code -Ddeltalog.seed}.
 */
@EnabledIfSystemProperty(named = "deltalog.flink.e2e", matches = "true")
class FlinkSqlEndToEndTest {
    private static final String TABLE = "orders";

    @Test
    void flinkSqlComputesTheDemoViewFromTheExport() throws Exception {
        long seed = Long.getLong("deltalog.seed", new Random().nextLong());
        try (KafkaBroker broker = KafkaBroker.start();
                DeltaLog log = DeltaLog.inMemory()) {
            log.track(
                    TABLE,
                    TableSchema.builder()
                            .column("id", ColumnType.LONG)
                            .column("customer", ColumnType.INT)
                            .column("amount", ColumnType.DECIMAL)
                            .nullableColumn("note", ColumnType.STRING)
                            .key("id")
                            .build());
            Workload w = new Workload(log, seed, List.of(TABLE));
            for (int i = 0; i < 400; i++) {
                w.step();
            }
            Map<Integer, List<Object>> expected = viewOfTheLog(log);
            assertEquals(8, expected.size(), "the workload's 8 customers");
            for (boolean schema : new boolean[] {true, false}) {
                String prefix = schema ? "withschema" : "plain";
                try (KafkaExporter ex = KafkaExporter.builder(log)
                        .bootstrapServers(broker.bootstrapServers())
                        .logName("shop")
                        .consumer("export-" + prefix)
                        .topicPrefix(prefix)
                        .schemaBlock(schema)
                        .timeout(Duration.ofSeconds(30))
                        .build()) {
                    assertTrue(ex.exportAvailable() > 0);
                }
                Map<Integer, List<Object>> flink = flinkView(
                        broker.bootstrapServers(), TopicNames.of(prefix).topicOf(TABLE), schema);
                assertEquals(expected, flink, "seed " + seed + ", schema-include " + schema);
                System.out.println("schema-include " + schema + ", seed " + seed
                        + ": customer=[COUNT, SUM, MIN, MAX] from Flink SQL " + flink + ", from the log " + expected);
            }
        }
    }

    /** The demo view from the log's own state: per customer COUNT, SUM, MIN, MAX of the live rows' amounts. */
    private static Map<Integer, List<Object>> viewOfTheLog(DeltaLog log) {
        Map<Long, Tuple> live = new HashMap<>();
        for (Delta d : log.mergedChangesAfter(List.of(TABLE), DeltaLog.FROM_OLDEST)) {
            if (d.op().after() == null) {
                live.remove(d.rowId());
            } else {
                live.put(d.rowId(), d.op().after());
            }
        }
        Map<Integer, List<Object>> view = new TreeMap<>();
        for (Tuple t : live.values()) {
            int customer = (Integer) t.get(1);
            BigDecimal amount = (BigDecimal) t.get(2);
            List<Object> agg = view.get(customer);
            if (agg == null) {
                view.put(customer, List.of(1L, amount, amount, amount));
            } else {
                BigDecimal min = (BigDecimal) agg.get(2);
                BigDecimal max = (BigDecimal) agg.get(3);
                view.put(
                        customer,
                        List.of(
                                (Long) agg.get(0) + 1,
                                ((BigDecimal) agg.get(1)).add(amount),
                                amount.compareTo(min) < 0 ? amount : min,
                                amount.compareTo(max) > 0 ? amount : max));
            }
        }
        return view;
    }

    private static Map<Integer, List<Object>> flinkView(String servers, String topic, boolean schema) throws Exception {
        TableEnvironment env = TableEnvironment.create(
                EnvironmentSettings.newInstance().inStreamingMode().build());
        env.getConfig().set("parallelism.default", "1");
        env.executeSql("CREATE TABLE orders (id BIGINT, customer INT, amount DECIMAL(10, 2), note STRING,"
                + " db STRING METADATA FROM 'value.source.database' VIRTUAL,"
                + " tbl STRING METADATA FROM 'value.source.table' VIRTUAL) WITH ("
                + "'connector' = 'kafka', 'topic' = '" + topic + "', 'properties.bootstrap.servers' = '" + servers
                + "', 'properties.group.id' = 'flink-" + topic + "', 'properties.isolation.level' = 'read_committed',"
                + " 'scan.startup.mode' = 'earliest-offset', 'scan.bounded.mode' = 'latest-offset',"
                + " 'format' = 'debezium-json', 'debezium-json.schema-include' = '" + schema + "')");
        TableResult result = env.executeSql("SELECT customer, COUNT(*), SUM(amount), MIN(amount), MAX(amount),"
                + " MIN(db), MAX(tbl) FROM orders GROUP BY customer");
        Map<Integer, List<Object>> view = new TreeMap<>();
        try (CloseableIterator<Row> rows = result.collect()) {
            while (rows.hasNext()) {
                Row r = rows.next();
                Integer customer = (Integer) r.getField(0);
                if (r.getKind() == RowKind.UPDATE_BEFORE || r.getKind() == RowKind.DELETE) {
                    view.remove(customer);
                } else {
                    assertEquals("shop", r.getField(5));
                    assertEquals(TABLE, r.getField(6));
                    view.put(customer, List.of(r.getField(1), r.getField(2), r.getField(3), r.getField(4)));
                }
            }
        }
        return view;
    }
}
