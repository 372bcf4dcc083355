#!/usr/bin/env bash
# bench/vs-etcd.sh — ranges and transactions, Pensieve beside etcd on this machine.
#
#   WORKLOADS="prefix prefix-stale transfer" RUNS=3 bash bench/vs-etcd.sh
#
# Starts a 3-member etcd cluster (the etcd-server package; client ports 12391-12393) and the
# local 3-node Pensieve cluster (deploy/local-cluster.sh), loads the same keys into both, then
# runs wrk against each, alternating etcd and Pensieve run by run after one warm-up run per
# system and workload, and prints the median requests/s, p50 and p99 with Pensieve/etcd ratios.
#   prefix        a 1,000-key prefix read (PREFIXES groups of 1,000 keys, 100-byte values, one
#                 group at random per request), linearizable, on the leader
#   prefix-stale  the same read served locally by a follower (etcd: serializable)
#   transfer      a 2-key transfer: one transaction comparing both accounts' versions and
#                 putting both (ACCOUNTS accounts, two distinct at random), on the leader
# Latency is measured at PREFIX_CONNS=8 connections for the reads (each reply is ~120 KB) and
# CONNS=64 for transfers (64 in flight). Knobs: PREFIX_CONNS=8 CONNS=64 THREADS=2 DURATION=20s RUNS=3 WARMUP=30s PREFIXES=10 ACCOUNTS=10000.
# Loopback only; both clusters are stopped at the end. Raw wrk outputs go to OUT (printed).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
wrk_dir="$root/bench/wrk"
WORKLOADS=${WORKLOADS:-"prefix prefix-stale transfer"}
CONNS=${CONNS:-64} PREFIX_CONNS=${PREFIX_CONNS:-8} THREADS=${THREADS:-2} DURATION=${DURATION:-20s} RUNS=${RUNS:-3} WARMUP=${WARMUP:-30s}
export PREFIXES=${PREFIXES:-10} ACCOUNTS=${ACCOUNTS:-10000}
OUT=${OUT:-${TMPDIR:-/tmp}/pensieve-vs-etcd-$(date +%Y%m%d-%H%M%S)}
ETCD_DIR=${ETCD_DIR:-${TMPDIR:-/tmp}/pensieve-vs-etcd-etcd}
ETCD_PORTS=(12391 12392 12393) ETCD_PEERS=(12381 12382 12383)
ETCD_ENDPOINTS="http://127.0.0.1:12391,http://127.0.0.1:12392,http://127.0.0.1:12393"
PV_PORTS=(8001 8002 8003)
export ETCDCTL_API=3
mkdir -p "$OUT"
log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

need=()
command -v etcd >/dev/null || need+=(etcd-server)
command -v etcdctl >/dev/null || need+=(etcd-client)
command -v wrk >/dev/null || need+=(wrk)
if ((${#need[@]})); then
  log "installing ${need[*]}"
  apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

stop_etcd() {
  local f
  for f in "$ETCD_DIR"/*.pid; do [[ -s $f ]] && kill "$(cat "$f")" 2>/dev/null || true; done
}
cleanup() {
  stop_etcd
  (cd "$root" && bash deploy/local-cluster.sh down >/dev/null 2>&1) || true
}
trap cleanup EXIT

# --- etcd: three members on loopback, a fresh data directory ---
rm -rf "$ETCD_DIR" && mkdir -p "$ETCD_DIR"
cluster="e1=http://127.0.0.1:12381,e2=http://127.0.0.1:12382,e3=http://127.0.0.1:12383"
for i in 0 1 2; do
  n=e$((i + 1))
  setsid etcd --name "$n" --data-dir "$ETCD_DIR/$n" \
    --listen-client-urls "http://127.0.0.1:${ETCD_PORTS[$i]}" \
    --advertise-client-urls "http://127.0.0.1:${ETCD_PORTS[$i]}" \
    --listen-peer-urls "http://127.0.0.1:${ETCD_PEERS[$i]}" \
    --initial-advertise-peer-urls "http://127.0.0.1:${ETCD_PEERS[$i]}" \
    --initial-cluster "$cluster" --initial-cluster-state new --logger zap --log-level warn \
    </dev/null >"$ETCD_DIR/$n.log" 2>&1 &
  echo $! >"$ETCD_DIR/$n.pid"
done
for _ in $(seq 1 60); do etcdctl --endpoints="$ETCD_ENDPOINTS" endpoint health >/dev/null 2>&1 && break; sleep 0.5; done
etcd_role() {  # etcd_role true|false: the client URL of the leader, or of a follower
  etcdctl --endpoints="$ETCD_ENDPOINTS" endpoint status | awk -F', ' -v want="$1" '$5==want{print $1; exit}'
}
etcd_pids() { cat "$ETCD_DIR"/*.pid | xargs; }

# --- Pensieve ---
(cd "$root" && bash deploy/local-cluster.sh up) >"$OUT/pensieve-up.log" 2>&1 \
  || { tail -20 "$OUT/pensieve-up.log"; echo "deploy/local-cluster.sh up failed" >&2; exit 1; }
pv_roles() {  # "leader_port follower_port", from GET /v1/cluster
  python3 - "${PV_PORTS[@]}" <<'PY'
import json, sys, urllib.request
for p in sys.argv[1:]:
    try:
        c = json.load(urllib.request.urlopen(f"http://127.0.0.1:{p}/v1/cluster", timeout=3))
    except Exception:
        continue
    lead = c.get("leader")
    lead = lead.get("id") if isinstance(lead, dict) else lead
    port = lambda m: m.get("rest_address", "").rsplit(":", 1)[-1]
    lp = next((port(m) for m in c.get("members", []) if m.get("id") == lead), None)
    fp = next((port(m) for m in c.get("members", []) if m.get("id") != lead), None)
    if lp and fp:
        print(lp, fp); sys.exit(0)
sys.exit(1)
PY
}
for _ in $(seq 1 60); do roles=$(pv_roles) && break; sleep 1; done
read -r PV_LEADER PV_FOLLOWER <<<"${roles:?no Pensieve leader}"
pv_pids() { for p in "${PV_PORTS[@]}"; do ss -ltnpH "sport = :$p" | grep -oE 'pid=[0-9]+' | cut -d= -f2; done | sort -u | xargs; }

# --- the same keys in both: PREFIXES x 1,000 range keys and ACCOUNTS accounts, 100-byte values ---
log "loading $((PREFIXES * 1000)) range keys and $ACCOUNTS accounts into both"
python3 - "$(etcd_role true)" "$PV_LEADER" <<'PY'
import base64, json, os, sys, urllib.request
from concurrent.futures import ThreadPoolExecutor
etcd, pv = sys.argv[1], sys.argv[2]
keys = [f"r{p}/{i:013d}" for p in range(int(os.environ["PREFIXES"])) for i in range(1000)]
keys += [f"acct{i:012d}" for i in range(int(os.environ["ACCOUNTS"]))]
value = lambda k: (k + "-" + "v" * 100)[:100]
b64 = lambda s: base64.b64encode(s.encode()).decode()
def post(url, body, method="POST"):
    req = urllib.request.Request(url, data=json.dumps(body).encode(), method=method,
                                 headers={"Content-Type": "application/json"})
    return urllib.request.urlopen(req, timeout=30).status
def load(k):
    return (post(f"{etcd}/v3/kv/put", {"key": b64(k), "value": b64(value(k))}) == 200
            and post(f"http://127.0.0.1:{pv}/v1/kv/{k.replace('/', '%2F')}", {"value": value(k)}, "PUT") == 200)
with ThreadPoolExecutor(32) as ex:
    bad = sum(1 for ok in ex.map(load, keys) if not ok)
sys.exit(1 if bad else 0)
PY

one() {  # one LABEL URL SCRIPT PIDS [ENV...]: a wrk run, its output and the servers' CPU
  local label=$1 url=$2 script=$3 pids=$4 p t0 t1 before=0 after=0; shift 4
  for p in $pids; do before=$((before + $(awk '{print $14 + $15}' "/proc/$p/stat"))); done
  t0=$(date +%s.%N)
  env "$@" wrk -t"$THREADS" -c"${C:-$CONNS}" -d"${DUR:-$DURATION}" --timeout 10s --latency -s "$wrk_dir/$script" "$url" \
    >"$OUT/$label.txt" 2>&1 || true
  t1=$(date +%s.%N)
  for p in $pids; do after=$((after + $(awk '{print $14 + $15}' "/proc/$p/stat"))); done
  awk -v d=$((after - before)) -v hz="$(getconf CLK_TCK)" -v a="$t0" -v b="$t1" \
    'BEGIN{printf "# cpu servers: %.0f%% of one core\n", 100 * d / hz / (b - a)}' >>"$OUT/$label.txt"
}
run() {  # run WORKLOAD LABEL_SUFFIX
  local w=$1 s=$2
  case $w in
    prefix)       export C=$PREFIX_CONNS
                  one "etcd-$w-$s" "$(etcd_role true)" etcd_prefix.lua "$(etcd_pids)" STALE=0
                  one "pensieve-$w-$s" "http://127.0.0.1:$PV_LEADER" pv_prefix.lua "$(pv_pids)" STALE=0 ;;
    prefix-stale) export C=$PREFIX_CONNS
                  one "etcd-$w-$s" "$(etcd_role false)" etcd_prefix.lua "$(etcd_pids)" STALE=1
                  one "pensieve-$w-$s" "http://127.0.0.1:$PV_FOLLOWER" pv_prefix.lua "$(pv_pids)" STALE=1 ;;
    transfer)     export C=$CONNS
                  one "etcd-$w-$s" "$(etcd_role true)" etcd_transfer.lua "$(etcd_pids)"
                  one "pensieve-$w-$s" "http://127.0.0.1:$PV_LEADER" pv_transfer.lua "$(pv_pids)" ;;
    *) echo "unknown workload $w" >&2; exit 2 ;;
  esac
}
if [[ $WARMUP != 0 && $WARMUP != 0s ]]; then
  log "warm-up: each workload once per system for $WARMUP, not counted"
  for w in $WORKLOADS; do DUR=$WARMUP run "$w" warmup; done
fi
for r in $(seq 1 "$RUNS"); do
  for w in $WORKLOADS; do log "run $r: $w"; run "$w" "r$r"; done
done

python3 - "$OUT" $WORKLOADS <<'PY'
import glob, re, statistics, sys
out, workloads = sys.argv[1], sys.argv[2:]
def figures(system, w):
    runs = []
    for f in sorted(glob.glob(f"{out}/{system}-{w}-r*.txt")):
        text = open(f).read()
        m = re.search(r"^RESULT .*", text, re.M)
        if m:
            d = dict(kv.split("=") for kv in m.group(0).split()[1:])
            cpu = re.search(r"cpu servers: (\d+)%", text)
            d["cpu"] = cpu.group(1) if cpu else "0"
            runs.append(d)
    med = lambda k: statistics.median(float(d[k]) for d in runs) if runs else 0.0
    errors = sum(int(d[k]) for d in runs for k in d if k.startswith("err_"))
    return med("rps"), med("p50_ms"), med("p99_ms"), med("cpu"), errors, len(runs)
ratio = lambda a, b: a / b if b else 0
print("\n| workload | etcd req/s | Pensieve req/s | ratio | etcd p50 / p99 ms | Pensieve p50 / p99 ms "
      "| p99 ratio | etcd / Pensieve CPU % | Pensieve errors | runs |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
for w in workloads:
    e, p = figures("etcd", w), figures("pensieve", w)
    print(f"| {w} | {e[0]:.0f} | {p[0]:.0f} | {ratio(p[0], e[0]):.2f} | {e[1]:.1f} / {e[2]:.1f} "
          f"| {p[1]:.1f} / {p[2]:.1f} | {ratio(p[2], e[2]):.2f} | {e[3]:.0f} / {p[3]:.0f} | {p[4]} | {p[5]} |")
print(f"\nraw outputs: {out}")
PY
