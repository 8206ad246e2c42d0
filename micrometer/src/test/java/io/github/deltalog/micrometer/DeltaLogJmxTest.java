package io.github.deltalog.micrometer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.deltalog.DeltaLog;
import io.github.deltalog.DeltaLogException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.List;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import javax.management.openmbean.TabularData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The MXBean's attributes and operations, read through the platform MBean server after a real workload. */
class DeltaLogJmxTest {
    @TempDir
    Path dir;

    @Test
    void attributesAndOperationsThroughThePlatformServer() throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        try (DeltaLog log = DeltaLog.open(dir.resolve("j.deltas"));
                DeltaLogJmx.Registration jmx = DeltaLogJmx.register(log, "orders log")) {
            ObjectName name = jmx.name();
            assertEquals(new ObjectName("io.github.deltalog:type=DeltaLog,name=\"orders log\""), name);
            List<Long> ts = Workload.run(log);
            log.consumer("indexer", ts.get(4));

            assertEquals(20L, server.getAttribute(name, "Commits"));
            assertEquals(100L, server.getAttribute(name, "Deltas"));
            assertEquals(log.metrics().deltaBytes(), server.getAttribute(name, "DeltaBytes"));
            assertTrue((Long) server.getAttribute(name, "JournalBytes") > 0);
            assertEquals(100L, server.getAttribute(name, "RetainedDeltas"));
            assertEquals(ts.get(19), server.getAttribute(name, "LastCommitted"));
            assertTrue(((String) server.getAttribute(name, "File")).endsWith("j.deltas"));
            TabularData lags = (TabularData) server.getAttribute(name, "ConsumerLagDeltas");
            CompositeData indexer = lags.get(new Object[] {"indexer"});
            assertEquals(75L, indexer.get("value"));

            long checkpoints = (Long) server.getAttribute(name, "Checkpoints");
            server.invoke(name, "checkpoint", null, null);
            assertEquals(checkpoints + 1, server.getAttribute(name, "Checkpoints"));
            assertEquals(0L, server.getAttribute(name, "JournalBytes"));
            assertTrue((Double) server.getAttribute(name, "LastCheckpointMillis") > 0);

            assertEquals(25L, server.invoke(name, "purge", null, null));
            assertEquals(1L, server.getAttribute(name, "Purges"));
            assertEquals(25L, server.getAttribute(name, "PurgedDeltas"));
            assertEquals(ts.get(4), server.getAttribute(name, "OldestRetained"));
            log.purgeBefore(ts.get(10));
            assertArrayEquals(new String[] {"indexer"}, (String[]) server.getAttribute(name, "StaleConsumers"));

            DeltaLogException twice =
                    assertThrows(DeltaLogException.class, () -> DeltaLogJmx.register(log, "orders log"));
            assertTrue(twice.getMessage().contains("orders log"), twice.getMessage());
            jmx.close();
            assertFalse(server.isRegistered(name));
        }
    }
}
