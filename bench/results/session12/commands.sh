#!/bin/bash
# Quiet-machine benchmark runs of the twelfth session (2026-12-08 night, Intel Xeon, 2 cores): OUT JAR part...
# Each part writes OUT/<part>.json and .txt and the load at its start and end to OUT/facts.txt.
set -u
OUT=$1; J=$2; shift 2; mkdir -p $OUT
log(){ echo "$1 $(date +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg)" >> $OUT/facts.txt; }
run(){ name=$1; shift; log "$name start"; java -jar $J "$@" -rf json -rff $OUT/$name.json > $OUT/$name.txt 2>&1; log "$name end rc=$?"; }
for p in "$@"; do case $p in
 record) run record 'bench\.RecordBenchmark' -p txSize=1,100,10000 -p impl=DELTALOG,MVSTORE_RAW_PUTS,MVSTORE_PUTS_JOURNAL_WRITE,SQLITE -jvmArgsPrepend -Ddeltalog.bench.dir=/tmp/peers-bench;;
 sync) run sync 'bench\.SyncRecordBenchmark' -p durability=SYNC,COMMIT -wi 3 -i 10 -r 2s -jvmArgsPrepend -Ddeltalog.bench.dir=/tmp/peers-bench;;
 scan) run scan 'bench\.ScanBenchmark' -p impl=DELTALOG,MVSTORE_CURSOR_DECODE -p range=1000,10000,100000,1000000 -jvmArgsPrepend -Ddeltalog.bench.dir=/tmp/peers-bench;;
 purge) run purge 'bench\.PurgeBenchmark' -jvmArgsPrepend -Ddeltalog.bench.dir=/tmp/peers-bench;;
 merge) run merge 'bench\.MergeBenchmark' -p deltas=100000,1000000 -p rowsPercent=1,10,100 -p impl=DELTA_MERGER,HASHMAP;;
 views-long) run views-long 'bench\.ViewRefreshBenchmark' -p viewChanges=100,10000 -wi 20 -i 20 -jvmArgsPrepend -Ddeltalog.bench.dir=/tmp/vbj-join;;
 record-peers) run record-peers 'bench\.RecordBenchmark' -p txSize=1,100,10000 -p impl=H2,MVSTORE_COMMIT_PER_TX,SEED_ROCKSDB -jvmArgsPrepend -Ddeltalog.bench.dir=/tmp/peers-bench;;
 scan-peers) run scan-peers 'bench\.ScanBenchmark' -p impl=SQLITE,H2,SEED_ROCKSDB -p range=1000,10000,100000,1000000 -jvmArgsPrepend -Ddeltalog.bench.dir=/tmp/peers-bench;;
 count) run count 'bench\.CountBenchmark' -p range=1000,10000,100000,1000000 -jvmArgsPrepend -Ddeltalog.bench.dir=/tmp/peers-bench;;
 capture-floors) run capture-floors 'bench\.CaptureWriteBenchmark' -p impl=H2_TRIGGERS_ONLY,SQLITE_TRIGGERS_ONLY;;
 capture) run capture-write 'bench\.CaptureWriteBenchmark' -p impl=H2_PLAIN,H2_EMPTY_TRIGGER,H2_MINIMAL_ROW_TRIGGER,H2_CONSTANT_ROW_TRIGGER,H2_CAPTURED,SQLITE_PLAIN,SQLITE_CAPTURED; run capture-relay 'bench\.CaptureRelayBenchmark';;
esac; done
log done
