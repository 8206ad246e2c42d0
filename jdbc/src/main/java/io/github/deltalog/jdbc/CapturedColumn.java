package io.github.deltalog.jdbc;

import java.util.Objects;

/**
 * One column of a captured table as the database's metadata describes it.
 *
 * @param name the column name as the database stores it
 * @param type the database's type name ({@code INTEGER}, {@code CHARACTER VARYING}, {@code TEXT}...)
 */
public record CapturedColumn(String name, String type) {
    /**
     * Checks the fields.
     *
     * @param name the column name as the database stores it
     * @param type the database's type name ({@code INTEGER}, {@code CHARACTER VARYING}, {@code TEXT}...)
     * @throws NullPointerException if a field is null
     */
    public CapturedColumn {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
    }
}
