package io.github.deltalog.json;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.UUID;

/**
 * The plain JSON mapping of tuple values that Flink's {@code debezium-json} and Kafka Connect's {@code
 * JsonConverter} read, with the Connect type and the semantic name of each (the README's type table):
 *
 * <table>
 *   <caption>value type, JSON, Connect type, semantic name</caption>
 *   <tr><td>Boolean</td><td>true/false</td><td>boolean</td><td></td></tr>
 *   <tr><td>Byte, Short, Integer, Long</td><td>number</td><td>int8, int16, int32, int64</td><td></td></tr>
 *   <tr><td>Float, Double</td><td>number; "NaN", "Infinity", "-Infinity" as strings</td><td>float, double</td>
 *       <td></td></tr>
 *   <tr><td>String</td><td>string</td><td>string</td><td></td></tr>
 *   <tr><td>byte[]</td><td>base64 string</td><td>bytes</td><td></td></tr>
 *   <tr><td>BigDecimal</td><td>string, scale kept ("9.50")</td><td>string</td><td>{@value #DECIMAL}</td></tr>
 *   <tr><td>BigInteger</td><td>string</td><td>string</td><td>{@value #BIG_INTEGER}</td></tr>
 *   <tr><td>UUID</td><td>string</td><td>string</td><td>io.debezium.data.Uuid</td></tr>
 *   <tr><td>Instant</td><td>ISO-8601 UTC string</td><td>string</td><td>io.debezium.time.ZonedTimestamp</td></tr>
 *   <tr><td>LocalDate, LocalTime, LocalDateTime</td><td>ISO-8601 string</td><td>string</td>
 *       <td>io.debezium.time.IsoDate, IsoTime, IsoTimestamp</td></tr>
 * </table>
 *
 * <p>{@link ValueEncoding} changes two rows: with {@link ValueEncoding.Decimals#NUMBER} a BigDecimal is a JSON number
 * with its exact digits, Connect type double (semantic name kept); with {@link ValueEncoding.Times#MICROS} a
 * LocalDate is an int32 of days ({@code io.debezium.time.Date}), a LocalTime an int64 of microseconds of the day
 * ({@code io.debezium.time.MicroTime}), a LocalDateTime an int64 of microseconds since the epoch ({@code
 * io.debezium.time.MicroTimestamp}). {@link #read} takes either form of each.
 */
final class PlainValues {
    /** The semantic name of a BigDecimal column (Debezium's decimal.handling.mode=string names none). */
    static final String DECIMAL = "io.github.deltalog.data.Decimal";
    /** The semantic name of a BigInteger column. */
    static final String BIG_INTEGER = "io.github.deltalog.data.BigInteger";

    private PlainValues() {}

    /** The semantic names of the numeric date and time encodings ({@link ValueEncoding.Times#MICROS}). */
    static final String DATE = "io.debezium.time.Date";

    static final String MICRO_TIME = "io.debezium.time.MicroTime";
    static final String MICRO_TIMESTAMP = "io.debezium.time.MicroTimestamp";

    private static final long MICROS_PER_SECOND = 1_000_000L;

    /**
     * Appends a tuple value as plain JSON.
     *
     * @throws IllegalArgumentException if the value has no JSON mapping, or does not fit the encoding (a time with
     *     nanoseconds written as microseconds)
     */
    static void append(StringBuilder out, Object v, ValueEncoding enc) {
        if (enc.decimals() == ValueEncoding.Decimals.NUMBER && v instanceof BigDecimal d) {
            out.append(d.toString()); // exact digits and scale; an exponent ("1E+3") is a JSON number too
            return;
        }
        if (enc.times() == ValueEncoding.Times.MICROS) {
            if (v instanceof LocalDate d) {
                long days = d.toEpochDay();
                if (days != (int) days) {
                    throw new IllegalArgumentException(
                            "the date " + d + " is out of the range of " + DATE + " (int32 days since 1970-01-01)");
                }
                out.append(days);
                return;
            } else if (v instanceof LocalTime t) {
                out.append(micros(t.toNanoOfDay(), t, MICRO_TIME));
                return;
            } else if (v instanceof LocalDateTime t) {
                try {
                    long micros = Math.multiplyExact(t.toEpochSecond(ZoneOffset.UTC), MICROS_PER_SECOND);
                    out.append(Math.addExact(micros, micros(t.getNano(), t, MICRO_TIMESTAMP)));
                } catch (ArithmeticException e) {
                    throw new IllegalArgumentException(
                            "the timestamp " + t + " is out of the range of " + MICRO_TIMESTAMP
                                    + " (int64 microseconds since 1970-01-01T00:00)",
                            e);
                }
                return;
            }
        }
        append(out, v);
    }

    private static long micros(long nanos, Object value, String name) {
        if (nanos % 1000 != 0) {
            throw new IllegalArgumentException("the value " + value + " has a fraction finer than a microsecond, which "
                    + name + " (microseconds) cannot hold; write times as ISO strings to keep it");
        }
        return nanos / 1000;
    }

    /** Appends a tuple value as plain JSON in the default encoding. */
    static void append(StringBuilder out, Object v) {
        if (v == null) {
            out.append("null");
        } else if (v instanceof Boolean b) {
            out.append(b.booleanValue());
        } else if (v instanceof String s) {
            JsonValues.appendString(out, s);
        } else if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
            out.append(((Number) v).longValue());
        } else if (v instanceof Double d) {
            appendFloating(out, d, Double.toString(d));
        } else if (v instanceof Float f) {
            appendFloating(out, f, Float.toString(f));
        } else if (v instanceof byte[] bytes) {
            out.append('"').append(Base64.getEncoder().encodeToString(bytes)).append('"');
        } else if (v instanceof BigDecimal
                || v instanceof BigInteger
                || v instanceof UUID
                || v instanceof Instant
                || v instanceof LocalDate
                || v instanceof LocalTime
                || v instanceof LocalDateTime) {
            JsonValues.appendString(out, v.toString());
        } else {
            throw new IllegalArgumentException(
                    "no JSON mapping for values of type " + v.getClass().getName());
        }
    }

    private static void appendFloating(StringBuilder out, double value, String text) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            out.append('"').append(text).append('"'); // no JSON number holds them; both readers parse the text
        } else {
            out.append(text);
        }
    }

    /** Returns the Connect schema type of a value type in an encoding. */
    static String connectType(Class<?> type, ValueEncoding enc) {
        if (type == BigDecimal.class && enc.decimals() == ValueEncoding.Decimals.NUMBER) {
            return "double";
        } else if (enc.times() == ValueEncoding.Times.MICROS && type == LocalDate.class) {
            return "int32";
        } else if (enc.times() == ValueEncoding.Times.MICROS
                && (type == LocalTime.class || type == LocalDateTime.class)) {
            return "int64";
        } else if (type == Boolean.class) {
            return "boolean";
        } else if (type == Byte.class) {
            return "int8";
        } else if (type == Short.class) {
            return "int16";
        } else if (type == Integer.class) {
            return "int32";
        } else if (type == Long.class) {
            return "int64";
        } else if (type == Float.class) {
            return "float";
        } else if (type == Double.class) {
            return "double";
        } else if (type == byte[].class) {
            return "bytes";
        }
        return "string";
    }

    /** Returns the semantic name of a value type in an encoding, or null if it has none. */
    static String semanticName(Class<?> type, ValueEncoding enc) {
        if (enc.times() == ValueEncoding.Times.MICROS) {
            if (type == LocalDate.class) {
                return DATE;
            } else if (type == LocalTime.class) {
                return MICRO_TIME;
            } else if (type == LocalDateTime.class) {
                return MICRO_TIMESTAMP;
            }
        }
        if (type == BigDecimal.class) {
            return DECIMAL;
        } else if (type == BigInteger.class) {
            return BIG_INTEGER;
        } else if (type == UUID.class) {
            return "io.debezium.data.Uuid";
        } else if (type == Instant.class) {
            return "io.debezium.time.ZonedTimestamp";
        } else if (type == LocalDate.class) {
            return "io.debezium.time.IsoDate";
        } else if (type == LocalTime.class) {
            return "io.debezium.time.IsoTime";
        } else if (type == LocalDateTime.class) {
            return "io.debezium.time.IsoTimestamp";
        }
        return null;
    }

    /** Returns the value type a Connect type and semantic name stand for. */
    static Class<?> typeOf(String connectType, String name, String where) {
        if (name != null) {
            switch (name) {
                case DECIMAL:
                    return BigDecimal.class;
                case BIG_INTEGER:
                    return BigInteger.class;
                case "io.debezium.data.Uuid":
                    return UUID.class;
                case "io.debezium.time.ZonedTimestamp":
                    return Instant.class;
                case "io.debezium.time.IsoDate":
                    return LocalDate.class;
                case "io.debezium.time.IsoTime":
                    return LocalTime.class;
                case "io.debezium.time.IsoTimestamp":
                case MICRO_TIMESTAMP:
                    return LocalDateTime.class;
                case DATE:
                    return LocalDate.class;
                case MICRO_TIME:
                    return LocalTime.class;
                default:
                    // an unknown semantic name: the plain Connect type says enough
            }
        }
        switch (connectType) {
            case "boolean":
                return Boolean.class;
            case "int8":
                return Byte.class;
            case "int16":
                return Short.class;
            case "int32":
                return Integer.class;
            case "int64":
                return Long.class;
            case "float":
                return Float.class;
            case "double":
                return Double.class;
            case "bytes":
                return byte[].class;
            case "string":
                return String.class;
            default:
                throw new IllegalArgumentException(where + " has Connect type \"" + connectType
                        + "\"; expected boolean, int8, int16, int32, int64, float, double, bytes or string");
        }
    }

    /**
     * Reads a plain JSON value back as a value of a type; with no type, as the JSON says: true/false as Boolean, a
     * whole number as Long, another number as Double, a string as String.
     */
    static Object read(Object json, Class<?> type, String where) {
        if (json == null) {
            return null;
        }
        try {
            if (type == null) {
                if (json instanceof JsonParser.Num n) {
                    String t = n.text();
                    if (t.indexOf('.') >= 0 || t.indexOf('e') >= 0 || t.indexOf('E') >= 0) {
                        return Double.parseDouble(t);
                    }
                    return Long.parseLong(t);
                }
                if (json instanceof Boolean || json instanceof String) {
                    return json;
                }
                throw new IllegalArgumentException(where + " must be a plain JSON value (not an array or object)");
            }
            if (type == Boolean.class) {
                if (!(json instanceof Boolean)) {
                    throw new IllegalArgumentException(where + " must be true or false");
                }
                return json;
            } else if (type == Byte.class) {
                return Byte.parseByte(number(json, where));
            } else if (type == Short.class) {
                return Short.parseShort(number(json, where));
            } else if (type == Integer.class) {
                return Integer.parseInt(number(json, where));
            } else if (type == Long.class) {
                return Long.parseLong(number(json, where));
            } else if (type == Float.class) {
                return Float.parseFloat(floating(json, where));
            } else if (type == Double.class) {
                return Double.parseDouble(floating(json, where));
            }
            if (json instanceof JsonParser.Num n) {
                return fromNumber(n.text(), type, where);
            }
            String s = JsonValues.string(json, where);
            if (type == String.class) {
                return s;
            } else if (type == byte[].class) {
                return Base64.getDecoder().decode(s);
            } else if (type == BigDecimal.class) {
                return new BigDecimal(s);
            } else if (type == BigInteger.class) {
                return new BigInteger(s);
            } else if (type == UUID.class) {
                return UUID.fromString(s);
            } else if (type == Instant.class) {
                return Instant.parse(s);
            } else if (type == LocalDate.class) {
                return LocalDate.parse(s);
            } else if (type == LocalTime.class) {
                return LocalTime.parse(s);
            } else if (type == LocalDateTime.class) {
                return LocalDateTime.parse(s);
            }
            throw new IllegalArgumentException(where + " has no JSON mapping for type " + type.getName());
        } catch (NumberFormatException | DateTimeException | ArithmeticException e) {
            throw new IllegalArgumentException(
                    where + " is not a valid " + (type == null ? "number" : type.getSimpleName()) + ": "
                            + e.getMessage(),
                    e);
        }
    }

    /** A BigDecimal, LocalDate, LocalTime or LocalDateTime written as a number ({@link ValueEncoding}). */
    private static Object fromNumber(String text, Class<?> type, String where) {
        if (type == BigDecimal.class) {
            return new BigDecimal(text);
        } else if (type == LocalDate.class) {
            return LocalDate.ofEpochDay(Long.parseLong(text));
        } else if (type == LocalTime.class) {
            return LocalTime.ofNanoOfDay(Math.multiplyExact(Long.parseLong(text), 1000L));
        } else if (type == LocalDateTime.class) {
            long micros = Long.parseLong(text);
            return LocalDateTime.ofEpochSecond(
                    Math.floorDiv(micros, MICROS_PER_SECOND),
                    (int) Math.floorMod(micros, MICROS_PER_SECOND) * 1000,
                    ZoneOffset.UTC);
        }
        throw new IllegalArgumentException(where + " must be a string, not a number");
    }

    private static String number(Object json, String where) {
        if (!(json instanceof JsonParser.Num n)) {
            throw new IllegalArgumentException(where + " must be a number");
        }
        return n.text();
    }

    private static String floating(Object json, String where) {
        if (json instanceof String s && (s.equals("NaN") || s.equals("Infinity") || s.equals("-Infinity"))) {
            return s;
        }
        return number(json, where);
    }
}
