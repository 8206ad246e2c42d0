package io.github.deltalog.kafka;

import java.io.ByteArrayOutputStream;
import java.util.Objects;

/**
 * The Kafka topic names of an export: one topic per table, {@code <prefix>.<escaped table>}, and the positions
 * topic {@code <prefix>.__positions}.
 *
 * <p>The escaping keeps {@code A-Z}, {@code a-z}, {@code 0-9} and {@code -} and writes every other byte of the
 * table name's UTF-8 encoding, {@code .} and {@code _} included, as {@code _} followed by two uppercase hex
 * digits: {@code orders} stays {@code orders}, {@code sales.eu_2024} becomes {@code sales_2Eeu_5F2024}, {@code
 * café} becomes {@code caf_C3_A9}. (An unpaired surrogate, which UTF-8 cannot hold, is written as the three
 * bytes its code unit would take, so that it too has its own name.) The rule is:
 *
 * <ul>
 *   <li>injective: two tables never share a topic, because decoding is the exact inverse ({@link #tableOf});
 *   <li>safe under Kafka's metric names, which treat {@code .} and {@code _} alike: the escaped part never holds
 *       a {@code .}, so two distinct topics of one prefix never differ only by {@code .} against {@code _};
 *   <li>disjoint from the positions topic: in an escaped name every {@code _} is followed by two uppercase hex
 *       digits, and {@code __positions} has a {@code _} followed by {@code _}.
 * </ul>
 *
 * <p>Names are never truncated or hashed (a collision would mix two tables): a table whose topic name would
 * exceed Kafka's limit of {@value #MAX_TOPIC_LENGTH} characters is refused with an {@link
 * IllegalArgumentException} naming it. Immutable and thread-safe.
 */
public final class TopicNames {
    /** Kafka's longest topic name. */
    public static final int MAX_TOPIC_LENGTH = 249;

    /** The last part of the positions topic's name. */
    public static final String POSITIONS_SUFFIX = "__positions";

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private final String prefix;

    private TopicNames(String prefix) {
        this.prefix = prefix;
    }

    /**
     * Returns the names under a prefix.
     *
     * @param prefix the first part of every topic name: non-empty, only {@code [A-Za-z0-9._-]}, not {@code .}
     *     or {@code ..}, and short enough to leave room for {@code .__positions}
     * @return the topic names
     * @throws IllegalArgumentException if the prefix is not a legal start of a Kafka topic name
     */
    public static TopicNames of(String prefix) {
        Objects.requireNonNull(prefix, "prefix");
        if (prefix.isEmpty()) {
            throw new IllegalArgumentException("the topic prefix must not be empty");
        }
        for (int i = 0; i < prefix.length(); i++) {
            char c = prefix.charAt(i);
            if (!isKept(c) && c != '.' && c != '_') {
                throw new IllegalArgumentException("the topic prefix '" + prefix + "' has the character '" + c + "' at "
                        + i + "; Kafka topic names allow only A-Z, a-z, 0-9, '.', '_' and '-'");
            }
        }
        if (prefix.equals(".") || prefix.equals("..")) {
            throw new IllegalArgumentException("the topic prefix must not be '" + prefix + "'");
        }
        int longest = prefix.length() + 1 + POSITIONS_SUFFIX.length();
        if (longest > MAX_TOPIC_LENGTH) {
            throw new IllegalArgumentException("the topic prefix '" + prefix + "' is too long: the positions topic"
                    + " would have " + longest + " characters, Kafka allows " + MAX_TOPIC_LENGTH);
        }
        return new TopicNames(prefix);
    }

    /**
     * Returns the prefix.
     *
     * @return the prefix
     */
    public String prefix() {
        return prefix;
    }

    /**
     * Returns the topic of a table. O(length of the name).
     *
     * @param table the table's name
     * @return {@code <prefix>.<escaped table>}
     * @throws IllegalArgumentException if the table name is empty or its topic name would exceed {@value
     *     #MAX_TOPIC_LENGTH} characters
     */
    public String topicOf(String table) {
        Objects.requireNonNull(table, "table");
        if (table.isEmpty()) {
            throw new IllegalArgumentException("a table name must not be empty");
        }
        String topic = prefix + '.' + escape(table);
        if (topic.length() > MAX_TOPIC_LENGTH) {
            throw new IllegalArgumentException("the topic of table '" + table + "' would have " + topic.length()
                    + " characters (prefix '" + prefix + "', the escaped name " + (topic.length() - prefix.length() - 1)
                    + "); Kafka allows " + MAX_TOPIC_LENGTH + ", and names are not shortened so that no two"
                    + " tables share a topic: use a shorter prefix or table name");
        }
        return topic;
    }

    /**
     * Returns the positions topic: {@code <prefix>.__positions}.
     *
     * @return the positions topic: {@code <prefix>.__positions}
     */
    public String positionsTopic() {
        return prefix + '.' + POSITIONS_SUFFIX;
    }

    /**
     * Tells whether a topic is a table topic of this prefix.
     *
     * @param topic a topic name
     * @return true if {@link #tableOf} would return a table
     */
    public boolean isTableTopic(String topic) {
        try {
            tableOf(topic);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * Returns the table of a topic: the inverse of {@link #topicOf}. O(length of the name).
     *
     * @param topic a topic name
     * @return the table's name
     * @throws IllegalArgumentException if the topic is not {@code <prefix>.} followed by a canonically escaped
     *     name (the positions topic included)
     */
    public String tableOf(String topic) {
        Objects.requireNonNull(topic, "topic");
        if (!topic.startsWith(prefix + '.')) {
            throw new IllegalArgumentException(
                    "topic '" + topic + "' is not under the prefix '" + prefix + ".' of a deltalog export");
        }
        String escaped = topic.substring(prefix.length() + 1);
        if (escaped.isEmpty()) {
            throw new IllegalArgumentException("topic '" + topic + "' names no table");
        }
        try {
            return unescape(escaped);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "topic '" + topic + "' is not the topic of a table: " + e.getMessage(), e);
        }
    }

    /**
     * Escapes a name by the rule in the class comment. O(length).
     *
     * @param name any string
     * @return the escaped name: only {@code [A-Za-z0-9_-]}
     */
    public static String escape(String name) {
        StringBuilder out = new StringBuilder(name.length() + 8);
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (isKept(c)) {
                out.append(c);
                continue;
            }
            int cp = c;
            if (Character.isHighSurrogate(c) && i + 1 < name.length() && Character.isLowSurrogate(name.charAt(i + 1))) {
                cp = Character.toCodePoint(c, name.charAt(++i));
            }
            // UTF-8; a lone surrogate takes the 3 bytes of its code unit (so every string has a distinct name).
            if (cp < 0x80) {
                hex(out, cp);
            } else if (cp < 0x800) {
                hex(out, 0xC0 | (cp >> 6));
                hex(out, 0x80 | (cp & 0x3F));
            } else if (cp < 0x10000) {
                hex(out, 0xE0 | (cp >> 12));
                hex(out, 0x80 | ((cp >> 6) & 0x3F));
                hex(out, 0x80 | (cp & 0x3F));
            } else {
                hex(out, 0xF0 | (cp >> 18));
                hex(out, 0x80 | ((cp >> 12) & 0x3F));
                hex(out, 0x80 | ((cp >> 6) & 0x3F));
                hex(out, 0x80 | (cp & 0x3F));
            }
        }
        return out.toString();
    }

    /**
     * Reverses {@link #escape}. Only the canonical form is accepted (a kept character written as an escape, a
     * lower-case hex digit or an over-long UTF-8 sequence is refused), so that each name has exactly one escaped
     * form. O(length).
     *
     * @param escaped an escaped name
     * @return the name
     * @throws IllegalArgumentException if the text is not an escaped name; the message says where
     */
    public static String unescape(String escaped) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(escaped.length());
        for (int i = 0; i < escaped.length(); i++) {
            char c = escaped.charAt(i);
            if (isKept(c)) {
                bytes.write(c);
            } else if (c == '_') {
                if (i + 2 >= escaped.length()) {
                    throw new IllegalArgumentException("'_' at " + i + " is not followed by two hex digits");
                }
                int hi = hexValue(escaped.charAt(i + 1));
                int lo = hexValue(escaped.charAt(i + 2));
                if (hi < 0 || lo < 0) {
                    throw new IllegalArgumentException("'_' at " + i + " is not followed by two uppercase hex digits");
                }
                int b = hi << 4 | lo;
                if (b < 0x80 && isKept((char) b)) {
                    throw new IllegalArgumentException("'_" + escaped.substring(i + 1, i + 3) + "' at " + i
                            + " escapes '" + (char) b + "', which is written as itself");
                }
                bytes.write(b);
                i += 2;
            } else {
                throw new IllegalArgumentException("'" + c + "' at " + i + " never occurs in an escaped name");
            }
        }
        String name = decodeUtf8(bytes.toByteArray());
        // A surrogate pair written as two 3-byte sequences decodes to the same string as its 4-byte form: the
        // re-escape check keeps exactly one escaped form per name.
        if (!escape(name).equals(escaped)) {
            throw new IllegalArgumentException("'" + escaped + "' is not the canonical escaped form of its name");
        }
        return name;
    }

    /** Decodes what {@link #escape} encodes: UTF-8, plus lone surrogates as 3-byte sequences. */
    private static String decodeUtf8(byte[] b) {
        StringBuilder out = new StringBuilder(b.length);
        int i = 0;
        while (i < b.length) {
            int b0 = b[i] & 0xFF;
            int n;
            int cp;
            int min;
            if (b0 < 0x80) {
                n = 1;
                cp = b0;
                min = 0;
            } else if (b0 >= 0xC2 && b0 < 0xE0) {
                n = 2;
                cp = b0 & 0x1F;
                min = 0x80;
            } else if (b0 >= 0xE0 && b0 < 0xF0) {
                n = 3;
                cp = b0 & 0x0F;
                min = 0x800;
            } else if (b0 >= 0xF0 && b0 < 0xF5) {
                n = 4;
                cp = b0 & 0x07;
                min = 0x10000;
            } else {
                throw new IllegalArgumentException(
                        "byte " + i + " (0x" + Integer.toHexString(b0) + ") starts no UTF-8 character");
            }
            if (i + n > b.length) {
                throw new IllegalArgumentException("the UTF-8 character at byte " + i + " is cut short");
            }
            for (int k = 1; k < n; k++) {
                int bk = b[i + k] & 0xFF;
                if ((bk & 0xC0) != 0x80) {
                    throw new IllegalArgumentException("byte " + (i + k) + " does not continue a UTF-8 character");
                }
                cp = cp << 6 | (bk & 0x3F);
            }
            if (cp < min || cp > Character.MAX_CODE_POINT) {
                throw new IllegalArgumentException("the UTF-8 character at byte " + i + " is not in its shortest form");
            }
            out.appendCodePoint(cp);
            i += n;
        }
        return out.toString();
    }

    private static boolean isKept(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
    }

    private static void hex(StringBuilder out, int b) {
        out.append('_').append(HEX[(b >> 4) & 0xF]).append(HEX[b & 0xF]);
    }

    private static int hexValue(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TopicNames t && t.prefix.equals(prefix);
    }

    @Override
    public int hashCode() {
        return prefix.hashCode();
    }

    @Override
    public String toString() {
        return "TopicNames(" + prefix + ")";
    }
}
