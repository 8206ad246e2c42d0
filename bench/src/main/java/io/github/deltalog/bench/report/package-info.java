/**
 * The results page: {@link io.github.deltalog.bench.report.ResultsReport} turns JMH JSON into PNG charts and
 * {@code bench/RESULTS.md}, with the DESIGN §9 targets checked; {@code bench/run-all.sh} runs it.
 */
package io.github.deltalog.bench.report;
