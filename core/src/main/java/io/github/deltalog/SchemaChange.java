package io.github.deltalog;

import java.util.Objects;

/**
 * One change of a table's schema, applied by {@link DeltaLog#alterTable}: each creates a new schema version.
 * Earlier deltas keep the version they were written under and can be read upcast to the current one ({@link
 * ReadAs#CURRENT}).
 */
public sealed interface SchemaChange
        permits SchemaChange.AddColumn, SchemaChange.DropColumn, SchemaChange.RenameColumn, SchemaChange.WidenColumn {

    /**
     * Adds a column at the end.
     *
     * @param name the new column's name, not used by another column
     * @param type its type
     * @param nullable whether it may hold null
     * @param defaultValue the value older rows get when upcast; of the column's type, null only if nullable
     * @return the change
     */
    static SchemaChange addColumn(String name, ColumnType type, boolean nullable, Object defaultValue) {
        return new AddColumn(new Column(name, type, nullable), defaultValue);
    }

    /**
     * Drops a column (not a key column): upcast rows lose it.
     *
     * @param name the column
     * @return the change
     */
    static SchemaChange dropColumn(String name) {
        return new DropColumn(name);
    }

    /**
     * Renames a column; its values and key membership stay.
     *
     * @param from the current name
     * @param to the new name, not used by another column
     * @return the change
     */
    static SchemaChange renameColumn(String from, String to) {
        return new RenameColumn(from, to);
    }

    /**
     * Widens a column's type (see {@link ColumnType#widensTo}): upcast rows get converted values.
     *
     * @param name the column
     * @param to the wider type
     * @return the change
     */
    static SchemaChange widenColumn(String name, ColumnType to) {
        return new WidenColumn(name, to);
    }

    /**
     * Adds a column.
     *
     * @param column the new column
     * @param defaultValue its value in rows written before
     */
    record AddColumn(Column column, Object defaultValue) implements SchemaChange {
        /**
         * Checks the parts.
         *
         * @param column the new column
         * @param defaultValue its value in rows written before
         */
        public AddColumn {
            Objects.requireNonNull(column, "column");
        }
    }

    /**
     * Drops a column.
     *
     * @param name the column
     */
    record DropColumn(String name) implements SchemaChange {
        /**
         * Checks the parts.
         *
         * @param name the column
         */
        public DropColumn {
            Objects.requireNonNull(name, "name");
        }
    }

    /**
     * Renames a column.
     *
     * @param from the current name
     * @param to the new name
     */
    record RenameColumn(String from, String to) implements SchemaChange {
        /**
         * Checks the parts.
         *
         * @param from the current name
         * @param to the new name
         */
        public RenameColumn {
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(to, "to");
            Column.checkName(to);
        }
    }

    /**
     * Widens a column's type.
     *
     * @param name the column
     * @param to the wider type
     */
    record WidenColumn(String name, ColumnType to) implements SchemaChange {
        /**
         * Checks the parts.
         *
         * @param name the column
         * @param to the wider type
         */
        public WidenColumn {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(to, "to");
        }
    }
}
