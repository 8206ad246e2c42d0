/**
 * JMH benchmarks of deltalog against its floors: {@link io.github.deltalog.bench.RecordBenchmark},
 * {@link io.github.deltalog.bench.ScanBenchmark} and {@link io.github.deltalog.bench.CountBenchmark}, fed by the
 * seeded {@link io.github.deltalog.bench.Workload}. Entry point: {@code org.openjdk.jmh.Main} in the shaded
 * {@code bench/target/benchmarks.jar}; see {@code bench/README.md}.
 */
package io.github.deltalog.bench;
