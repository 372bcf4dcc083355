#!/usr/bin/env bash
# bench/leases.sh — what keeping many leases alive costs a 3-node cluster.
#
#   COUNT=10000 TTL=30 DURATION=60 bash bench/leases.sh
#
# Starts the local cluster (deploy/local-cluster.sh), measures it idle for DURATION seconds, then
# runs `pvctl lease load` (COUNT leases, each renewed every third of its TTL over one KeepAlive
# stream per node) and measures the renewal phase alone (from pvctl's "renewing" line to its
# "revoking" line): each node's CPU (utime + stime from /proc, as % of one core) and the log
# entries the cluster applied per second (the leader's applied index). Stops the cluster at the
# end. Figures: docs/performance.md.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
COUNT=${COUNT:-10000} TTL=${TTL:-30} DURATION=${DURATION:-60}
OUT=${OUT:-${TMPDIR:-/tmp}/pensieve-leases-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$OUT"
cd "$root"
trap 'bash deploy/local-cluster.sh down >/dev/null 2>&1 || true' EXIT
bash deploy/local-cluster.sh up >"$OUT/up.log" 2>&1
pids=$(for p in 8001 8002 8003; do ss -ltnpH "sport = :$p" | grep -oE 'pid=[0-9]+' | cut -d= -f2; done | sort -u | xargs)
ticks() { local t=0 p; for p in $pids; do t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat"))); done; echo "$t"; }
applied() {  # the largest applied index among the nodes
  python3 - <<'PY'
import json, urllib.request
best = 0
for p in (8001, 8002, 8003):
    try:
        best = max(best, json.load(urllib.request.urlopen(f"http://127.0.0.1:{p}/v1/stats", timeout=3))["applied_index"])
    except Exception:
        pass
print(best)
PY
}
sample() { echo "$(date +%s.%N) $(ticks) $(applied)"; }
report() {  # report LABEL "t0 ticks0 index0" "t1 ticks1 index1"
  read -r t0 c0 i0 <<<"$2"; read -r t1 c1 i1 <<<"$3"
  awk -v l="$1" -v t0="$t0" -v t1="$t1" -v c="$((c1 - c0))" -v i="$((i1 - i0))" -v hz="$(getconf CLK_TCK)" \
    'BEGIN{s = t1 - t0; printf "%-9s %5.1f s  CPU of the 3 nodes %5.1f%% of one core  log entries applied %6.1f/s\n", l, s, 100 * c / hz / s, i / s}'
}
a=$(sample); sleep "$DURATION"; b=$(sample)
./pvctl lease load --count "$COUNT" --ttl "$TTL" --duration "$DURATION" >"$OUT/load.txt" 2>"$OUT/load.err" &
load=$!
until grep -q renewing "$OUT/load.err" 2>/dev/null; do kill -0 "$load" 2>/dev/null || break; sleep 0.2; done
c=$(sample)
until grep -q revoking "$OUT/load.err" 2>/dev/null; do kill -0 "$load" 2>/dev/null || break; sleep 0.2; done
d=$(sample)
wait "$load" || true
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
report idle "$a" "$b"
report "$COUNT leases" "$c" "$d"
cat "$OUT/load.txt"
