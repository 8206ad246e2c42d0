package io.github.deltalog;

import java.util.Objects;

/** Checks table and consumer names before they reach the catalog or the journal. */
final class TableNames {
    private TableNames() {}

    /**
     * Throws unless a name is usable: not null, not blank, at most {@code maxLength} chars, and storable as UTF-8.
     *
     * @throws IllegalArgumentException naming what is wrong with the name
     */
    static void check(String table, int maxLength) {
        Objects.requireNonNull(table, "table");
        if (table.length() > maxLength) {
            throw new IllegalArgumentException("table name of " + table.length() + " chars exceeds " + maxLength + ": '"
                    + table.substring(0, 40) + "...'");
        }
        int lone = Tuple.unpairedSurrogate(table);
        if (lone >= 0) {
            // Names are journaled and stored as UTF-8, which would turn a lone surrogate into '?'.
            throw new IllegalArgumentException(
                    "name has an unpaired surrogate at index " + lone + ": it cannot be" + " stored as UTF-8");
        }
        for (int i = 0; i < table.length(); i++) {
            if (!Character.isWhitespace(table.charAt(i))) {
                return;
            }
        }
        throw new IllegalArgumentException("table name must not be blank: '" + table + "'");
    }
}
