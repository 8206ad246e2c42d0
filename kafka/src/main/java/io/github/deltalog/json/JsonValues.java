package io.github.deltalog.json;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;
import java.util.UUID;

/** The typed mapping of tuple values to JSON and back, and checked access to parsed JSON. */
final class JsonValues {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private JsonValues() {}

    /** Appends a tuple value in its typed form. */
    static void appendValue(StringBuilder out, Object v) {
        if (v == null) {
            out.append("null");
        } else if (v instanceof Boolean b) {
            out.append(b.booleanValue());
        } else if (v instanceof String s) {
            appendString(out, s);
        } else if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
            out.append("{\"")
                    .append(wholeTag(v))
                    .append("\":")
                    .append(((Number) v).longValue())
                    .append('}');
        } else if (v instanceof Double d) {
            appendFloating(out, "double", d.doubleValue(), Double.toString(d.doubleValue()));
        } else if (v instanceof Float f) {
            appendFloating(out, "float", f.floatValue(), Float.toString(f.floatValue()));
        } else if (v instanceof byte[] bytes) {
            appendTagged(out, "bytes", Base64.getEncoder().encodeToString(bytes));
        } else {
            appendTagged(out, textTag(v), v.toString());
        }
    }

    private static String wholeTag(Object v) {
        if (v instanceof Integer) {
            return "int";
        }
        if (v instanceof Long) {
            return "long";
        }
        return v instanceof Short ? "short" : "byte";
    }

    private static String textTag(Object v) {
        if (v instanceof BigDecimal) {
            return "decimal";
        } else if (v instanceof BigInteger) {
            return "bigint";
        } else if (v instanceof UUID) {
            return "uuid";
        } else if (v instanceof Instant) {
            return "instant";
        } else if (v instanceof LocalDate) {
            return "date";
        } else if (v instanceof LocalTime) {
            return "time";
        } else if (v instanceof LocalDateTime) {
            return "datetime";
        }
        throw new IllegalArgumentException(
                "no JSON mapping for values of type " + v.getClass().getName());
    }

    private static void appendFloating(StringBuilder out, String tag, double value, String text) {
        out.append("{\"").append(tag).append("\":");
        if (Double.isNaN(value) || Double.isInfinite(value) || (value == 0 && 1 / value < 0)) {
            out.append('"').append(text).append('"'); // NaN, Infinity, -Infinity, -0.0: no JSON number holds them
        } else {
            out.append(text);
        }
        out.append('}');
    }

    private static void appendTagged(StringBuilder out, String tag, String text) {
        out.append("{\"").append(tag).append("\":");
        appendString(out, text);
        out.append('}');
    }

    /** Appends a JSON string with RFC 8259 escapes; other control characters as backslash-u escapes. */
    static void appendString(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"':
                    out.append("\\\"");
                    break;
                case '\\':
                    out.append("\\\\");
                    break;
                case '\n':
                    out.append("\\n");
                    break;
                case '\r':
                    out.append("\\r");
                    break;
                case '\t':
                    out.append("\\t");
                    break;
                default:
                    if (c < 0x20) {
                        out.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xF]);
                    } else {
                        out.append(c);
                    }
            }
        }
        out.append('"');
    }

    /** Reads a typed value back. */
    static Object value(Object json, String where) {
        if (json == null || json instanceof Boolean || json instanceof String) {
            return json;
        }
        if (!(json instanceof Map<?, ?> map) || map.size() != 1) {
            throw new IllegalArgumentException(where + " must be null, a boolean, a string or a one-key object"
                    + " naming its type, such as {\"int\":1}");
        }
        Iterator<? extends Map.Entry<?, ?>> it = map.entrySet().iterator();
        Map.Entry<?, ?> e = it.next();
        String tag = (String) e.getKey();
        Object v = e.getValue();
        String at = where + "." + tag;
        try {
            switch (tag) {
                case "int":
                    return Integer.parseInt(number(v, at));
                case "long":
                    return Long.parseLong(number(v, at));
                case "short":
                    return Short.parseShort(number(v, at));
                case "byte":
                    return Byte.parseByte(number(v, at));
                case "double":
                    return Double.parseDouble(floating(v, at));
                case "float":
                    return Float.parseFloat(floating(v, at));
                case "decimal":
                    return new BigDecimal(string(v, at));
                case "bigint":
                    return new BigInteger(string(v, at));
                case "uuid":
                    return uuid(string(v, at));
                case "instant":
                    return Instant.parse(string(v, at));
                case "date":
                    return LocalDate.parse(string(v, at));
                case "time":
                    return LocalTime.parse(string(v, at));
                case "datetime":
                    return LocalDateTime.parse(string(v, at));
                case "bytes":
                    return Base64.getDecoder().decode(string(v, at));
                default:
                    throw new IllegalArgumentException(where + " has unknown type \"" + tag + "\"");
            }
        } catch (NumberFormatException | DateTimeParseException e2) {
            throw new IllegalArgumentException(at + " is not a valid value: " + e2.getMessage(), e2);
        }
    }

    private static UUID uuid(String text) {
        UUID u = UUID.fromString(text);
        if (!u.toString().equalsIgnoreCase(text)) { // fromString accepts short groups such as "1-2-3-4-5"
            throw new IllegalArgumentException("not a canonical UUID: " + text);
        }
        return u;
    }

    private static String floating(Object v, String where) {
        if (v instanceof String s) {
            if (s.equals("NaN") || s.equals("Infinity") || s.equals("-Infinity") || s.equals("-0.0")) {
                return s;
            }
            throw new IllegalArgumentException(
                    where + " must be a number or one of \"NaN\", \"Infinity\", \"-Infinity\", \"-0.0\"");
        }
        return number(v, where);
    }

    private static String number(Object v, String where) {
        if (!(v instanceof JsonParser.Num n)) {
            throw new IllegalArgumentException(where + " must be a number");
        }
        return n.text();
    }

    /** Returns a JSON number as an exact long. */
    static long longNumber(Object v, String where) {
        try {
            return Long.parseLong(number(v, where));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(where + " must be a whole number within the range of a long", e);
        }
    }

    /** Returns a JSON string. */
    static String string(Object v, String where) {
        if (!(v instanceof String s)) {
            throw new IllegalArgumentException(where + " must be a string");
        }
        return s;
    }

    /** Returns a JSON object. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> object(Object v, String where) {
        if (!(v instanceof Map<?, ?>)) {
            throw new IllegalArgumentException(where + " must be a JSON object");
        }
        return (Map<String, Object>) v;
    }

    /** Returns a key's value, which must be present (it may be null). */
    static Object required(Map<String, Object> map, String key, String where) {
        if (!map.containsKey(key)) {
            throw new IllegalArgumentException(where + " has no \"" + key + "\"");
        }
        return map.get(key);
    }
}
