/**
 * A delta log's metrics for servers: {@link io.github.deltalog.micrometer.DeltaLogMetrics} binds
 * {@link io.github.deltalog.DeltaLog#metrics()} to a Micrometer registry, and
 * {@link io.github.deltalog.micrometer.DeltaLogJmx} registers it as a JMX MXBean.
 */
package io.github.deltalog.micrometer;
