package io.github.deltalog.cli;

import java.util.Locale;

/** Numbers for people: sizes, durations, counts. */
final class Format {
    private Format() {}

    /** A byte count with its unit, then exact: {@code 14.2 MB (14,876,123 bytes)}. */
    static String bytes(long n) {
        String exact = String.format(Locale.ROOT, "%,d bytes", n);
        if (n < 1024) {
            return exact;
        }
        double kb = n / 1024.0;
        String unit = kb < 1024
                ? String.format(Locale.ROOT, "%.1f KB", kb)
                : String.format(Locale.ROOT, "%.1f MB", kb / 1024);
        return unit + " (" + exact + ")";
    }

    /** A duration in nanoseconds as milliseconds or seconds, to about three digits. */
    static String duration(long nanos) {
        double ms = nanos / 1e6;
        if (ms < 10) {
            return String.format(Locale.ROOT, "%.2f ms", ms);
        }
        if (ms < 10_000) {
            return String.format(Locale.ROOT, "%,.0f ms", ms);
        }
        return String.format(Locale.ROOT, "%.1f s", ms / 1000);
    }

    /** A count and a noun, singular for 1: {@code 1 table}, {@code 2 tables}, {@code 1,000 deltas}. */
    static String plural(long n, String noun) {
        return count(n) + " " + noun + (n == 1 ? "" : "s");
    }

    /** A count with thousands separators. */
    static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /**
     * Makes a name safe to print on a terminal: control characters (newlines, escape sequences, NUL) and the
     * backslash become Java-style escapes, so that a table name cannot forge or garble output lines.
     */
    static String printable(String name) {
        StringBuilder b = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            switch (c) {
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }
}
