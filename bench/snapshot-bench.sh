#!/usr/bin/env bash
# bench/snapshot-bench.sh — snapshot write and load of the map alone, at the size issue 19 bounds.
#
#   bash bench/snapshot-bench.sh [entries] [rounds]       # defaults: 1000000 5
#   BENCH=MapBenchmark bash bench/snapshot-bench.sh       # the whole map bench instead
#
# Compiles the state machine and its tests with the reactor (nothing is installed in ~/.m2),
# then runs io.pensieve.bench.SnapshotBenchmark in a JVM of its own (-Xms3g -Xmx3g, G1): 1,000,000
# keys of 16 bytes with 100-byte values, one in ten with a TTL, one in a hundred on one of 1,000
# leases; keys written in key order, then in random order. Prints each round and the median
# write (with fsync) and load, with the loading thread's CPU time and the collectors' time, and
# the load average: on a shared machine the wall time is mostly waiting for a core.
# Figures: docs/performance.md.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BENCH=${BENCH:-SnapshotBenchmark}
cd "$root"
echo "nproc $(nproc), load average $(cut -d' ' -f1-3 /proc/loadavg)"
mvn -B -q -o -pl state-machine -am test-compile dependency:build-classpath \
  -Dproto.compat.skip=true -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt
classpath="state-machine/target/test-classes:state-machine/target/classes:$(cat state-machine/target/bench-classpath.txt)"
exec java -Xms3g -Xmx3g -cp "$classpath" "io.pensieve.bench.$BENCH" "$@"
