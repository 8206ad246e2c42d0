#!/usr/bin/env bash
# The complete benchmark run behind bench/RESULTS.md: builds the shaded jar, runs the JMH suite (record, scan,
# count, merge, export to Kafka; deltalog, its floors and its peers side by side) with JSON output, runs MergeMemoryCheck inside
# a 512 MB heap, and regenerates the charts and the results page from the JSON.
#
# Usage: bench/run-all.sh [extra JMH options, e.g. -p txSize=100]
# About 30 minutes on a 2-core machine (the first run also builds the pre-filled logs of the peers).
set -euo pipefail
cd "$(dirname "$0")/.."

JAR=bench/target/benchmarks.jar
OUT=bench/results
JSON="$OUT/results.json"

mvn -q -B package -DskipTests -pl bench -am
mkdir -p "$OUT"

JMH_ARGS=('io\.github\.deltalog\.bench\.(Record|SyncRecord|Scan|Count|Merge|Purge|Export)Benchmark'
    -p txSize=1,100,10000
    -p logSize=1000000 -p range=1000,10000,100000,1000000
    -p deltas=100000,1000000,10000000 -p rowsPercent=1,10,100
    -rf json -rff "$JSON")
if [[ -n "${DELTALOG_BENCH_DIR:-}" ]]; then
    JMH_ARGS+=(-jvmArgsPrepend "-Ddeltalog.bench.dir=$DELTALOG_BENCH_DIR")
fi
JMH_ARGS+=("$@")
COMMAND="java -jar $JAR ${JMH_ARGS[*]}"

UPTIME_BEFORE="$(uptime)"
java -jar "$JAR" "${JMH_ARGS[@]}"
UPTIME_AFTER="$(uptime)"

MERGE_MEMORY="$(java -Xmx512m -cp "$JAR" io.github.deltalog.bench.MergeMemoryCheck 2>&1 | tail -n 1 || true)"
echo "$MERGE_MEMORY"

{
    echo "command=${COMMAND//\\/\\\\} (via bench/run-all.sh);" \
        "java -Xmx512m -cp $JAR io.github.deltalog.bench.MergeMemoryCheck"
    echo "date=$(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "commit=$(git rev-parse --short HEAD)"
    echo "uptimeBefore=${UPTIME_BEFORE# }"
    echo "uptimeAfter=${UPTIME_AFTER# }"
    echo "mergeMemory=$MERGE_MEMORY"
} >"$OUT/run.properties"

java -Djava.awt.headless=true -cp "$JAR" io.github.deltalog.bench.report.ResultsReport "$JSON" bench
