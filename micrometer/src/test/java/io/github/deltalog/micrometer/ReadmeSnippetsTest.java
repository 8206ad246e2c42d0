package io.github.deltalog.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.deltalog.Delta;
import io.github.deltalog.DeltaLog;
import io.github.deltalog.LogMetrics;
import io.github.deltalog.Subscription;
import io.github.deltalog.Tuple;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The README's sections "Listeners on an executor" and "Metrics", as code that compiles and runs. */
class ReadmeSnippetsTest {
    private final List<Long> pushed = new CopyOnWriteArrayList<>();

    private void push(long ts, List<Delta> deltas) {
        pushed.add(ts);
    }

    @Test
    void listenersOnAnExecutor() throws Exception {
        try (DeltaLog log = DeltaLog.inMemory()) {
            log.track("orders");
            // README: Listeners on an executor
            ExecutorService pushes = Executors.newSingleThreadExecutor();
            Subscription sub = log.subscribe((ts, deltas) -> push(ts, deltas), pushes, 10_000);
            // ... later, e.g. from a health check:
            sub.check(); // throws SubscriptionFailedException once the listener fell 10 000 commits behind
            // end
            long ts = log.recordInsert("orders", 1, Tuple.of(1));
            pushes.shutdown();
            assertTrue(pushes.awaitTermination(30, TimeUnit.SECONDS));
            assertEquals(List.of(ts), pushed);
        }
    }

    @Test
    void metrics() throws Exception {
        MeterRegistry meterRegistry = new SimpleMeterRegistry();
        try (DeltaLog log = DeltaLog.inMemory()) {
            log.track("orders");
            log.consumer("revenue-view");
            log.recordInsert("orders", 1, Tuple.of(1));
            // README: Metrics
            LogMetrics m = log.metrics();
            System.out.println(m.commits() + " commits, journal " + m.journalBytes() + " bytes, lag "
                    + m.consumerLag().get("revenue-view").deltasBehind());
            // end
            assertEquals(1, m.consumerLag().get("revenue-view").deltasBehind());
            // README: Metrics (servers)
            new DeltaLogMetrics(log, Tags.of("log", "orders"), Duration.ofSeconds(1)).bindTo(meterRegistry);
            try (DeltaLogJmx.Registration jmx = DeltaLogJmx.register(log, "orders")) {
                serve();
            }
            // end
            assertEquals(
                    1, meterRegistry.get("deltalog.commits").functionCounter().count());
        }
    }

    private void serve() throws Exception {
        assertEquals(
                1L,
                ManagementFactory.getPlatformMBeanServer().getAttribute(DeltaLogJmx.objectName("orders"), "Commits"));
    }
}
