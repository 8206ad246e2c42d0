#!/bin/bash
# Quiet-machine benchmark runs of the tenth session (2026-12-07 evening): OUT JAR part...
set -u
OUT=$1; J=$2; shift 2; mkdir -p $OUT
log(){ echo "$1 $(date +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg)" >> $OUT/facts.txt; }
run(){ name=$1; shift; log "$name start"; java -jar $J "$@" -rf json -rff $OUT/$name.json > $OUT/$name.txt 2>&1; log "$name end rc=$?"; }
for p in "$@"; do case $p in
 sync) run sync 'bench\.SyncRecordBenchmark' -p durability=SYNC,COMMIT -wi 3 -i 10 -r 2s -jvmArgsPrepend -Ddeltalog.bench.dir=/tmp/peers-bench;;
 record1) run record1 'bench\.RecordBenchmark' -p txSize=1 -p impl=DELTALOG,MVSTORE_RAW_PUTS,MVSTORE_PUTS_JOURNAL_WRITE -jvmArgsPrepend -Ddeltalog.bench.dir=/tmp/peers-bench;;
 merge) run merge 'bench\.MergeBenchmark' -p deltas=100000,1000000 -p rowsPercent=1,10,100;;
 views-long) run views-long 'bench\.ViewRefreshBenchmark' -p viewChanges=100,10000 -wi 3 -i 15 -jvmArgsPrepend -Ddeltalog.bench.dir=/tmp/vb2;;
 capture) run capture-write 'bench\.CaptureWriteBenchmark' -p impl=H2_PLAIN,H2_CAPTURED,SQLITE_PLAIN,SQLITE_CAPTURED; run capture-relay 'bench\.CaptureRelayBenchmark';;
esac; done
log done
