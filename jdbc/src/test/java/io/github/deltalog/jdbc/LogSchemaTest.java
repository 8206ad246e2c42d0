package io.github.deltalog.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.deltalog.ColumnType;
import io.github.deltalog.SchemaChange;
import io.github.deltalog.TableSchema;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which shape changes the log's schema versions can follow, and the changes that follow them. */
class LogSchemaTest {
    private static TableSchema.Builder base() {
        return TableSchema.builder().column("id", ColumnType.LONG);
    }

    @Test
    void droppedWidenedAndAppendedColumnsBecomeSchemaChanges() {
        TableSchema from = base().nullableColumn("a", ColumnType.STRING)
                .nullableColumn("b", ColumnType.INT)
                .key("id")
                .build();
        TableSchema to = base().nullableColumn("b", ColumnType.LONG)
                .nullableColumn("c", ColumnType.DATE)
                .key("id")
                .build();
        assertEquals(
                List.of(
                        SchemaChange.dropColumn("a"),
                        SchemaChange.widenColumn("b", ColumnType.LONG),
                        SchemaChange.addColumn("c", ColumnType.DATE, true, null)),
                LogSchema.changes("t", from, to));
        assertEquals(List.of(), LogSchema.changes("t", from, from));
    }

    @Test
    void otherChangesAreRefusedNamingTableAndColumn() {
        TableSchema from = base().nullableColumn("a", ColumnType.STRING)
                .nullableColumn("b", ColumnType.INT)
                .key("id")
                .build();
        assertRefused(
                from,
                base().nullableColumn("a", ColumnType.INT)
                        .nullableColumn("b", ColumnType.INT)
                        .key("id"),
                "column a changed from STRING to INT");
        assertRefused(
                from,
                base().nullableColumn("b", ColumnType.INT)
                        .nullableColumn("a", ColumnType.STRING)
                        .key("id"),
                "column b now stands where a stood");
        assertRefused(
                from,
                base().nullableColumn("a", ColumnType.STRING)
                        .nullableColumn("b", ColumnType.INT)
                        .key("a"),
                "its primary key changed from [id] to [a]");
        assertRefused(
                from,
                base().nullableColumn("a", ColumnType.STRING)
                        .column("b", ColumnType.INT)
                        .key("id"),
                "column b changed nullability");
    }

    private static void assertRefused(TableSchema from, TableSchema.Builder to, String why) {
        CapturedTableChangedException e =
                assertThrows(CapturedTableChangedException.class, () -> LogSchema.changes("t", from, to.build()));
        assertTrue(e.getMessage().startsWith("captured table t changed in a way"), e.getMessage());
        assertTrue(e.getMessage().contains(why), e.getMessage());
    }
}
