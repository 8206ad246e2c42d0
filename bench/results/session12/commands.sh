#!/bin/bash
# Quiet-machine benchmark runs of the twelfth session (2026-12-08 night, Intel Xeon, 2 cores): OUT JAR part...
# The parts of session 10's script (../session10/commands.sh), except views-long, which this session ran with the
# benchmark's 20 warm-up shots and 20 measured ones. Loads at each part's start and end go to OUT/facts.txt.
set -u
OUT=$1; J=$2; shift 2; mkdir -p "$OUT"
here=$(dirname "$0")
for p in "$@"; do
  if [ "$p" = views-long ]; then
    echo "views-long start $(date +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg)" >> "$OUT/facts.txt"
    java -jar "$J" 'bench\.ViewRefreshBenchmark' -p viewChanges=100,10000 -wi 20 -i 20 \
      -jvmArgsPrepend -Ddeltalog.bench.dir=/tmp/vbj-join -rf json -rff "$OUT/views-long.json" > "$OUT/views-long.txt" 2>&1
    echo "views-long end rc=$? $(date +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg)" >> "$OUT/facts.txt"
  else
    bash "$here/../session10/commands.sh" "$OUT" "$J" "$p"
  fi
done
