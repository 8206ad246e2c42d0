package io.github.deltalog.kafka.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

/**
 * A real single-node Kafka broker (KRaft, {@code process.roles=broker,controller}) in a child JVM, for tests and
 * benchmarks. The child runs on this JVM's classpath ({@code java.class.path}), so the caller needs {@code
 * org.apache.kafka:kafka_2.13} and a log4j 2 slf4j binding on it (the kafka module's test scope has both); nothing
 * is downloaded and no Docker is needed.
 *
 * <pre>{@code
 * try (KafkaBroker broker = KafkaBroker.start()) {
 *     String servers = broker.bootstrapServers();   // 127.0.0.1:<free port>
 *     broker.kill();                                // SIGKILL
 *     broker.restart();                             // same ports, same data
 * }
 * }</pre>
 *
 * <p>Both listeners are on 127.0.0.1 with free ports chosen once, so a restarted broker is found at the same
 * address. The broker's data, {@code server.properties} and its log ({@code broker.log}, the child's standard
 * output in {@code stdout.txt}) are in a folder under {@code target/kafka-brokers/}; the broker's own logging goes
 * there, not to the test output. Settings fit one node: replication factor 1 for the offsets and transaction state
 * logs, {@code transaction.state.log.min.isr=1}, one partition each for those internal topics (a fast start),
 * {@code group.initial.rebalance.delay.ms=0}, {@code auto.create.topics.enable=false}, a 2 s broker session (a restart
 * after SIGKILL waits that long for the dead incarnation), heap {@code -Xmx512m}.
 *
 * <p>Other modules can use it through this module's test jar ({@code deltalog-kafka}, {@code
 * <type>test-jar</type>}, test scope) plus {@code kafka_2.13} and {@code log4j-slf4j-impl} at test scope. Not
 * thread-safe.
 */
public final class KafkaBroker implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private final Path dir;
    private final int port;
    private final int controllerPort;
    private Process process;

    private KafkaBroker(Path dir, int port, int controllerPort) {
        this.dir = dir;
        this.port = port;
        this.controllerPort = controllerPort;
    }

    /**
     * Formats a new broker's storage and starts it in a folder under {@code target/kafka-brokers/}; returns once an
     * admin client can describe the cluster.
     *
     * @return the running broker
     * @throws IllegalStateException if it does not start within 90 s; the message holds the end of its log
     */
    public static KafkaBroker start() {
        try {
            Path base = Path.of("target", "kafka-brokers").toAbsolutePath();
            Files.createDirectories(base);
            return start(Files.createTempDirectory(base, "broker-"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Formats a new broker's storage in a folder and starts it.
     *
     * @param dir an empty or new folder for the broker's data, configuration and log
     * @return the running broker
     * @throws IllegalStateException if it does not start within 90 s; the message holds the end of its log
     */
    public static KafkaBroker start(Path dir) {
        int port = freePort();
        int controllerPort = freePort();
        // Two sockets bound and closed one after the other may get the same port from the OS; Kafka then refuses
        // the configuration ("two listeners on the same port").
        while (controllerPort == port) {
            controllerPort = freePort();
        }
        KafkaBroker b = new KafkaBroker(dir.toAbsolutePath(), port, controllerPort);
        b.writeConfig();
        b.format();
        b.launch();
        return b;
    }

    /** Returns {@code 127.0.0.1:<port>}, for {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** Returns the folder of the broker's data, configuration and log. */
    public Path dir() {
        return dir;
    }

    /** Returns the broker's log file (log4j output). */
    public Path logFile() {
        return dir.resolve("broker.log");
    }

    /** Tells whether the broker's process is alive. */
    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** Kills the broker's process with SIGKILL and waits until it is gone. Idempotent. */
    public void kill() {
        if (process != null) {
            process.destroyForcibly();
            waitFor(process, 30);
            process = null;
        }
    }

    /** Stops the broker gracefully (SIGTERM, a controlled shutdown), SIGKILL after 30 s. Idempotent. */
    public void stop() {
        if (process != null) {
            process.destroy();
            if (!waitFor(process, 30)) {
                process.destroyForcibly();
                waitFor(process, 30);
            }
            process = null;
        }
    }

    /**
     * Starts the stopped or killed broker again, on the same ports and data. Returns once it answers.
     *
     * @throws IllegalStateException if it is running, or does not start within 90 s
     */
    public void restart() {
        if (isRunning()) {
            throw new IllegalStateException("the broker at " + bootstrapServers() + " is running");
        }
        launch();
    }

    /** Kills the broker and deletes its data (the log files stay). */
    @Override
    public void close() {
        kill();
        Path data = dir.resolve("data");
        if (Files.exists(data)) {
            try (Stream<Path> s = Files.walk(data)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // Leftovers under target/ are removed by mvn clean.
            }
        }
    }

    private void writeConfig() {
        String props = String.join(
                "\n",
                "process.roles=broker,controller",
                "node.id=1",
                "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
                "controller.listener.names=CONTROLLER",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "inter.broker.listener.name=PLAINTEXT",
                // A static quorum of one voter: formatted without --standalone, and restarts on the same ports.
                "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
                "log.dirs=" + dir.resolve("data"),
                "num.partitions=1",
                "auto.create.topics.enable=false",
                "offsets.topic.replication.factor=1",
                "offsets.topic.num.partitions=1",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "transaction.state.log.num.partitions=1",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "group.initial.rebalance.delay.ms=0",
                // A restart after SIGKILL waits for the dead incarnation's session to expire: 2 s, not 9.
                "broker.session.timeout.ms=2000",
                "broker.heartbeat.interval.ms=500",
                // Zombie transactions are aborted within a second of their timeout, not ten.
                "transaction.abort.timed.out.transaction.cleanup.interval.ms=1000",
                "log.cleaner.backoff.ms=1000",
                "");
        String log4j = String.join(
                "\n",
                "status = error",
                "appender.file.type = File",
                "appender.file.name = file",
                "appender.file.fileName = " + logFile(),
                "appender.file.layout.type = PatternLayout",
                "appender.file.layout.pattern = [%d] %p %m (%c)%n",
                "rootLogger.level = info",
                "rootLogger.appenderRef.file.ref = file",
                "logger.kafka.name = kafka",
                "logger.kafka.level = info",
                "logger.state.name = state.change.logger",
                "logger.state.level = warn",
                "");
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("server.properties"), props);
            Files.writeString(dir.resolve("log4j2.properties"), log4j);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private List<String> javaCommand(String mainClass) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx512m");
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-Djava.awt.headless=true");
        cmd.add("-Dlog4j2.configurationFile=" + dir.resolve("log4j2.properties"));
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(mainClass);
        return cmd;
    }

    private void format() {
        // Kafka's own ids never start with '-', which the storage tool's argument parser would take for an option
        // (a plain random base64 id does one time in 64: found by a failed build).
        String clusterId = Uuid.randomUuid().toString();
        List<String> cmd = javaCommand("kafka.tools.StorageTool");
        cmd.addAll(List.of(
                "format",
                "-t",
                clusterId,
                "-c",
                dir.resolve("server.properties").toString()));
        Path out = dir.resolve("format.txt");
        try {
            Process p = new ProcessBuilder(cmd)
                    .redirectErrorStream(true)
                    .redirectOutput(out.toFile())
                    .start();
            if (!waitFor(p, 60) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException("formatting the Kafka broker's storage in " + dir + " failed:\n"
                        + Files.readString(out, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void launch() {
        List<String> cmd = javaCommand("kafka.Kafka");
        cmd.add(dir.resolve("server.properties").toString());
        try {
            process = new ProcessBuilder(cmd)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(
                            dir.resolve("stdout.txt").toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        awaitReady();
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        Map<String, Object> props = Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000,
                AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 200);
        Exception last = null;
        try (Admin admin = Admin.create(props)) {
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("the Kafka broker in " + dir + " exited with code "
                            + process.exitValue() + " while starting:\n" + tail());
                }
                try {
                    if (!admin.describeCluster()
                            .nodes()
                            .get(3, TimeUnit.SECONDS)
                            .isEmpty()) {
                        return;
                    }
                } catch (Exception e) {
                    last = e;
                }
                sleep(200);
            }
        }
        kill();
        throw new IllegalStateException("the Kafka broker in " + dir + " did not answer at " + bootstrapServers()
                + " within " + START_TIMEOUT.toSeconds() + " s (last error: " + last + "); its log ends with:\n"
                + tail());
    }

    /** Returns the last 60 lines of the broker's log and standard output. */
    public String tail() {
        StringBuilder sb = new StringBuilder();
        for (Path f : List.of(logFile(), dir.resolve("stdout.txt"))) {
            try {
                List<String> lines = Files.exists(f) ? Files.readAllLines(f, StandardCharsets.UTF_8) : List.of();
                sb.append("--- ").append(f).append('\n');
                for (String l : lines.subList(Math.max(0, lines.size() - 60), lines.size())) {
                    sb.append(l).append('\n');
                }
            } catch (IOException e) {
                sb.append("(cannot read ").append(f).append(": ").append(e).append(")\n");
            }
        }
        return sb.toString();
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean waitFor(Process p, int seconds) {
        try {
            return p.waitFor(seconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the Kafka broker", e);
        }
    }

    @Override
    public String toString() {
        return "KafkaBroker(" + bootstrapServers() + ", " + dir + (isRunning() ? ", running" : ", stopped") + ")";
    }

    /**
     * Starts a broker and keeps it until standard input closes (or Enter): {@code java -cp <test classpath>
     * io.github.deltalog.kafka.testing.KafkaBroker}. Prints the bootstrap servers.
     *
     * @param args unused
     * @throws IOException if standard input fails
     */
    public static void main(String[] args) throws IOException {
        try (KafkaBroker b = start()) {
            System.out.println(b.bootstrapServers());
            System.out.println("Kafka broker running in " + b.dir() + "; press Enter to stop");
            System.in.read();
        }
    }
}
