/**
 * JMH benchmarks of deltalog against its floors and peers: {@link io.github.deltalog.bench.RecordBenchmark},
 * {@link io.github.deltalog.bench.ScanBenchmark}, {@link io.github.deltalog.bench.CountBenchmark} and
 * {@link io.github.deltalog.bench.MergeBenchmark}, fed by the seeded {@link io.github.deltalog.bench.Workload};
 * the peers live in {@code .peers}, the results page in {@code .report}. Entry point: {@code org.openjdk.jmh.Main}
 * in the shaded {@code bench/target/benchmarks.jar}; see {@code bench/README.md}.
 */
package io.github.deltalog.bench;
