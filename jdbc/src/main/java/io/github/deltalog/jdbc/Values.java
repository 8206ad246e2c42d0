package io.github.deltalog.jdbc;

import java.io.Reader;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.UUID;

/**
 * Turns a value as a JDBC driver returns it into one of the log's tuple value types (DESIGN §5). The mapping is
 * documented in the README's capture section: java.time values stay as they are, a timestamp or time with time zone
 * becomes its ISO-8601 string with the offset ({@code 2024-01-02T03:04:05-05:00}, which
 * {@link OffsetDateTime#parse} reads back; an {@link Instant} would drop the offset), the legacy {@code java.sql}
 * date and time classes their java.time equivalents, CLOB and BLOB their String and byte[].
 */
final class Values {
    private Values() {}

    /**
     * Converts one value.
     *
     * @param value the driver's value, may be null
     * @param table the table, for the error message
     * @param column the column, for the error message
     * @return a value {@link io.github.deltalog.Tuple} accepts
     * @throws SQLException if the value has no tuple type (the message names table, column and Java type)
     */
    static Object toTupleValue(Object value, String table, String column) throws SQLException {
        if (value == null
                || value instanceof Boolean
                || value instanceof Byte
                || value instanceof Short
                || value instanceof Integer
                || value instanceof Long
                || value instanceof Float
                || value instanceof Double
                || value instanceof String
                || value instanceof byte[]
                || value instanceof BigDecimal
                || value instanceof BigInteger
                || value instanceof UUID
                || value instanceof Instant
                || value instanceof LocalDate
                || value instanceof LocalTime
                || value instanceof LocalDateTime) {
            return value;
        }
        if (value instanceof OffsetDateTime odt) {
            // A String, not an Instant: the offset is data (the writer's local time), and an Instant drops it.
            return DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(odt);
        }
        if (value instanceof ZonedDateTime zdt) {
            return DateTimeFormatter.ISO_ZONED_DATE_TIME.format(zdt);
        }
        if (value instanceof OffsetTime ot) {
            return ot.toString();
        }
        if (value instanceof java.sql.Timestamp ts) {
            return ts.toLocalDateTime();
        }
        if (value instanceof java.sql.Date d) {
            return d.toLocalDate();
        }
        if (value instanceof java.sql.Time t) {
            return t.toLocalTime();
        }
        if (value instanceof Character c) {
            return c.toString();
        }
        if (value instanceof Clob clob) {
            try (Reader r = clob.getCharacterStream()) {
                StringWriter w = new StringWriter();
                r.transferTo(w);
                return w.toString();
            } catch (java.io.IOException e) {
                throw new SQLException("cannot read CLOB column " + column + " of table " + table, e);
            }
        }
        if (value instanceof Blob blob) {
            long n = blob.length();
            if (n > Integer.MAX_VALUE) {
                throw new SQLException("BLOB column " + column + " of table " + table + " holds " + n
                        + " bytes, more than a log value can");
            }
            return blob.getBytes(1, (int) n);
        }
        throw new SQLException("deltalog capture: column " + column + " of table " + table + " holds a "
                + value.getClass().getName() + ", which the log cannot record (see the README's type mapping)");
    }
}
