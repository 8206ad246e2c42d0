package io.github.deltalog.bench.report;

import java.util.Locale;

/** Number formatting for the results page. */
final class Figures {
    private Figures() {}

    /** Formats with an SI suffix and three significant digits: {@code 1.23 M}, {@code 456 k}, {@code 7.8}. */
    static String si(double v) {
        if (Double.isNaN(v)) {
            return "—";
        }
        String[] suffixes = {"", " k", " M", " G", " T"};
        int i = 0;
        double x = v;
        while (Math.abs(x) >= 1000 && i < suffixes.length - 1) {
            x /= 1000;
            i++;
        }
        String digits = Math.abs(x) >= 100 ? "%.0f" : Math.abs(x) >= 10 ? "%.1f" : "%.2f";
        return String.format(Locale.ROOT, digits, x) + suffixes[i];
    }

    /** Formats a ratio: {@code 0.85×}, {@code 12.3×}, {@code 1,234×}. */
    static String ratio(double r) {
        if (Double.isNaN(r) || Double.isInfinite(r)) {
            return "—";
        }
        if (r >= 1000) {
            return String.format(Locale.ROOT, "%,.0f×", r);
        }
        return String.format(Locale.ROOT, r >= 100 ? "%.0f×" : r >= 10 ? "%.1f×" : "%.2f×", r);
    }
}
