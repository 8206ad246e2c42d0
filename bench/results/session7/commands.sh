#!/bin/bash
set -u
OUT=$1; J=$2; shift 2; mkdir -p $OUT
log(){ echo "$1 $(date +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg)" >> $OUT/facts.txt; }
run(){ name=$1; shift; log "$name start"; java -jar $J "$@" -rf json -rff $OUT/$name.json > $OUT/$name.txt 2>&1; log "$name end rc=$?"; }
for p in "$@"; do case $p in
 views-long) run views-long 'bench\.ViewRefreshBenchmark' -p viewChanges=100,10000 -wi 3 -i 15 -jvmArgsPrepend -Ddeltalog.bench.dir=/tmp/vb2;;
 sync) run sync 'bench\.SyncRecordBenchmark' -wi 3 -i 10 -r 2s -jvmArgsPrepend -Ddeltalog.bench.dir=/tmp/peers-bench;;
 record) run record 'bench\.RecordBenchmark' -p txSize=1,100,10000 -p impl=DELTALOG,MVSTORE_RAW_PUTS,SQLITE -jvmArgsPrepend -Ddeltalog.bench.dir=/tmp/peers-bench;;
 merge) run merge 'bench\.MergeBenchmark' -p deltas=100000,1000000 -p rowsPercent=1,10,100;;
 capture) run capture 'bench\.Capture(Write|Relay)Benchmark';;
esac; done
log done
