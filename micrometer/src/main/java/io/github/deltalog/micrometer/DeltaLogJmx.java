package io.github.deltalog.micrometer;

import io.github.deltalog.DeltaLog;
import io.github.deltalog.DeltaLogException;
import io.github.deltalog.LogMetrics;
import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * Registers a log as a JMX MXBean ({@link DeltaLogMXBean}) under
 * {@code io.github.deltalog:type=DeltaLog,name=<name>}, as Debezium exposes its connectors.
 *
 * <pre>{@code
 * try (DeltaLogJmx.Registration jmx = DeltaLogJmx.register(log, "orders")) {
 *     // serve; JConsole shows io.github.deltalog / DeltaLog / orders
 * }
 * }</pre>
 */
public final class DeltaLogJmx {
    /** The JMX domain of every registration. */
    public static final String DOMAIN = "io.github.deltalog";

    private DeltaLogJmx() {}

    /**
     * Registers a log with the platform MBean server.
     *
     * @param log the log
     * @param name what tells this log from others in the same JVM (quoted as needed)
     * @return the handle that unregisters it
     * @throws DeltaLogException if a bean of that name is registered already, naming it
     */
    public static Registration register(DeltaLog log, String name) {
        return register(log, name, ManagementFactory.getPlatformMBeanServer());
    }

    /**
     * Registers a log with an MBean server.
     *
     * @param log the log
     * @param name what tells this log from others in the same server
     * @param server the MBean server
     * @return the handle that unregisters it
     * @throws DeltaLogException if a bean of that name is registered already, naming it
     */
    public static Registration register(DeltaLog log, String name, MBeanServer server) {
        Objects.requireNonNull(log, "log");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(server, "server");
        ObjectName objectName = objectName(name);
        try {
            server.registerMBean(new Bean(log), objectName);
        } catch (JMException e) {
            throw new DeltaLogException("cannot register " + log + " as JMX bean " + objectName + ": " + e, e);
        }
        return new Registration(server, objectName);
    }

    /**
     * Returns the object name a log registered under a name gets.
     *
     * @param name the name given to {@link #register}
     * @return {@code io.github.deltalog:type=DeltaLog,name=<quoted name>}
     */
    public static ObjectName objectName(String name) {
        try {
            return new ObjectName(DOMAIN + ":type=DeltaLog,name=" + ObjectName.quote(name));
        } catch (JMException e) {
            throw new IllegalArgumentException("not a usable JMX name: '" + name + "'", e);
        }
    }

    /** A registered bean; closing it unregisters the bean. */
    public static final class Registration implements AutoCloseable {
        private final MBeanServer server;
        private final ObjectName name;

        private Registration(MBeanServer server, ObjectName name) {
            this.server = server;
            this.name = name;
        }

        /**
         * Returns the bean's name.
         *
         * @return the object name
         */
        public ObjectName name() {
            return name;
        }

        /** Unregisters the bean. Idempotent. */
        @Override
        public void close() {
            try {
                if (server.isRegistered(name)) {
                    server.unregisterMBean(name);
                }
            } catch (JMException e) {
                throw new DeltaLogException("cannot unregister JMX bean " + name + ": " + e, e);
            }
        }
    }

    private static final class Bean implements DeltaLogMXBean {
        private final DeltaLog log;

        Bean(DeltaLog log) {
            this.log = log;
        }

        private LogMetrics m() {
            return log.metrics();
        }

        @Override
        public String getFile() {
            return log.stats().file();
        }

        @Override
        public long getCommits() {
            return m().commits();
        }

        @Override
        public long getDeltas() {
            return m().deltas();
        }

        @Override
        public long getDeltaBytes() {
            return m().deltaBytes();
        }

        @Override
        public long getJournalBytesWritten() {
            return m().journalBytesWritten();
        }

        @Override
        public long getJournalBytes() {
            return m().journalBytes();
        }

        @Override
        public long getCheckpoints() {
            return m().checkpoints();
        }

        @Override
        public double getCheckpointTimeMillis() {
            return m().checkpointTime().toNanos() / 1e6;
        }

        @Override
        public double getLastCheckpointMillis() {
            return m().lastCheckpointTime().toNanos() / 1e6;
        }

        @Override
        public long getPurges() {
            return m().purges();
        }

        @Override
        public long getPurgedDeltas() {
            return m().purgedDeltas();
        }

        @Override
        public long getRetainedDeltas() {
            return m().retainedDeltas();
        }

        @Override
        public long getLastCommitted() {
            return m().lastCommitted();
        }

        @Override
        public long getOldestRetained() {
            return m().oldestRetained();
        }

        @Override
        public Map<String, Long> getConsumerLagDeltas() {
            Map<String, Long> lags = new TreeMap<>();
            m().consumerLag().forEach((name, lag) -> lags.put(name, lag.deltasBehind()));
            return lags;
        }

        @Override
        public String[] getStaleConsumers() {
            return m().consumerLag().entrySet().stream()
                    .filter(e -> e.getValue().stale())
                    .map(Map.Entry::getKey)
                    .sorted()
                    .toArray(String[]::new);
        }

        @Override
        public long purge() {
            return log.purge();
        }

        @Override
        public void checkpoint() {
            log.checkpoint();
        }
    }
}
