package io.github.deltalog.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.debezium.transforms.ExtractNewRecordState;
import io.github.deltalog.ColumnType;
import io.github.deltalog.Delta;
import io.github.deltalog.DeltaLog;
import io.github.deltalog.DeltaOp;
import io.github.deltalog.DeltaTransaction;
import io.github.deltalog.TableSchema;
import io.github.deltalog.Tuple;
import io.github.deltalog.json.DeltaJson;
import io.github.deltalog.json.TableColumns;
import io.github.deltalog.json.ValueEncoding;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.formats.common.TimestampFormat;
import org.apache.flink.formats.json.debezium.DebeziumJsonDeserializationSchema;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.runtime.typeutils.InternalTypeInfo;
import org.apache.flink.table.types.DataType;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.types.RowKind;
import org.apache.flink.util.Collector;
import org.apache.flink.util.SimpleUserCodeClassLoader;
import org.apache.flink.util.UserCodeClassLoader;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

/**
 * The export read by the real readers (issue 23), at parse level: Flink 2.2's {@code DebeziumJsonDeserializationSchema}
 * (with and without {@code schema-include}) and Kafka Connect's {@code JsonConverter} ({@code schemas.enable} true
 * and false, then Debezium's {@code ExtractNewRecordState}) read every exported record of a seeded log covering every
 * value type, NULLs, deletes, updates of the key and two tables; every value read back must equal the recorded one
 * (or, for decimals written as numbers, the nearest double where the reader's type is a double). In the default
 * encoding and in the numeric one ({@link ValueEncoding.Decimals#NUMBER}, {@link ValueEncoding.Times#MICROS}).
 * Seed: {@code -Ddeltalog.seed}.
 */
class EnvelopeInteropTest {
    private static final String DB = "shop";
    private static final String TYPED = "every type";
    private static final String PLAIN = "plain/t\u00fc";
    /** Decimals as numbers, dates and times as Debezium's Date, MicroTime and MicroTimestamp. */
    private static final ValueEncoding NUMERIC =
            new ValueEncoding(ValueEncoding.Decimals.NUMBER, ValueEncoding.Times.MICROS);

    /** Every value type, a Long key first. */
    private static final List<Class<?>> TYPES = List.of(
            Long.class,
            Boolean.class,
            Byte.class,
            Short.class,
            Integer.class,
            Long.class,
            Float.class,
            Double.class,
            String.class,
            byte[].class,
            BigDecimal.class,
            BigInteger.class,
            UUID.class,
            Instant.class,
            LocalDate.class,
            LocalTime.class,
            LocalDateTime.class);

    private static final TableColumns TYPED_COLUMNS = typedColumns();
    /** The table without a schema holds an Integer, a String and a BigDecimal in c0..c2. */
    private static final List<Class<?>> PLAIN_TYPES = List.of(Integer.class, String.class, BigDecimal.class);

    private static TableColumns typedColumns() {
        List<String> names = new ArrayList<>();
        List<Boolean> nullable = new ArrayList<>();
        for (int i = 0; i < TYPES.size(); i++) {
            names.add(
                    i == 0 ? "id" : "v" + i + "_" + TYPES.get(i).getSimpleName().replace("[]", "s"));
            nullable.add(i != 0);
        }
        return new TableColumns(names, TYPES, nullable, List.of("id"));
    }

    private static TableColumns columnsOf(Delta d) {
        return d.table().equals(TYPED) ? TYPED_COLUMNS : TableColumns.generated(PLAIN_TYPES.size());
    }

    /** The columns with their types, as a reader without the schema block must know them. */
    private static TableColumns typedColumnsOf(Delta d) {
        TableColumns c = columnsOf(d);
        return new TableColumns(c.names(), typesOf(d), c.nullable(), c.key());
    }

    private static List<Class<?>> typesOf(Delta d) {
        return d.table().equals(TYPED) ? TYPES : PLAIN_TYPES;
    }

    @Test
    void flinkAndConnectReadEveryValueBackAsRecorded() throws Exception {
        long seed = Long.getLong("deltalog.seed", new Random().nextLong());
        try {
            List<Delta> recorded = record(new Random(seed));
            Map<String, DebeziumJsonDeserializationSchema> flink = new HashMap<>();
            int checked = 0;
            for (ValueEncoding enc : List.of(ValueEncoding.DEFAULT, NUMERIC)) {
                List<Delta> deltas = enc == NUMERIC ? toMicros(recorded) : recorded;
                for (boolean schema : new boolean[] {false, true}) {
                    JsonConverter keys = converter(schema, true);
                    JsonConverter values = converter(schema, false);
                    for (Delta d : deltas) {
                        String where = "seed " + seed + ", " + enc + ", schema " + schema + ", " + d;
                        byte[] value = DeltaRecords.value(d, columnsOf(d), DB, schema, enc);
                        byte[] key = DeltaRecords.key(d, columnsOf(d), DB, schema, enc);
                        DebeziumJsonDeserializationSchema f =
                                flink.computeIfAbsent(d.table() + schema + enc, k -> flinkReader(d, schema, enc));
                        checkFlink(f, d, value, enc, where);
                        checkConnect(keys, values, d, key, value, schema, enc, where);
                        if (schema) {
                            assertEquals(d, DeltaRecords.delta(value), where); // deltalog's own reader, exact types
                        } else {
                            assertEquals(
                                    d,
                                    DeltaJson.fromJson(new String(value, StandardCharsets.UTF_8), typedColumnsOf(d)),
                                    where);
                        }
                        checked++;
                    }
                }
            }
            assertTrue(checked > 800, "too few deltas: " + checked);
        } catch (AssertionError | RuntimeException e) {
            throw new AssertionError(
                    "seed " + seed + " (replay with -Ddeltalog.seed=" + seed + "): " + e.getMessage(), e);
        }
    }

    /**
     * NaN and the infinities, which no JSON number holds, are written as strings: Flink reads them back exactly,
     * Connect without schemas gives the strings. The losses the README lists are pinned here, so that a reader that
     * changes is noticed: Connect with schemas reads such a string in a float column as 0.0, and both read -0.0 as
     * 0.0.
     */
    @Test
    void nonFiniteFloatsAndNegativeZero() throws Exception {
        float[] floats = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -0.0f};
        double[] doubles = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0};
        for (int i = 0; i < floats.length; i++) {
            Object[] v = new Object[TYPES.size()];
            v[0] = (long) i;
            v[6] = floats[i];
            v[7] = doubles[i];
            Delta d = new Delta(TYPED, i, 1_000_000L + i, new DeltaOp.Insert(Tuple.of(v)));
            boolean negativeZero = i == 3;
            for (boolean schema : new boolean[] {false, true}) {
                String where = "schema " + schema + ", " + d;
                byte[] value = DeltaRecords.value(d, TYPED_COLUMNS, DB, schema);
                List<RowData> rows = new ArrayList<>();
                flinkReader(d, schema, ValueEncoding.DEFAULT).deserialize(value, new Collector<>() {
                    @Override
                    public void collect(RowData r) {
                        rows.add(r);
                    }

                    @Override
                    public void close() {}
                });
                assertEquals(negativeZero ? 0.0f : floats[i], rows.get(0).getFloat(6), "Flink " + where);
                assertEquals(negativeZero ? 0.0 : doubles[i], rows.get(0).getDouble(7), "Flink " + where);
                SchemaAndValue c = converter(schema, false).toConnectData("t", value);
                Object f;
                Object g;
                if (schema) {
                    Struct after = ((Struct) c.value()).getStruct("after");
                    f = after.get("v6_Float");
                    g = after.get("v7_Double");
                    assertEquals(0.0f, f, "Connect " + where);
                    assertEquals(0.0, g, "Connect " + where);
                } else {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> after = (Map<String, Object>) ((Map<String, Object>) c.value()).get("after");
                    f = after.get("v6_Float");
                    g = after.get("v7_Double");
                    if (negativeZero) {
                        assertEquals(0.0, ((Number) g).doubleValue(), "Connect " + where);
                    } else {
                        assertEquals(Float.toString(floats[i]), f, "Connect " + where);
                        assertEquals(Double.toString(doubles[i]), g, "Connect " + where);
                    }
                }
                // deltalog's own reader keeps all of them
                assertEquals(
                        d,
                        schema
                                ? DeltaRecords.delta(value)
                                : DeltaJson.fromJson(new String(value, StandardCharsets.UTF_8), TYPED_COLUMNS),
                        where);
            }
        }
    }

    /**
     * Writing times as microseconds cannot keep a fraction finer than a microsecond: the writer refuses such a value
     * with a message naming the table, row and column, instead of dropping the nanoseconds.
     */
    @Test
    void microsecondEncodingsRefuseNanoseconds() {
        Object[] v = new Object[TYPES.size()];
        v[0] = 7L;
        v[16] = LocalDateTime.of(2024, 1, 2, 3, 4, 5, 123_456_789);
        Delta d = new Delta(TYPED, 7, 1_000_000L, new DeltaOp.Insert(Tuple.of(v)));
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(
                IllegalArgumentException.class, () -> DeltaRecords.value(d, TYPED_COLUMNS, DB, true, NUMERIC));
        assertTrue(
                e.getMessage()
                        .startsWith("table 'every type' row 7 column 'v16_LocalDateTime': the value"
                                + " 2024-01-02T03:04:05.123456789 has a fraction finer than a microsecond"),
                e.getMessage());
        v[16] = LocalDateTime.of(2024, 1, 2, 3, 4, 5, 123_456_000);
        Delta ok = new Delta(TYPED, 7, 1_000_000L, new DeltaOp.Insert(Tuple.of(v)));
        String text = new String(DeltaRecords.value(ok, TYPED_COLUMNS, DB, false, NUMERIC), StandardCharsets.UTF_8);
        assertTrue(text.contains("\"v16_LocalDateTime\":1704164645123456"), text);
    }

    /** The deltas with every LocalTime and LocalDateTime cut to microseconds, which the numeric encoding holds. */
    private static List<Delta> toMicros(List<Delta> deltas) {
        List<Delta> out = new ArrayList<>();
        for (Delta d : deltas) {
            DeltaOp op = d.op();
            Tuple before = toMicros(op.before());
            Tuple after = toMicros(op.after());
            DeltaOp cut = op instanceof DeltaOp.Insert
                    ? new DeltaOp.Insert(after)
                    : op instanceof DeltaOp.Update ? new DeltaOp.Update(before, after) : new DeltaOp.Delete(before);
            out.add(new Delta(d.table(), d.rowId(), d.commitTimestamp(), cut));
        }
        return out;
    }

    private static Tuple toMicros(Tuple t) {
        if (t == null) {
            return null;
        }
        Object[] v = new Object[t.size()];
        for (int i = 0; i < v.length; i++) {
            Object x = t.get(i);
            if (x instanceof LocalTime lt) {
                x = lt.truncatedTo(java.time.temporal.ChronoUnit.MICROS);
            } else if (x instanceof LocalDateTime ldt) {
                x = ldt.truncatedTo(java.time.temporal.ChronoUnit.MICROS);
            }
            v[i] = x;
        }
        return Tuple.of(v);
    }

    /** Records a random history into a log and returns its deltas. */
    private static List<Delta> record(Random rnd) {
        try (DeltaLog log = DeltaLog.inMemory()) {
            TableSchema.Builder schema = TableSchema.builder();
            for (int i = 0; i < TYPES.size(); i++) {
                ColumnType type = columnType(TYPES.get(i));
                if (i == 0) {
                    schema.column(TYPED_COLUMNS.names().get(i), type);
                } else {
                    schema.nullableColumn(TYPED_COLUMNS.names().get(i), type);
                }
            }
            log.track(TYPED, schema.key("id").build());
            log.track(PLAIN);
            Map<Long, Tuple> typed = new HashMap<>();
            Map<Long, Tuple> plain = new HashMap<>();
            long nextId = 1;
            for (int tx = 0; tx < 150; tx++) {
                try (DeltaTransaction t = log.begin()) {
                    for (int k = 1 + rnd.nextInt(3); k > 0; k--) {
                        boolean isTyped = rnd.nextBoolean();
                        Map<Long, Tuple> rows = isTyped ? typed : plain;
                        String table = isTyped ? TYPED : PLAIN;
                        int what = rows.isEmpty() ? 0 : rnd.nextInt(3);
                        if (what == 0) {
                            long row = nextId++;
                            Tuple after = isTyped ? typedRow(rnd, row) : plainRow(rnd);
                            t.insert(table, row, after);
                            rows.put(row, after);
                        } else {
                            Long row = new ArrayList<>(rows.keySet()).get(rnd.nextInt(rows.size()));
                            if (rows.get(row) == null) {
                                continue;
                            }
                            if (what == 1) {
                                // an update, of the key column too one time in four
                                long id = isTyped && rnd.nextInt(4) == 0 ? nextId++ : row;
                                Tuple after = isTyped ? typedRow(rnd, id) : plainRow(rnd);
                                t.update(table, row, rows.get(row), after);
                                rows.put(row, after);
                            } else {
                                t.delete(table, row, rows.remove(row));
                            }
                        }
                    }
                    t.commit();
                }
            }
            List<Delta> deltas = log.changesAfter(List.of(TYPED, PLAIN), DeltaLog.FROM_OLDEST)
                    .deltas();
            for (Delta d : deltas) {
                assertEquals(columnsOf(d), TableColumns.of(log, d), "the columns the exporter takes from the log");
            }
            return deltas;
        }
    }

    private static ColumnType columnType(Class<?> type) {
        for (ColumnType t : ColumnType.values()) {
            if (t.javaType() == type) {
                return t;
            }
        }
        throw new AssertionError(type);
    }

    private static Tuple plainRow(Random rnd) {
        return Tuple.of(
                rnd.nextInt(5) == 0 ? null : rnd.nextInt(),
                rnd.nextInt(5) == 0 ? null : text(rnd),
                rnd.nextInt(5) == 0 ? null : BigDecimal.valueOf(rnd.nextLong(), 2));
    }

    private static Tuple typedRow(Random rnd, long id) {
        Object[] v = new Object[TYPES.size()];
        v[0] = id;
        for (int i = 1; i < v.length; i++) {
            v[i] = rnd.nextInt(6) == 0 ? null : value(rnd, TYPES.get(i));
        }
        return Tuple.of(v);
    }

    private static Object value(Random rnd, Class<?> type) {
        int edge = rnd.nextInt(8);
        if (type == Boolean.class) {
            return rnd.nextBoolean();
        } else if (type == Byte.class) {
            return edge == 0 ? Byte.MIN_VALUE : edge == 1 ? Byte.MAX_VALUE : (byte) rnd.nextInt();
        } else if (type == Short.class) {
            return edge == 0 ? Short.MIN_VALUE : edge == 1 ? Short.MAX_VALUE : (short) rnd.nextInt();
        } else if (type == Integer.class) {
            return edge == 0 ? Integer.MIN_VALUE : edge == 1 ? Integer.MAX_VALUE : rnd.nextInt();
        } else if (type == Long.class) {
            return edge == 0 ? Long.MIN_VALUE : edge == 1 ? Long.MAX_VALUE : rnd.nextLong();
        } else if (type == Float.class) {
            return edge == 0 ? Float.MAX_VALUE : edge == 1 ? Float.MIN_VALUE : Float.intBitsToFloat(finiteBits(rnd));
        } else if (type == Double.class) {
            return edge == 0
                    ? Double.MAX_VALUE
                    : edge == 1 ? -Double.MIN_VALUE : (rnd.nextDouble() - 0.5) * Math.pow(10, rnd.nextInt(60) - 30);
        } else if (type == String.class) {
            return text(rnd);
        } else if (type == byte[].class) {
            byte[] b = new byte[rnd.nextInt(20)];
            rnd.nextBytes(b);
            return b;
        } else if (type == BigDecimal.class) {
            return new BigDecimal(new BigInteger(100, rnd), 2).negate().add(BigDecimal.valueOf(rnd.nextInt(), 2));
        } else if (type == BigInteger.class) {
            BigInteger b = new BigInteger(1 + rnd.nextInt(120), rnd);
            return rnd.nextBoolean() ? b.negate() : b;
        } else if (type == UUID.class) {
            return new UUID(rnd.nextLong(), rnd.nextLong());
        } else if (type == Instant.class) {
            return Instant.ofEpochSecond(
                    -2_000_000_000L + (long) (rnd.nextDouble() * 8_000_000_000L), rnd.nextInt(1_000_000_000));
        } else if (type == LocalDate.class) {
            return LocalDate.ofEpochDay(-700_000 + rnd.nextInt(3_500_000));
        } else if (type == LocalTime.class) {
            return LocalTime.ofNanoOfDay((long) (rnd.nextDouble() * 86_400_000_000_000L));
        } else if (type == LocalDateTime.class) {
            return LocalDateTime.ofEpochSecond(
                    -2_000_000_000L + (long) (rnd.nextDouble() * 8_000_000_000L),
                    rnd.nextInt(1_000_000_000),
                    ZoneOffset.UTC);
        }
        throw new AssertionError(type);
    }

    private static int finiteBits(Random rnd) {
        while (true) {
            int bits = rnd.nextInt();
            float f = Float.intBitsToFloat(bits);
            if (!Float.isNaN(f) && !Float.isInfinite(f)) {
                return bits;
            }
        }
    }

    private static String text(Random rnd) {
        String pool = "ab \"\\/\n\t\u0000\u001f\u00e9\u4e2d\ud83d\ude00{}[],:";
        StringBuilder sb = new StringBuilder();
        for (int i = rnd.nextInt(12); i > 0; i--) {
            int at = rnd.nextInt(pool.length());
            char c = pool.charAt(at);
            if (Character.isHighSurrogate(c)) {
                sb.append(c).append(pool.charAt(at + 1));
            } else if (!Character.isLowSurrogate(c)) {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    // ---- Flink

    private static DataType flinkType(Class<?> type, ValueEncoding enc) {
        if (enc.times() == ValueEncoding.Times.MICROS) {
            // Flink's JSON reader parses DATE, TIME and TIMESTAMP from strings only: the numbers are INT and BIGINT
            if (type == LocalDate.class) {
                return DataTypes.INT();
            } else if (type == LocalTime.class || type == LocalDateTime.class) {
                return DataTypes.BIGINT();
            }
        }
        if (type == Boolean.class) {
            return DataTypes.BOOLEAN();
        } else if (type == Byte.class) {
            return DataTypes.TINYINT();
        } else if (type == Short.class) {
            return DataTypes.SMALLINT();
        } else if (type == Integer.class) {
            return DataTypes.INT();
        } else if (type == Long.class) {
            return DataTypes.BIGINT();
        } else if (type == Float.class) {
            return DataTypes.FLOAT();
        } else if (type == Double.class) {
            return DataTypes.DOUBLE();
        } else if (type == byte[].class) {
            return DataTypes.BYTES();
        } else if (type == BigDecimal.class) {
            return DataTypes.DECIMAL(38, 2);
        } else if (type == BigInteger.class) {
            return DataTypes.DECIMAL(38, 0);
        } else if (type == Instant.class) {
            return DataTypes.TIMESTAMP_LTZ(9);
        } else if (type == LocalDate.class) {
            return DataTypes.DATE();
        } else if (type == LocalTime.class) {
            return DataTypes.STRING(); // flink-json reads TIME to the second, dropping any fraction
        } else if (type == LocalDateTime.class) {
            return DataTypes.TIMESTAMP(9);
        }
        return DataTypes.STRING(); // String, UUID
    }

    /** Flink's reader for a table, as a 'format' = 'debezium-json' table with source.database and source.table. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static DebeziumJsonDeserializationSchema flinkReader(Delta d, boolean schemaInclude, ValueEncoding enc) {
        TableColumns cols = columnsOf(d);
        List<Class<?>> types = typesOf(d);
        List<DataTypes.Field> fields = new ArrayList<>();
        for (int i = 0; i < types.size(); i++) {
            fields.add(DataTypes.FIELD(cols.names().get(i), flinkType(types.get(i), enc)));
        }
        DataType physical = DataTypes.ROW(fields.toArray(new DataTypes.Field[0]));
        List<DataTypes.Field> produced = new ArrayList<>(fields);
        produced.add(DataTypes.FIELD("source_db", DataTypes.STRING()));
        produced.add(DataTypes.FIELD("source_table", DataTypes.STRING()));
        RowType producedType = (RowType)
                DataTypes.ROW(produced.toArray(new DataTypes.Field[0])).getLogicalType();
        List metadata = new ArrayList();
        try {
            // The metadata enum is package-private in flink-json; its constants are what a table's
            // METADATA FROM 'value.source.database' / 'value.source.table' columns ask for.
            Class<? extends Enum> readable = (Class<? extends Enum>)
                    Class.forName("org.apache.flink.formats.json.debezium.DebeziumJsonDecodingFormat$ReadableMetadata");
            metadata.add(Enum.valueOf(readable, "SOURCE_DATABASE"));
            metadata.add(Enum.valueOf(readable, "SOURCE_TABLE"));
            DebeziumJsonDeserializationSchema f = new DebeziumJsonDeserializationSchema(
                    physical,
                    metadata,
                    InternalTypeInfo.of(producedType),
                    schemaInclude,
                    false,
                    TimestampFormat.ISO_8601);
            f.open(new DeserializationSchema.InitializationContext() {
                @Override
                public MetricGroup getMetricGroup() {
                    return new UnregisteredMetricsGroup();
                }

                @Override
                public UserCodeClassLoader getUserCodeClassLoader() {
                    return SimpleUserCodeClassLoader.create(EnvelopeInteropTest.class.getClassLoader());
                }
            });
            return f;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void checkFlink(
            DebeziumJsonDeserializationSchema f, Delta d, byte[] value, ValueEncoding enc, String where)
            throws Exception {
        List<RowData> rows = new ArrayList<>();
        f.deserialize(value, new Collector<>() {
            @Override
            public void collect(RowData r) {
                rows.add(r);
            }

            @Override
            public void close() {}
        });
        DeltaOp op = d.op();
        List<RowKind> kinds = new ArrayList<>();
        List<Tuple> images = new ArrayList<>();
        if (op instanceof DeltaOp.Insert) {
            kinds.add(RowKind.INSERT);
            images.add(op.after());
        } else if (op instanceof DeltaOp.Update) {
            kinds.add(RowKind.UPDATE_BEFORE);
            images.add(op.before());
            kinds.add(RowKind.UPDATE_AFTER);
            images.add(op.after());
        } else {
            kinds.add(RowKind.DELETE);
            images.add(op.before());
        }
        assertEquals(kinds.size(), rows.size(), "Flink rows of " + where);
        List<Class<?>> types = typesOf(d);
        for (int r = 0; r < rows.size(); r++) {
            RowData row = rows.get(r);
            assertEquals(kinds.get(r), row.getRowKind(), where);
            for (int i = 0; i < types.size(); i++) {
                assertSame(
                        images.get(r).get(i),
                        flinkValue(row, i, types.get(i), enc),
                        "Flink column " + i + " of " + where);
            }
            assertEquals(DB, row.getString(types.size()).toString(), "Flink source.database of " + where);
            assertEquals(d.table(), row.getString(types.size() + 1).toString(), "Flink source.table of " + where);
        }
    }

    private static Object flinkValue(RowData row, int pos, Class<?> type, ValueEncoding enc) {
        if (row.isNullAt(pos)) {
            return null;
        } else if (enc.times() == ValueEncoding.Times.MICROS && type == LocalDate.class) {
            return LocalDate.ofEpochDay(row.getInt(pos));
        } else if (enc.times() == ValueEncoding.Times.MICROS && type == LocalTime.class) {
            return LocalTime.ofNanoOfDay(row.getLong(pos) * 1000);
        } else if (enc.times() == ValueEncoding.Times.MICROS && type == LocalDateTime.class) {
            return fromMicros(row.getLong(pos));
        } else if (type == Boolean.class) {
            return row.getBoolean(pos);
        } else if (type == Byte.class) {
            return row.getByte(pos);
        } else if (type == Short.class) {
            return row.getShort(pos);
        } else if (type == Integer.class) {
            return row.getInt(pos);
        } else if (type == Long.class) {
            return row.getLong(pos);
        } else if (type == Float.class) {
            return row.getFloat(pos);
        } else if (type == Double.class) {
            return row.getDouble(pos);
        } else if (type == byte[].class) {
            return row.getBinary(pos);
        } else if (type == BigDecimal.class) {
            return row.getDecimal(pos, 38, 2).toBigDecimal();
        } else if (type == BigInteger.class) {
            return row.getDecimal(pos, 38, 0).toBigDecimal().toBigIntegerExact();
        } else if (type == UUID.class) {
            return UUID.fromString(row.getString(pos).toString());
        } else if (type == Instant.class) {
            return row.getTimestamp(pos, 9).toInstant();
        } else if (type == LocalDate.class) {
            return LocalDate.ofEpochDay(row.getInt(pos));
        } else if (type == LocalTime.class) {
            return LocalTime.parse(row.getString(pos).toString());
        } else if (type == LocalDateTime.class) {
            return row.getTimestamp(pos, 9).toLocalDateTime();
        }
        return row.getString(pos).toString();
    }

    private static LocalDateTime fromMicros(long micros) {
        return LocalDateTime.ofEpochSecond(
                Math.floorDiv(micros, 1_000_000L), (int) Math.floorMod(micros, 1_000_000L) * 1000, ZoneOffset.UTC);
    }

    // ---- Kafka Connect and Debezium

    private static JsonConverter converter(boolean schemas, boolean isKey) {
        JsonConverter c = new JsonConverter();
        c.configure(Map.of("schemas.enable", schemas), isKey);
        return c;
    }

    private static void checkConnect(
            JsonConverter keys,
            JsonConverter values,
            Delta d,
            byte[] key,
            byte[] value,
            boolean schema,
            ValueEncoding enc,
            String where) {
        String topic = "t";
        SchemaAndValue k = keys.toConnectData(topic, key);
        SchemaAndValue v = values.toConnectData(topic, value);
        List<Class<?>> types = typesOf(d);
        TableColumns cols = columnsOf(d);
        Tuple keyImage = d.op().after() != null ? d.op().after() : d.op().before();
        if (schema) {
            Struct envelope = (Struct) v.value();
            checkStruct(envelope.getStruct("before"), d.op().before(), cols, types, enc, "Connect before of " + where);
            checkStruct(envelope.getStruct("after"), d.op().after(), cols, types, enc, "Connect after of " + where);
            assertEquals(d.table(), envelope.getStruct("source").getString("table"), where);
            assertEquals(DB, envelope.getStruct("source").getString("db"), where);
            Struct keyStruct = (Struct) k.value();
            if (cols.key().isEmpty()) {
                assertEquals(d.rowId(), keyStruct.getInt64("rowId"), where);
            } else {
                assertEquals(keyImage.get(0), keyStruct.get("id"), where);
            }
            // Debezium's SMT: the new row state (for a delete, the old one marked __deleted)
            ExtractNewRecordState<SourceRecord> smt = new ExtractNewRecordState<>();
            smt.configure(Map.of("delete.tombstone.handling.mode", "rewrite"));
            SourceRecord flat =
                    smt.apply(new SourceRecord(null, null, topic, 0, k.schema(), k.value(), v.schema(), v.value()));
            smt.close();
            assertNotNull(flat, where);
            Struct state = (Struct) flat.value();
            checkStruct(state, keyImage, cols, types, enc, "ExtractNewRecordState of " + where);
            assertEquals(d.op() instanceof DeltaOp.Delete ? "true" : "false", state.get("__deleted"), where);
        } else {
            @SuppressWarnings("unchecked")
            Map<String, Object> envelope = (Map<String, Object>) v.value();
            checkMap(envelope.get("before"), d.op().before(), cols, types, enc, "Connect before of " + where);
            checkMap(envelope.get("after"), d.op().after(), cols, types, enc, "Connect after of " + where);
            @SuppressWarnings("unchecked")
            Map<String, Object> keyMap = (Map<String, Object>) k.value();
            if (cols.key().isEmpty()) {
                assertEquals(d.rowId(), keyMap.get("rowId"), where);
            } else {
                assertEquals(keyImage.get(0), keyMap.get("id"), where);
            }
        }
    }

    private static void checkStruct(
            Struct s, Tuple image, TableColumns cols, List<Class<?>> types, ValueEncoding enc, String where) {
        if (image == null) {
            assertEquals(null, s, where);
            return;
        }
        assertNotNull(s, where);
        for (int i = 0; i < types.size(); i++) {
            Field f = s.schema().field(cols.names().get(i));
            assertNotNull(f, where + ": no field " + cols.names().get(i));
            Object v = s.get(f);
            assertSame(
                    connectExpected(image.get(i), enc),
                    fromConnect(v, types.get(i), f.schema(), enc),
                    where + " column " + f.name());
        }
    }

    private static void checkMap(
            Object m, Tuple image, TableColumns cols, List<Class<?>> types, ValueEncoding enc, String where) {
        if (image == null) {
            assertEquals(null, m, where);
            return;
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> map = (Map<String, Object>) m;
        assertEquals(types.size(), map.size(), where);
        for (int i = 0; i < types.size(); i++) {
            String name = cols.names().get(i);
            assertTrue(map.containsKey(name), where + ": no field " + name);
            assertSame(
                    connectExpected(image.get(i), enc),
                    fromConnect(map.get(name), types.get(i), null, enc),
                    where + " column " + name);
        }
    }

    /** The value a Connect sink can get back: a decimal written as a number is a double to Connect. */
    private static Object connectExpected(Object recorded, ValueEncoding enc) {
        if (recorded instanceof BigDecimal b && enc.decimals() == ValueEncoding.Decimals.NUMBER) {
            return b.doubleValue();
        }
        return recorded;
    }

    /** What a Connect sink gets, turned into the recorded type as the README's table says. */
    private static Object fromConnect(Object v, Class<?> type, Schema schema, ValueEncoding enc) {
        if (v == null) {
            return null;
        }
        if (schema != null) {
            // With schemas.enable the Connect value already has the Java type of its Connect type.
            assertEquals(
                    expectedConnectType(type, enc), schema.type().getName(), "Connect type of " + type.getSimpleName());
        }
        if (type == BigDecimal.class && enc.decimals() == ValueEncoding.Decimals.NUMBER) {
            return (Double) v; // with and without the schema block, Connect reads the number as a double
        }
        if (enc.times() == ValueEncoding.Times.MICROS) {
            // int32 with the schema block, else Long: Connect has no Debezium time types, the numbers come as they are
            if (type == LocalDate.class) {
                return LocalDate.ofEpochDay(((Number) v).longValue());
            } else if (type == LocalTime.class) {
                return LocalTime.ofNanoOfDay((Long) v * 1000);
            } else if (type == LocalDateTime.class) {
                return fromMicros((Long) v);
            }
        }
        if (type == Byte.class) {
            return v instanceof Number n && schema == null ? (Object) n.byteValue() : v;
        } else if (type == Short.class) {
            return v instanceof Number n && schema == null ? (Object) n.shortValue() : v;
        } else if (type == Integer.class) {
            return v instanceof Number n && schema == null ? (Object) n.intValue() : v;
        } else if (type == Float.class) {
            return v instanceof Number n && schema == null ? (Object) n.floatValue() : v;
        } else if (type == byte[].class) {
            return v instanceof String s ? java.util.Base64.getDecoder().decode(s) : v;
        } else if (type == BigDecimal.class) {
            return new BigDecimal((String) v);
        } else if (type == BigInteger.class) {
            return new BigInteger((String) v);
        } else if (type == UUID.class) {
            return UUID.fromString((String) v);
        } else if (type == Instant.class) {
            return Instant.parse((String) v);
        } else if (type == LocalDate.class) {
            return LocalDate.parse((String) v);
        } else if (type == LocalTime.class) {
            return LocalTime.parse((String) v);
        } else if (type == LocalDateTime.class) {
            return LocalDateTime.parse((String) v);
        }
        return v;
    }

    private static String expectedConnectType(Class<?> type, ValueEncoding enc) {
        if (type == BigDecimal.class && enc.decimals() == ValueEncoding.Decimals.NUMBER) {
            return "float64";
        } else if (enc.times() == ValueEncoding.Times.MICROS && type == LocalDate.class) {
            return "int32";
        } else if (enc.times() == ValueEncoding.Times.MICROS
                && (type == LocalTime.class || type == LocalDateTime.class)) {
            return "int64";
        }
        Map<Class<?>, String> m = Map.of(
                Boolean.class, "boolean",
                Byte.class, "int8",
                Short.class, "int16",
                Integer.class, "int32",
                Long.class, "int64",
                Float.class, "float32",
                Double.class, "float64",
                byte[].class, "bytes");
        return m.getOrDefault(type, "string");
    }

    private static void assertSame(Object expected, Object actual, String where) {
        if (expected instanceof byte[] e && actual instanceof byte[] a) {
            if (!Arrays.equals(e, a)) {
                fail(where + ": expected " + Arrays.toString(e) + " but was " + Arrays.toString(a));
            }
            return;
        }
        assertEquals(expected, actual, where);
    }
}
