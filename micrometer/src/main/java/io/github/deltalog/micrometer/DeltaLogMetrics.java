package io.github.deltalog.micrometer;

import io.github.deltalog.DeltaLog;
import io.github.deltalog.LogMetrics;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * Binds a log's {@link DeltaLog#metrics()} to a Micrometer registry, as Caffeine's and Kafka's binders do:
 *
 * <ul>
 *   <li>counters {@code deltalog.commits}, {@code deltalog.deltas}, {@code deltalog.delta.bytes},
 *       {@code deltalog.journal.written} (bytes), {@code deltalog.purges}, {@code deltalog.purged.deltas};
 *   <li>a function timer {@code deltalog.checkpoints} (count and total time);
 *   <li>gauges {@code deltalog.journal.size} (bytes), {@code deltalog.retained.deltas},
 *       {@code deltalog.checkpoint.last} (time), {@code deltalog.last.committed} (commit timestamp, µs);
 *   <li>per consumer (tag {@code consumer}): {@code deltalog.consumer.lag.deltas},
 *       {@code deltalog.consumer.lag} (time), {@code deltalog.consumer.stale} (1 or 0). A consumer created
 *       after binding gets its gauges at the next snapshot; a dropped one reads NaN.
 * </ul>
 *
 * The meters share one snapshot for up to a second (see {@link #DeltaLogMetrics(DeltaLog, Iterable, Duration)}):
 * a snapshot costs two ranks per table and consumer. Counters are totals since the log was opened, so a
 * restart starts them again from zero, as Micrometer expects of a process's counters.
 */
public final class DeltaLogMetrics implements MeterBinder {
    private final MetricsCache cache;
    private final Tags tags;
    private final Set<String> boundConsumers = ConcurrentHashMap.newKeySet();
    private final List<MeterRegistry> registries = new CopyOnWriteArrayList<>();

    /**
     * Creates a binder for a log with no extra tags and a snapshot shared for up to one second.
     *
     * @param log the log to watch
     */
    public DeltaLogMetrics(DeltaLog log) {
        this(log, Tags.empty(), Duration.ofSeconds(1));
    }

    /**
     * Creates a binder for a log.
     *
     * @param log the log to watch
     * @param tags added to every meter (e.g. {@code name=orders-log} when a server has several logs)
     * @param maxSnapshotAge how long the meters may share one snapshot; zero takes one per reading
     * @throws IllegalArgumentException if the age is negative
     */
    public DeltaLogMetrics(DeltaLog log, Iterable<Tag> tags, Duration maxSnapshotAge) {
        Objects.requireNonNull(log, "log");
        Objects.requireNonNull(maxSnapshotAge, "maxSnapshotAge");
        if (maxSnapshotAge.isNegative()) {
            throw new IllegalArgumentException("maxSnapshotAge must not be negative, was " + maxSnapshotAge);
        }
        this.cache = new MetricsCache(log, maxSnapshotAge);
        this.tags = Tags.of(tags);
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        registries.add(registry);
        counter(registry, "deltalog.commits", "transactions committed", null, LogMetrics::commits);
        counter(registry, "deltalog.deltas", "deltas committed", null, LogMetrics::deltas);
        counter(
                registry,
                "deltalog.delta.bytes",
                "encoded bytes of the deltas committed",
                "bytes",
                LogMetrics::deltaBytes);
        counter(
                registry,
                "deltalog.journal.written",
                "bytes appended to the commit journal",
                "bytes",
                LogMetrics::journalBytesWritten);
        counter(registry, "deltalog.purges", "purges that removed deltas", null, LogMetrics::purges);
        counter(registry, "deltalog.purged.deltas", "deltas removed by purges", null, LogMetrics::purgedDeltas);
        FunctionTimer.builder(
                        "deltalog.checkpoints",
                        cache,
                        c -> (long) value(c, LogMetrics::checkpoints),
                        c -> value(c, m -> m.checkpointTime().toNanos()),
                        TimeUnit.NANOSECONDS)
                .description("checkpoints that wrote the store file, and their time")
                .tags(tags)
                .register(registry);
        gauge(registry, "deltalog.journal.size", "bytes in the current journal", "bytes", LogMetrics::journalBytes);
        gauge(registry, "deltalog.retained.deltas", "deltas retained, all tables", null, LogMetrics::retainedDeltas);
        gauge(
                registry,
                "deltalog.last.committed",
                "the watermark: the last commit timestamp, microseconds since the epoch",
                null,
                LogMetrics::lastCommitted);
        TimeGauge.builder(
                        "deltalog.checkpoint.last",
                        cache,
                        TimeUnit.NANOSECONDS,
                        c -> value(c, m -> m.lastCheckpointTime().toNanos()))
                .description("the time the last checkpoint took")
                .tags(tags)
                .register(registry);
        LogMetrics now = cache.get();
        if (now != null) {
            now.consumerLag().keySet().forEach(name -> bindConsumer(registry, name));
        }
    }

    /** Registers the gauges of consumers created since the last snapshot, on every registry bound so far. */
    private void bindNewConsumers(LogMetrics m) {
        for (String name : m.consumerLag().keySet()) {
            if (!boundConsumers.contains(name)) {
                for (MeterRegistry r : registries) {
                    bindConsumer(r, name);
                }
            }
        }
    }

    private void bindConsumer(MeterRegistry registry, String name) {
        boundConsumers.add(name);
        Tags consumerTags = tags.and("consumer", name);
        Gauge.builder("deltalog.consumer.lag.deltas", cache, c -> lag(c, name, l -> l.deltasBehind()))
                .description("retained deltas a consumer has not read")
                .tags(consumerTags)
                .register(registry);
        TimeGauge.builder(
                        "deltalog.consumer.lag", cache, TimeUnit.MICROSECONDS, c -> lag(c, name, l -> l.microsBehind()))
                .description("commit time from a consumer's position to the watermark")
                .tags(consumerTags)
                .register(registry);
        Gauge.builder("deltalog.consumer.stale", cache, c -> lag(c, name, l -> l.stale() ? 1 : 0))
                .description("1 if deltas a consumer had not read were purged")
                .tags(consumerTags)
                .register(registry);
    }

    private void counter(
            MeterRegistry registry, String name, String description, String unit, ToDoubleFunction<LogMetrics> f) {
        FunctionCounter.builder(name, cache, c -> value(c, f))
                .description(description)
                .baseUnit(unit)
                .tags(tags)
                .register(registry);
    }

    private void gauge(
            MeterRegistry registry, String name, String description, String unit, ToDoubleFunction<LogMetrics> f) {
        Gauge.builder(name, cache, c -> value(c, f))
                .description(description)
                .baseUnit(unit)
                .tags(tags)
                .register(registry);
    }

    private double value(MetricsCache c, ToDoubleFunction<LogMetrics> f) {
        LogMetrics m = c.get();
        if (m == null) {
            return Double.NaN;
        }
        bindNewConsumers(m);
        return f.applyAsDouble(m);
    }

    private double lag(MetricsCache c, String consumer, ToDoubleFunction<LogMetrics.ConsumerLag> f) {
        LogMetrics m = c.get();
        LogMetrics.ConsumerLag lag = m == null ? null : m.consumerLag().get(consumer);
        return lag == null ? Double.NaN : f.applyAsDouble(lag);
    }
}
