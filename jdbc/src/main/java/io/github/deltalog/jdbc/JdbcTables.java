package io.github.deltalog.jdbc;

import io.github.deltalog.Column;
import io.github.deltalog.ColumnType;
import io.github.deltalog.TableSchema;
import io.github.deltalog.sync.JdbcTable;
import io.github.deltalog.sync.JdbcTarget;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Builds the {@link JdbcTable} of a {@link JdbcTarget} from the database's own metadata (H2, SQLite): the columns,
 * the row id column (the single integer primary key, or SQLite's {@code rowid}) and a value mapping that reads
 * values the way capture does ({@link Values}, then {@link ValueConversions}: SQLite's Integer-or-Long becomes the
 * column's type). Given the log schema of a table captured from another database, it reads and writes this
 * database's table in that schema's types, so a change set captured from H2 applies to SQLite and back: the
 * target's rows compare equal to the change set's before images.
 *
 * <pre>{@code
 * JdbcTable orders = JdbcTables.of(sqlite, "orders", log.schema("ORDERS").orElseThrow());
 * new ChangeApplier(new JdbcTarget(sqlite, List.of(orders))).apply(log.diff(List.of("ORDERS"), t1, t2));
 * }</pre>
 *
 * <p>Decimals take the target column's declared scale where exact (declare the same scale on both sides for equal
 * before images). Stateless; each call reads the metadata once.
 */
public final class JdbcTables {
    private JdbcTables() {}

    /**
     * Describes a table with the log types capture gives its own columns; the deltalog table name is the table's
     * name as the database stores it (as capture names it).
     *
     * @param c a connection to the database
     * @param table the SQL table name as typed (found as is, upper-cased or lower-cased)
     * @return the mapping
     * @throws CaptureException if there is no such table, it has no usable row id, or a column has no log type
     */
    public static JdbcTable of(Connection c, String table) {
        try {
            Dialect dialect = Dialect.of(c);
            TableShape shape = Installer.describe(c, dialect, table);
            return build(c, dialect, shape.table(), shape, LogSchema.of(shape, dialect));
        } catch (SQLException e) {
            throw Failures.of("cannot read the metadata of table " + table, e);
        }
    }

    /**
     * Describes a table read and written in the types of a log schema (of a table captured from this or another
     * database), matching columns by name regardless of case; the deltalog table name is the schema's table.
     *
     * @param c a connection to the database
     * @param table the SQL table name as typed
     * @param schema a registered schema ({@code log.schema(name)}), whose columns the table must all have
     * @return the mapping
     * @throws CaptureException if there is no such table, it has no usable row id or lacks a column of the schema
     * @throws IllegalArgumentException if the schema was only built, not registered (it names no table)
     */
    public static JdbcTable of(Connection c, String table, TableSchema schema) {
        if (schema.table() == null) {
            throw new IllegalArgumentException("the schema names no table (it was not registered with a log): use"
                    + " of(connection, logTable, table, schema)");
        }
        return of(c, schema.table(), table, schema);
    }

    /**
     * Describes a table read and written in the types of a log schema, for a deltalog table of another name.
     *
     * @param c a connection to the database
     * @param logTable the deltalog table name the change sets use
     * @param table the SQL table name as typed
     * @param schema the log schema, whose columns the table must all have (by name, regardless of case)
     * @return the mapping
     * @throws CaptureException if there is no such table, it has no usable row id or lacks a column of the schema
     */
    public static JdbcTable of(Connection c, String logTable, String table, TableSchema schema) {
        try {
            Dialect dialect = Dialect.of(c);
            return build(c, dialect, logTable, Installer.describe(c, dialect, table), schema);
        } catch (SQLException e) {
            throw Failures.of("cannot read the metadata of table " + table, e);
        }
    }

    private static JdbcTable build(Connection c, Dialect dialect, String logTable, TableShape shape, TableSchema schema)
            throws SQLException {
        Map<String, CapturedColumn> byName = new HashMap<>();
        for (CapturedColumn col : shape.columns()) {
            byName.put(col.name().toLowerCase(Locale.ROOT), col);
        }
        Map<String, Integer> scales = scales(c, shape.table());
        List<String> names = new ArrayList<>();
        List<Class<?>> classes = new ArrayList<>();
        int n = schema.columns().size();
        ColumnType[] types = new ColumnType[n];
        int[] scale = new int[n];
        for (int i = 0; i < n; i++) {
            Column want = schema.columns().get(i);
            CapturedColumn col = byName.get(want.name().toLowerCase(Locale.ROOT));
            if (col == null) {
                throw new CaptureException("table " + shape.table() + " in the " + dialect.name()
                        + " database has no column " + want.name() + " (the log's schema of " + logTable + " has "
                        + schema.names() + ")");
            }
            names.add(col.name());
            classes.add(want.type().javaType());
            types[i] = want.type();
            int declared = ValueConversions.declaredScale(col.type());
            Integer stated = scales.get(col.name());
            scale[i] = declared >= 0 || stated == null ? declared : stated;
        }
        String id = shape.rowIdColumn() != null ? shape.rowIdColumn() : "rowid";
        boolean sqlite = dialect instanceof SqliteDialect;
        Class<?>[] readAs = new Class<?>[n];
        for (int i = 0; i < n; i++) {
            readAs[i] = sqlite
                    ? null
                    : temporalClass(
                            byName.get(names.get(i).toLowerCase(Locale.ROOT)).type());
        }
        return new JdbcTable(
                logTable,
                shape.table(),
                id,
                names,
                classes,
                new Mapping(shape.table(), names, types, scale, readAs, sqlite));
    }

    /**
     * The java.time class an H2 date or time column is read as: {@code getObject(int)} gives the legacy
     * {@code java.sql} classes, and {@code java.sql.Time} drops fractions of a second.
     */
    private static Class<?> temporalClass(String h2Type) {
        return switch (h2Type) {
            case "DATE" -> LocalDate.class;
            case "TIME" -> LocalTime.class;
            case "TIMESTAMP" -> LocalDateTime.class;
            case "TIME WITH TIME ZONE" -> OffsetTime.class;
            case "TIMESTAMP WITH TIME ZONE" -> OffsetDateTime.class;
            default -> null;
        };
    }

    /** The scale of each decimal column the metadata states (H2's; sqlite-jdbc may not state it). */
    private static Map<String, Integer> scales(Connection c, String table) throws SQLException {
        Map<String, Integer> scales = new HashMap<>();
        try (ResultSet rs = c.getMetaData().getColumns(null, null, table, null)) {
            while (rs.next()) {
                if (rs.getString("TABLE_NAME").equals(table)
                        && (rs.getInt("DATA_TYPE") == java.sql.Types.DECIMAL
                                || rs.getInt("DATA_TYPE") == java.sql.Types.NUMERIC)) {
                    int digits = rs.getInt("DECIMAL_DIGITS");
                    if (!rs.wasNull()) {
                        scales.put(rs.getString("COLUMN_NAME"), digits);
                    }
                }
            }
        }
        return scales;
    }

    /** Reads through {@link Values} and {@link ValueConversions}; writes SQLite's values as it stores them. */
    private record Mapping(
            String table, List<String> names, ColumnType[] types, int[] scales, Class<?>[] readAs, boolean sqlite)
            implements JdbcTable.ValueMapping {
        @Override
        public Object read(ResultSet rs, int index, int column) throws SQLException {
            Object raw = readAs[column] == null ? rs.getObject(index) : rs.getObject(index, readAs[column]);
            if (raw == null) {
                return null;
            }
            Object v = Values.toTupleValue(raw, table, names.get(column));
            Object conformed = ValueConversions.conform(v, types[column], scales[column]);
            if (conformed == null) {
                throw new SQLException("column " + names.get(column) + " of table " + table + " holds "
                        + ValueConversions.describe(v) + ", which has no lossless " + types[column] + " form");
            }
            return conformed;
        }

        @Override
        public Object toDatabase(int column, Object value) {
            return sqlite ? ValueConversions.toSqlite(value) : value;
        }
    }
}
