package io.github.deltalog.view;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.deltalog.DeltaLog;
import io.github.deltalog.Tuple;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The README's join view, as written there, on a small shop. */
class ReadmeViewExampleTest {
    @Test
    void theReadmeJoinViewComputesRevenuePerRegion() {
        try (DeltaLog log = DeltaLog.inMemory()) {
            log.track("orders"); // (id, customer, amount, status)
            log.track("customers"); // (name, region)
            log.recordInsert("customers", 1, Tuple.of("alice", "north"));
            log.recordInsert("customers", 2, Tuple.of("bob", "south"));
            log.recordInsert("orders", 1, Tuple.of(1L, "alice", new BigDecimal("9.50"), "open"));
            // As in the README:
            View perRegion = log.view(
                    "revenue-per-region",
                    ViewDefinition.from("orders")
                            .join("customers", 1, 0)
                            .where(row -> !"cancelled".equals(row.get(3)))
                            .groupBy(5)
                            .count()
                            .sum(2)
                            .min(2)
                            .max(2)
                            .countDistinct(1)
                            .build());
            log.recordInsert("orders", 2, Tuple.of(2L, "bob", new BigDecimal("20.00"), "open"));
            log.recordInsert("orders", 3, Tuple.of(3L, "alice", new BigDecimal("2.50"), "open"));
            log.recordUpdate("customers", 2, Tuple.of("bob", "south"), Tuple.of("bob", "north")); // bob moves north
            Refresh r = perRegion.refresh();
            assertEquals(Refresh.Kind.INCREMENTAL, r.kind());
            Tuple north = perRegion.get(Tuple.of("north"));
            assertEquals(
                    Tuple.of(3L, new BigDecimal("32"), new BigDecimal("2.50"), new BigDecimal("20.00"), 2L), north);
            List<ViewRow> rows = new ArrayList<>();
            perRegion.rows().forEach(rows::add);
            assertEquals(List.of(new ViewRow(Tuple.of("north"), north)), rows);
        }
    }
}
