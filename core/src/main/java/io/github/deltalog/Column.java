package io.github.deltalog;

import java.util.Objects;

/**
 * A column of a {@link TableSchema}.
 *
 * @param name its name, not blank, unique within its schema
 * @param type its value type
 * @param nullable whether it may hold null
 */
public record Column(String name, ColumnType type, boolean nullable) {
    /**
     * Checks the parts.
     *
     * @param name its name, not blank, unique within its schema
     * @param type its value type
     * @param nullable whether it may hold null
     * @throws IllegalArgumentException if the name is blank or has an unpaired surrogate
     * @throws NullPointerException if the name or type is null
     */
    public Column {
        Objects.requireNonNull(name, "column name");
        Objects.requireNonNull(type, "column type");
        checkName(name);
    }

    /** Throws unless a column name is not blank and storable as UTF-8. */
    static void checkName(String name) {
        if (name.trim().isEmpty()) {
            throw new IllegalArgumentException("a column name must not be blank: '" + name + "'");
        }
        if (Tuple.unpairedSurrogate(name) >= 0) {
            throw new IllegalArgumentException("column name '" + name + "' has an unpaired surrogate");
        }
    }
}
