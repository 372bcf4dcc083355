#!/usr/bin/env bash
# bench/node-at-1m.sh [--fresh] [--reuse] [--keep]
#
# A node holding a million keys: heap per entry, snapshot write and load times, and restart to
# ready, measured on the local 3-node cluster (deploy/local-cluster.sh) with real node processes.
#
#   PENSIEVE_PORT_OFFSET=100 bash bench/node-at-1m.sh --fresh
#
# What it does, in order:
#  1. Starts the local cluster (deploy/local-cluster.sh up, honouring PENSIEVE_PORT_OFFSET and
#     every PENSIEVE_* the script takes: PENSIEVE_HEAP, PENSIEVE_JAVA_OPTS, ...) and waits until
#     every node is ready and all have applied the same index.
#  2. Heap of each node while empty: `jcmd <pid> GC.class_histogram`, which runs a full GC and
#     lists the live objects, class by class; its total is the live heap.
#  3. Loads KEYS keys (default 1,000,000): key 'k' + 15 digits (16 bytes), 100-byte values, raw
#     PUT /v1/kv/{key} to the leader by wrk (bench/put-sequential.lua: CONNS connections over
#     THREADS threads, each key written once). Every PUT must answer 200 and every node must then
#     hold KEYS entries. Heap of each node again: what a node holds before any snapshot.
#  4. Takes a snapshot on every node (pvctl snapshot create --node nX), which also purges the log
#     it covers, and reads its write time from pensieve_raft_snapshot_duration_seconds (/metrics).
#  5. Heap of each node a third time. Then waits until the Raft retry cache
#     has expired (RaftTuning: 120 s after the last write; RETRY_WAIT, default 125 s) and sends
#     NUDGE_WRITES overwrites of existing keys: Ratis's retry cache (a Guava cache) drops expired
#     entries only when it is written to, segment by segment, so an idle node keeps them. Heap
#     a fourth time. Overhead per entry = (heap - empty heap) / KEYS - 116 (key and value bytes);
#     the class histograms say what the heap holds (byte[] records, the map's int arrays, Ratis's
#     log cache, retry cache entries, ...), as the difference from the empty node.
#  6. Restarts a follower RESTARTS times (default 3), then the leader RESTARTS times: takes a
#     snapshot on it first (one more write time), kills it (kill -9, or SIGTERM with
#     RESTART_SIGNAL=TERM), starts it again with deploy/local-cluster.sh up (which starts the
#     nodes that are not running) and polls its GET /ready every 20 ms. Restart to ready runs
#     from the process's start (its start time in /proc) to the first 200; beside it the CPU the
#     process had used by then (the machine is shared: CPU time does not depend on the others'
#     load), the snapshot load time (pensieve_raft_snapshot_load_duration_seconds, or the log's
#     "Loaded snapshot ... in N ms") and, from the node's log, when it started, loaded its
#     snapshot and started serving. For the leader it also reports how long after the kill the
#     others knew a new leader.
#  7. Prints a summary (medians of the runs, every run's figures beside them) and stops the
#     cluster (--keep leaves it running).
#
# Options:
#   --fresh   delete the cluster's data directory (./data-<offset>/, ./data/ for offset 0) first;
#             without it the script refuses to load into a directory that holds data
#   --reuse   the data directory already holds the keys (a --keep run): skip the empty heap and
#             the load; per-entry figures then use the empty heap that run saved
#   --keep    leave the cluster running at the end
# Knobs (environment): KEYS (1000000), CONNS (64), THREADS (2), RESTARTS (3), RETRY_WAIT (125;
# 0 skips the wait and the last heap), NUDGE_WRITES (64), RESTART_SIGNAL (KILL|TERM).
# Needs what the repository builds (the jars, pvctl) plus curl, python3, wrk and the JDK's jcmd.
# Every file it writes (histograms, node logs are beside them) goes to <data dir>/node-at-1m/.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
OFFSET=${PENSIEVE_PORT_OFFSET:-0}
KEYS=${KEYS:-1000000}
CONNS=${CONNS:-64}
THREADS=${THREADS:-2}
RESTARTS=${RESTARTS:-3}
RETRY_WAIT=${RETRY_WAIT:-125}
NUDGE_WRITES=${NUDGE_WRITES:-64}
RESTART_SIGNAL=${RESTART_SIGNAL:-KILL}
NODES=(n1 n2 n3)
DATA="$root/data"
(( OFFSET == 0 )) || DATA="$root/data-$OFFSET"
OUT="$DATA/node-at-1m"
KEY_VALUE_BYTES=116
CLUSTER=(env PENSIEVE_PORT_OFFSET="$OFFSET" bash "$root/deploy/local-cluster.sh")

fresh=false reuse=false keep=false
for arg in "$@"; do
  case $arg in
    --fresh) fresh=true ;;
    --reuse) reuse=true ;;
    --keep) keep=true ;;
    *) echo "usage: $0 [--fresh] [--reuse] [--keep]" >&2; exit 2 ;;
  esac
done
if [[ $fresh == true && $reuse == true ]]; then
  echo "--fresh deletes the data --reuse would use: give one of them" >&2; exit 2
fi
for tool in curl python3 wrk jcmd java; do
  command -v "$tool" >/dev/null || { echo "needs $tool on the PATH" >&2; exit 2; }
done

say() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*"; }
rest_port() { echo $((8000 + ${1#n} + OFFSET)); }
grpc_port() { echo $((9000 + ${1#n} + OFFSET)); }
pid_of() { cat "$DATA/$1.pid"; }
endpoints() {
  local n list=()
  for n in "${NODES[@]}"; do list+=("127.0.0.1:$(grpc_port "$n")"); done
  (IFS=,; echo "${list[*]}")
}
pvctl() { "$root/pvctl" --endpoints "$(endpoints)" "$@"; }
json_field() { python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }

running() {
  local n
  for n in "${NODES[@]}"; do
    [[ -s $DATA/$n.pid ]] && kill -0 "$(pid_of "$n")" 2>/dev/null && return 0
  done
  return 1
}

stop_cluster() { "${CLUSTER[@]}" down >/dev/null || true; }

leader() {  # the leader as the first node that answers knows it
  local n
  for n in "${NODES[@]}"; do
    curl -sf --max-time 2 "127.0.0.1:$(rest_port "$n")/v1/cluster" | json_field leader && return 0
  done
  return 1
}

# Waits until every node answers /ready 200 with the same applied index (and, given one, holds
# that many keys), for at most $2 seconds.
wait_settled() {
  local keys=${1:-} limit=${2:-300} ports=() n
  for n in "${NODES[@]}"; do ports+=("$(rest_port "$n")"); done
  python3 - "$keys" "$limit" "${ports[@]}" <<'PY'
import json, sys, time, urllib.request
keys, limit, ports = sys.argv[1], float(sys.argv[2]), sys.argv[3:]
def get(port, path):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=2) as r:
            return json.load(r)
    except Exception:
        return None
deadline = time.time() + limit
while True:
    ready = [get(p, "/ready") for p in ports]
    applied = {r["applied_index"] for r in ready if r and r.get("ready")}
    ok = all(r and r.get("ready") for r in ready) and len(applied) == 1
    if ok and keys:
        ok = all((get(p, "/v1/stats") or {}).get("total_entries") == int(keys) for p in ports)
    if ok:
        break
    if time.time() > deadline:
        sys.exit(f"the cluster did not settle in {limit:.0f} s: {ready}")
    time.sleep(0.2)
PY
}

# Live heap of a node: full GC, then the class histogram (kept in $OUT/hist-<label>-<node>.txt).
heap_histogram() {  # node label
  local file="$OUT/hist-$2-$1.txt"
  jcmd "$(pid_of "$1")" GC.class_histogram >"$file"
  awk '/^Total/ {print $3}' "$file"
}

histograms() {  # label: every node's live heap
  local n
  for n in "${NODES[@]}"; do
    printf '%s %s\n' "$n" "$(heap_histogram "$n" "$1")" >>"$OUT/heap-$1.txt"
  done
}

snapshot_seconds_sum() {  # node: total seconds spent writing snapshots, and how many
  curl -sf "127.0.0.1:$(rest_port "$1")/metrics" | awk '
    /^pensieve_raft_snapshot_duration_seconds_sum/ {s=$2}
    /^pensieve_raft_snapshot_duration_seconds_count/ {c=$2}
    END {print s+0, c+0}'
}

take_snapshot() {  # node: takes one and records its write time, when one was written
  local before after
  before=$(snapshot_seconds_sum "$1")
  pvctl -o json snapshot create --node "$1" >"$OUT/snapshot-$1.json"
  after=$(snapshot_seconds_sum "$1")
  python3 - "$1" "$before" "$after" >>"$OUT/snapshot-writes.txt" <<'PY'
import sys
node, (s0, c0), (s1, c1) = sys.argv[1], *(map(float, a.split()) for a in sys.argv[2:])
if c1 > c0:
    print(node, f"{(s1 - s0) / (c1 - c0):.3f}")
PY
}

load() {
  local lead port start elapsed
  lead=$(leader)
  port=$(rest_port "$lead")
  rm -f "$OUT"/thread-*.done
  say "Loading $KEYS keys into leader $lead (wrk, $CONNS connections, $THREADS threads)"
  start=$(date +%s.%N)
  wrk -t "$THREADS" -c "$CONNS" -d 3600s --timeout 15s -s "$root/bench/put-sequential.lua" \
    "http://127.0.0.1:$port" -- "$KEYS" "$THREADS" "$OUT" >"$OUT/wrk.txt" 2>&1 &
  local wrk_pid=$! entries=-1 last_change=$SECONDS now_entries
  while (( $(find "$OUT" -name 'thread-*.done' | wc -l) < THREADS )); do
    kill -0 "$wrk_pid" 2>/dev/null || { cat "$OUT/wrk.txt"; echo "wrk ended early" >&2; exit 1; }
    now_entries=$(curl -sf --max-time 2 "127.0.0.1:$port/v1/stats" \
      | json_field total_entries || echo -1)
    if [[ $now_entries != "$entries" ]]; then
      entries=$now_entries last_change=$SECONDS
    elif (( SECONDS - last_change > 60 )); then
      kill -INT "$wrk_pid"
      echo "the load stalled at $entries keys for 60 s; threads done:" \
        "$(cat "$OUT"/thread-*.done 2>/dev/null)" >&2
      exit 1
    fi
    sleep 1
  done
  elapsed=$(python3 -c "import time; print(f'{time.time() - $start:.1f}')")
  kill -INT "$wrk_pid"; wait "$wrk_pid" || true
  local failed
  failed=$(cat "$OUT"/thread-*.done | awk '{f += $2} END {print f}')
  if (( failed > 0 )); then
    echo "$failed PUTs failed, e.g.:" \
      "$(awk '$2 > 0 {$1=$2=""; print; exit}' "$OUT"/thread-*.done)" >&2
    exit 1
  fi
  echo "$elapsed" >"$OUT/load-seconds.txt"
  say "Loaded in $elapsed s ($(python3 -c "print(round($KEYS / $elapsed))") keys/s);" \
    "waiting for every node to apply it"
  wait_settled "$KEYS" 600
  date +%s >"$OUT/last-write.txt"
}

nudge() {  # overwrites of existing keys, same sizes: Ratis drops expired retry cache entries
  local port i key
  port=$(rest_port "$(leader)")
  for ((i = 0; i < NUDGE_WRITES; i++)); do
    printf -v key 'k%015d' "$i"
    curl -sf -o /dev/null -X PUT -H 'Content-Type: application/octet-stream' \
      --data-binary "$key$(printf 'v%.0s' {1..84})" "127.0.0.1:$port/v1/kv/$key"
  done
}

# One restart of node $1 ("follower" or "leader" in $2); appends a JSON line to restarts.jsonl.
restart() {
  local n=$1 role=$2 old_pid log_offset kill_time others=() o
  take_snapshot "$n"
  for o in "${NODES[@]}"; do [[ $o == "$n" ]] || others+=("$(rest_port "$o")"); done
  old_pid=$(pid_of "$n")
  log_offset=$(stat -c %s "$DATA/$n.log")
  kill_time=$(date +%s.%N)
  kill -"$RESTART_SIGNAL" "$old_pid"
  while kill -0 "$old_pid" 2>/dev/null; do sleep 0.01; done
  "${CLUSTER[@]}" up >"$OUT/up-$n.txt" 2>&1 &
  local up_pid=$!
  python3 - "$n" "$role" "$DATA/$n.pid" "$old_pid" "$kill_time" "$(rest_port "$n")" \
      "$DATA/$n.log" "$log_offset" "${others[@]}" >>"$OUT/restarts.jsonl" <<'PY'
import json, os, re, sys, time, urllib.request
from datetime import datetime, timezone
node, role, pid_file, old_pid, kill_time, port, log, log_offset, *others = sys.argv[1:]
kill_time, log_offset = float(kill_time), int(log_offset)

def status(p, path="/ready"):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{p}{path}", timeout=0.5) as r:
            return r.status, json.load(r)
    except urllib.error.HTTPError as e:
        return e.code, None
    except Exception:
        return None, None

deadline = time.time() + 120
while True:  # the new process
    try:
        pid = open(pid_file).read().strip()
        if pid and pid != old_pid:
            break
    except OSError:
        pass
    if time.time() > deadline:
        sys.exit("the node was not started again")
    time.sleep(0.005)
ticks = os.sysconf("SC_CLK_TCK")
boot = next(float(l.split()[1]) for l in open("/proc/stat") if l.startswith("btime"))
started = boot + int(open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[19]) / ticks
new_leader_after = None
while True:  # /ready every 20 ms; for a leader, also whether the others know a new one
    now = time.time()
    if role == "leader" and new_leader_after is None:
        for o in others:
            code, body = status(o)
            if body and body.get("leader") and body["leader"] != node:
                new_leader_after = time.time() - kill_time
                break
    code, body = status(port)
    if code == 200:
        ready = time.time()
        stat = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
        cpu = (int(stat[11]) + int(stat[12])) / ticks
        leader_after = body.get("leader")
        break
    if now > deadline:
        sys.exit(f"{node} not ready within 120 s")
    time.sleep(max(0.0, 0.02 - (time.time() - now)))

def metric(name):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=2) as r:
            for line in r.read().decode().splitlines():
                if line.startswith(name + " "):
                    return float(line.split()[1])
    except Exception:
        pass
    return None
load_sum = metric("pensieve_raft_snapshot_load_duration_seconds_sum")
load_count = metric("pensieve_raft_snapshot_load_duration_seconds_count")

def stamp(line):
    m = re.match(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+)Z", line)
    if not m:
        return None
    return datetime.fromisoformat(m.group(1)).replace(tzinfo=timezone.utc).timestamp()
def log_lines():
    with open(log, errors="replace") as f:
        f.seek(log_offset)
        return f.read().splitlines()
lines = log_lines()
for _ in range(100):  # the node turns ready a moment before it logs that it serves
    if any(" started: REST " in l for l in lines):
        break
    time.sleep(0.02)
    lines = log_lines()
first_log = next((stamp(l) for l in lines if stamp(l)), None)
load_ms = loaded_at = serving_at = None
for l in lines:
    m = re.search(r"Loaded snapshot .* in (\d+) ms", l)
    if m and load_ms is None:
        load_ms, loaded_at = int(m.group(1)), stamp(l)
    if serving_at is None and " started: REST " in l:
        serving_at = stamp(l)
if load_count == 1:  # the metric is the more precise; a node without it says so in its log
    load_ms = round(load_sum * 1000, 1)
rel = lambda t: None if t is None else round(t - started, 3)
print(json.dumps({
    "node": node, "role": role, "leader_after": leader_after,
    "ready_s": round(ready - started, 3), "cpu_s": round(cpu, 2), "first_log_s": rel(first_log),
    "snapshot_loaded_s": rel(loaded_at), "snapshot_load_ms": load_ms,
    "node_started_s": rel(serving_at),
    "new_leader_after_kill_s": None if new_leader_after is None else round(new_leader_after, 3),
    "down_s": round(started - kill_time, 3),
    "loadavg": float(open("/proc/loadavg").read().split()[0])}))
PY
  wait "$up_pid"
  wait_settled "" 120
}

summary() {
  python3 - "$OUT" "$KEYS" "$KEY_VALUE_BYTES" "$OFFSET" <<'PY'
import json, os, re, statistics, sys
out, keys, kv_bytes, offset = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
def heaps(label):
    path = f"{out}/heap-{label}.txt"
    if not os.path.exists(path):
        return {}
    return {n: int(b) for n, b in (l.split() for l in open(path) if l.strip())}
def histogram(label, node):
    classes = {}
    path = f"{out}/hist-{label}-{node}.txt"
    if not os.path.exists(path):
        return classes
    for line in open(path):
        m = re.match(r"\s*\d+:\s+(\d+)\s+(\d+)\s+(\S+)", line)
        if m:
            classes[m.group(3)] = (int(m.group(1)), int(m.group(2)))
    return classes
med = lambda xs: statistics.median(xs) if xs else None
fmt = lambda x, unit="", d=2: "n/a" if x is None else f"{x:.{d}f}{unit}"

empty = heaps("empty")
print(f"\n=== A node holding {keys:,} keys (16-byte keys, 100-byte values),"
      f" port offset {offset} ===\n")
labels = [("loaded", "after the load"), ("snapshot", "+ snapshot, log purged"),
          ("expired", "+ retry cache expired")]
print("Heap: live bytes after a full GC (jcmd GC.class_histogram); overhead per entry ="
      f" (heap - empty heap) / {keys:,} - {kv_bytes} B")
print(f"{'node':<5} {'empty MB':>9} " + " ".join(f"{t:>22} {'B/entry':>8}" for _, t in labels))
for n in sorted(set(empty) | set(heaps("snapshot"))):
    row = f"{n:<5} {fmt(empty.get(n) and empty[n] / 2**20, '', 1):>9} "
    for label, _ in labels:
        h = heaps(label).get(n)
        over = (h - empty[n]) / keys - kv_bytes if h and n in empty else None
        row += f"{fmt(h and h / 2**20, ' MB', 1):>22} {fmt(over, '', 1):>8} "
    print(row)

final = "expired" if heaps("expired") else "snapshot"
# the node whose heap grew most: a follower, which also keeps the retry cache
node = max(heaps(final), key=heaps(final).get) if heaps(final) else None
if node and empty:
    before, after = histogram("empty", node), histogram(final, node)
    rows = []
    for cls in set(before) | set(after):
        di = after.get(cls, (0, 0))[0] - before.get(cls, (0, 0))[0]
        db = after.get(cls, (0, 0))[1] - before.get(cls, (0, 0))[1]
        rows.append((db, di, cls))
    rows.sort(reverse=True)
    print(f"\nWhat the heap of {node} gained ({final} vs empty), largest classes:")
    print(f"  {'class':<72} {'instances':>11} {'MB':>8} {'B/key':>7}")
    for db, di, cls in rows[:12]:
        print(f"  {cls[:72]:<72} {di:>11,} {db / 2**20:>8.1f} {db / keys:>7.1f}")
    print(f"  {'all':<72} {'':>11} {sum(r[0] for r in rows) / 2**20:>8.1f}"
          f" {sum(r[0] for r in rows) / keys:>7.1f}")
entries = lambda label, n: histogram(label, n).get(
    "org.apache.ratis.server.impl.RetryCacheImpl$CacheEntry", (0, 0))[0]
if heaps("snapshot"):
    print("\nRaft retry cache entries (one per write batch, kept 120 s; followers only, the "
          "leader drops each once its client has the reply):")
    for label in ("snapshot", "expired"):
        if heaps(label):
            print(f"  {dict(labels)[label]:<24}"
                  + "  ".join(f"{n} {entries(label, n):,}" for n in sorted(heaps(label))))

writes = [float(l.split()[1]) for l in open(f"{out}/snapshot-writes.txt")] \
    if os.path.exists(f"{out}/snapshot-writes.txt") else []
runs = [json.loads(l) for l in open(f"{out}/restarts.jsonl")] \
    if os.path.exists(f"{out}/restarts.jsonl") else []
loads = [r["snapshot_load_ms"] / 1000 for r in runs if r["snapshot_load_ms"] is not None]
print("\nSnapshots (target: each under 1 s)")
print(f"  write, with fsync:  median {fmt(med(writes), ' s')}   runs: "
      + " ".join(f"{w:.2f}" for w in writes))
print(f"  load at restart:    median {fmt(med(loads), ' s')}   runs: "
      + " ".join(f"{w:.2f}" for w in loads))
if os.path.exists(f"{out}/load-seconds.txt"):
    s = float(open(f"{out}/load-seconds.txt").read())
    print(f"\nLoad: {keys:,} PUTs in {s:.1f} s ({keys / s:,.0f}/s)")
for role in ("follower", "leader"):
    rs = [r for r in runs if r["role"] == role]
    if not rs:
        continue
    print(f"\nRestart of the {role} (kill, start; from process start, s; target: ready under 5 s)")
    cols = [("ready_s", "ready"), ("cpu_s", "CPU s at ready"), ("first_log_s", "first log"),
            ("snapshot_loaded_s", "snapshot loaded"), ("node_started_s", "node started"),
            ("down_s", "kill to start")]
    if role == "leader":
        cols.append(("new_leader_after_kill_s", "new leader after kill"))
    cols.append(("loadavg", "machine load"))
    print("  " + " ".join(f"{t:>16}" for _, t in cols) + "  node  leader after")
    for r in rs:
        print("  " + " ".join(f"{fmt(r[k]):>16}" for k, _ in cols)
              + f"  {r['node']:<5} {r['leader_after']}")
    print("  " + " ".join(f"{fmt(med([r[k] for r in rs if r[k] is not None])):>16}"
                          for k, _ in cols) + "  median")
PY
}

# ---- main ----
if running; then
  echo "The cluster at offset $OFFSET is running; stop it first:" \
    "PENSIEVE_PORT_OFFSET=$OFFSET deploy/local-cluster.sh down" >&2
  exit 2
fi
if [[ $fresh == true ]]; then
  rm -rf "$DATA"
elif [[ $reuse == false && -d $DATA ]] && compgen -G "$DATA/n*/*" >/dev/null; then
  echo "$DATA holds data: give --fresh to delete it, or --reuse to measure it as it is." >&2
  exit 2
fi
mkdir -p "$OUT"
if [[ $reuse == true ]]; then
  [[ -f $OUT/heap-empty.txt ]] || say "No saved empty heap in $OUT: per-entry figures will be n/a"
  rm -f "$OUT"/heap-snapshot.txt "$OUT"/heap-expired.txt
else
  rm -f "$OUT"/*.txt "$OUT"/*.jsonl "$OUT"/*.json
fi
rm -f "$OUT/restarts.jsonl" "$OUT/snapshot-writes.txt"
[[ $keep == true ]] || trap stop_cluster EXIT

say "Starting the cluster (offset $OFFSET, heap ${PENSIEVE_HEAP:-1g})"
"${CLUSTER[@]}" up >"$OUT/up.txt"
if [[ $reuse == true ]]; then
  wait_settled "$KEYS" 300
else
  wait_settled "" 120
  say "Empty heap: $(histograms empty; tr '\n' ' ' <"$OUT/heap-empty.txt")"
  load
fi

if [[ $reuse == false ]]; then
  histograms loaded
  say "Heap after the load: $(tr '\n' ' ' <"$OUT/heap-loaded.txt")"
fi
say "Taking a snapshot on every node"
for n in "${NODES[@]}"; do take_snapshot "$n"; done
histograms snapshot
say "Heap after the snapshots: $(tr '\n' ' ' <"$OUT/heap-snapshot.txt")"

if (( RETRY_WAIT > 0 )); then
  last=$(cat "$OUT/last-write.txt" 2>/dev/null || date +%s)
  wait_for=$(( last + RETRY_WAIT - $(date +%s) ))
  if (( wait_for > 0 )); then
    say "Waiting ${wait_for} s for the retry cache entries of the load to expire"
    sleep "$wait_for"
  fi
  nudge
  wait_settled "$KEYS" 60
  histograms expired
  say "Heap with the retry cache expired: $(tr '\n' ' ' <"$OUT/heap-expired.txt")"
fi

for ((r = 1; r <= RESTARTS; r++)); do
  lead=$(leader)
  for n in "${NODES[@]}"; do [[ $n == "$lead" ]] || { follower=$n; break; }; done
  say "Restart $r/$RESTARTS of follower $follower"
  restart "$follower" follower
done
for ((r = 1; r <= RESTARTS; r++)); do
  lead=$(leader)
  say "Restart $r/$RESTARTS of leader $lead"
  restart "$lead" leader
done

summary | tee "$OUT/summary.txt"
