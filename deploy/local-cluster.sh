#!/usr/bin/env bash
# deploy/local-cluster.sh up|down|status|logs [n1|n2|n3] | join n4..n9
# A local 3-node Pensieve cluster on this machine: REST 8001-8003, gRPC 9001-9003,
# Raft 10001-10003, data and logs under ./data/. Builds the jars first if they are missing.
# `join nK` starts one more node (REST 800K, gRPC 900K, Raft 1000K) waiting to be added:
# then `./pvctl member add nK 127.0.0.1:1000K`.
# Knobs: PENSIEVE_PORT_OFFSET (added to every port, default 0, for a second cluster beside the
# first; DATA goes to ./data-<offset>/ then), PENSIEVE_HEAP (default 1g), PENSIEVE_JAVA_OPTS (extra JVM flags), and any PENSIEVE_*
# node setting (see: server/target/bin/pensieve --help).
# Each node runs server/target/bin/pensieve, the launcher of deploy/bin/pensieve copied into the
# built tree by mvn package: the JVM flags are the launcher's, this script adds only the heap.
# Nodes start with a class data sharing archive in server/target/cds/ (the launcher's
# PENSIEVE_CDS_DIR): the classes of Ratis, gRPC, Jetty and the node already parsed and verified,
# so a node starts, and restarts, on about half the CPU. It is made when missing or older than
# the jars, by starting one node alone once (about 10 s); PENSIEVE_CDS=off starts the nodes
# without it.
# PENSIEVE_TLS_DIR=DIR turns TLS on: each node gets DIR/<node>.pem, DIR/<node>-key.pem and
# DIR/ca.pem (made by deploy/tls/make-dev-certs.sh when missing); clients then use https://
# and pvctl --cacert DIR/ca.pem.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TLS_DIR=${PENSIEVE_TLS_DIR:-}
[[ -z $TLS_DIR || $TLS_DIR == /* ]] || TLS_DIR="$PWD/$TLS_DIR"
cd "$root"
NODES=(n1 n2 n3)
OFFSET=${PENSIEVE_PORT_OFFSET:-0}
REST_PORTS=($((8001 + OFFSET)) $((8002 + OFFSET)) $((8003 + OFFSET)))
GRPC_PORTS=($((9001 + OFFSET)) $((9002 + OFFSET)) $((9003 + OFFSET)))
RAFT_PORTS=($((10001 + OFFSET)) $((10002 + OFFSET)) $((10003 + OFFSET)))
DATA="$root/data"
(( OFFSET == 0 )) || DATA="$root/data-$OFFSET"
JAR="$root/server/target/pensieve-server.jar"
LAUNCHER="$root/server/target/bin/pensieve"
HEAP=${PENSIEVE_HEAP:-1g}
JAVA_OPTS="-Xms$HEAP -Xmx$HEAP ${PENSIEVE_JAVA_OPTS:-}"  # the launcher's PENSIEVE_JAVA_OPTS
CDS_DIR="$root/server/target/cds"
CDS=${PENSIEVE_CDS:-on}
WAIT_SECONDS=${PENSIEVE_WAIT_SECONDS:-60}

say() { printf '%s\n' "$*"; }
pid_file() { echo "$DATA/$1.pid"; }
running_pid() {  # prints the pid of a node this script started, if it is still running
  local f; f=$(pid_file "$1")
  [[ -s $f ]] || return 1
  local pid; pid=$(cat "$f")
  kill -0 "$pid" 2>/dev/null || return 1
  # the pid must still be our java process, not a recycled pid
  grep -q "io.pensieve.server.PensieveMain" "/proc/$pid/cmdline" 2>/dev/null || return 1
  echo "$pid"
}

build_if_missing() {
  if [[ ! -f $JAR || ! -d $root/server/target/lib || ! -x $LAUNCHER ]]; then
    say "Building the jars (mvn -DskipTests package)..."
    mvn -B -q -DskipTests -pl server -am package
  fi
}

# The class data sharing archive: one node started alone on ephemeral ports through the launcher
# with PENSIEVE_CDS_DIR, sent a write and a read, and stopped; the JVM writes the classes it
# loaded as it exits. The three nodes are given PENSIEVE_CDS_DIR only once the archive is there,
# so that they read it rather than each write it. A JVM that finds the archive stale (another
# JDK) says so once and starts without it.
made_since_build() {  # file: it exists and no jar is newer
  [[ -e $1 ]] && [[ -z $(find "$JAR" "$root/server/target/lib" -newer "$1" -name '*.jar' \
    -print -quit) ]]
}

cds_usable() {  # an archive made from these jars
  local f
  [[ $CDS == off ]] && return 1
  for f in "$CDS_DIR"/pensieve-*.jsa; do
    [[ -s $f ]] && made_since_build "$f" && return 0
  done
  return 1
}

cds_archive() {
  [[ $CDS == off ]] && return 0
  # made, or tried, since the last build
  if cds_usable || made_since_build "$CDS_DIR/failed"; then return 0; fi
  say "Making the class data sharing archive in $CDS_DIR (one node started alone, once)..."
  local dir log pid port="" _
  dir=$(mktemp -d)
  log="$dir/node.log"
  mkdir -p "$CDS_DIR"
  rm -f "$CDS_DIR/failed"
  PENSIEVE_CDS_DIR="$CDS_DIR" PENSIEVE_JAVA_OPTS="$JAVA_OPTS" "$LAUNCHER" \
    --node-id cds --listen-host 127.0.0.1 --port 0 --grpc-port 0 --raft-port 0 \
    --data-dir "$dir/data" >"$log" 2>&1 &
  pid=$!
  for _ in $(seq 1 600); do
    port=$(sed -n 's/.* started: REST 127\.0\.0\.1:\([0-9]*\),.*/\1/p' "$log")
    [[ -n $port ]] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if [[ -n $port ]]; then
    for _ in $(seq 1 100); do
      curl -sf -o /dev/null "127.0.0.1:$port/ready" && break
      sleep 0.1
    done
    curl -sf -o /dev/null -X PUT "127.0.0.1:$port/v1/kv/cds" -d '{"value":"x"}' || true
    curl -sf -o /dev/null "127.0.0.1:$port/v1/kv/cds" || true
  fi
  kill -TERM "$pid" 2>/dev/null || true
  wait "$pid" || true
  if [[ -z $port ]] || ! compgen -G "$CDS_DIR/pensieve-*.jsa" >/dev/null; then
    rm -f "$CDS_DIR"/pensieve-*.jsa
    touch "$CDS_DIR/failed"
    say "Could not make the archive (see below); the nodes start without it until the next build."
    tail -5 "$log"
  fi
  rm -rf "$dir"
}

peers() {
  local list=() i
  for i in "${!NODES[@]}"; do list+=("${NODES[$i]}=127.0.0.1:${RAFT_PORTS[$i]}"); done
  (IFS=,; echo "${list[*]}")
}

certs_for() {  # node: makes its certificate (and the CA) if PENSIEVE_TLS_DIR lacks them
  if [[ ! -s $TLS_DIR/$1.pem || ! -s $TLS_DIR/$1-key.pem || ! -s $TLS_DIR/ca.pem ]]; then
    "$root/deploy/tls/make-dev-certs.sh" "$TLS_DIR" "$1"
  fi
}

# path: from the first node that answers; https with PENSIEVE_TLS_DIR; the caller's local
# auth array (curl header flags) is sent along
rest_get() {
  local port url=http tls=()
  if [[ -n $TLS_DIR ]]; then url=https; tls=(--cacert "$TLS_DIR/ca.pem"); fi
  for port in "${REST_PORTS[@]}"; do
    curl -sf --max-time 2 "${tls[@]}" ${auth[@]+"${auth[@]}"} "$url://127.0.0.1:$port$1" \
      && return 0
  done
  return 1
}

cluster_json() {  # with auth on, PENSIEVE_TOKEN (a read token) is sent
  local auth=()
  [[ -n ${PENSIEVE_TOKEN:-} ]] && auth=(-H "Authorization: Bearer $PENSIEVE_TOKEN")
  rest_get /v1/cluster
}

ready_json() {  # /ready needs no token, auth on or off
  local auth=()
  rest_get /ready
}

leader_of() { python3 -c 'import json,sys; print(json.load(sys.stdin).get("leader",""))'; }

start_node() {  # id rest grpc raft [flags...]
  local n=$1 rest=$2 grpc=$3 raft=$4 tls=() cds=""
  shift 4
  if cds_usable; then cds=$CDS_DIR; fi
  if [[ -n $TLS_DIR ]]; then
    certs_for "$n"
    tls=(--tls-cert "$TLS_DIR/$n.pem" --tls-key "$TLS_DIR/$n-key.pem" --tls-ca "$TLS_DIR/ca.pem")
  fi
  PENSIEVE_CDS_DIR=$cds PENSIEVE_JAVA_OPTS=$JAVA_OPTS nohup "$LAUNCHER" \
    --node-id "$n" --listen-host 127.0.0.1 --advertise-host 127.0.0.1 \
    --port "$rest" --grpc-port "$grpc" --raft-port "$raft" --data-dir "$DATA/$n" "${tls[@]}" "$@" \
    >>"$DATA/$n.log" 2>&1 &
  echo $! >"$(pid_file "$n")"
  say "Started $n (pid $!): REST 127.0.0.1:$rest, gRPC 127.0.0.1:$grpc, Raft 127.0.0.1:$raft, log $DATA/$n.log"
}

with_ports() {  # the try-this lines, with this cluster's REST ports
  sed "s|:8001/|:${REST_PORTS[0]}/|; s|:8002/|:${REST_PORTS[1]}/|; s|:8003/|:${REST_PORTS[2]}/|"
}

join() {
  local n=${1:-}
  if [[ ! $n =~ ^n[4-9]$ ]]; then say "usage: $0 join n4..n9"; exit 2; fi
  if running_pid "$n" >/dev/null; then say "$n is already running"; return 0; fi
  build_if_missing
  cds_archive
  mkdir -p "$DATA"
  local k=${n#n}
  start_node "$n" "$((8000 + k + OFFSET))" "$((9000 + k + OFFSET))" "$((10000 + k + OFFSET))" --join
  say "$n waits to be added: ./pvctl member add $n 127.0.0.1:$((10000 + k + OFFSET))"
}

up() {
  local alive=() n
  for n in "${NODES[@]}"; do running_pid "$n" >/dev/null && alive+=("$n"); done
  if ((${#alive[@]} == ${#NODES[@]})); then
    say "The local cluster is already running (${alive[*]}). Use '$0 status' or '$0 down'."
    return 0
  fi
  build_if_missing
  cds_archive
  mkdir -p "$DATA"
  [[ -z $TLS_DIR ]] || "$root/deploy/tls/make-dev-certs.sh" "$TLS_DIR" "${NODES[@]}"
  local i
  for i in "${!NODES[@]}"; do
    n=${NODES[$i]}
    if running_pid "$n" >/dev/null; then say "$n is already running"; continue; fi
    start_node "$n" "${REST_PORTS[$i]}" "${GRPC_PORTS[$i]}" "${RAFT_PORTS[$i]}" --peers "$(peers)"
  done
  local deadline=$((SECONDS + WAIT_SECONDS)) leader=""
  while ((SECONDS < deadline)); do
    leader=$(ready_json 2>/dev/null | leader_of 2>/dev/null || true)
    [[ -n $leader ]] && break
    for n in "${NODES[@]}"; do
      running_pid "$n" >/dev/null || { say "$n exited; its log:"; tail -20 "$DATA/$n.log"; exit 1; }
    done
    sleep 0.5
  done
  if [[ -z $leader ]]; then
    say "No leader after ${WAIT_SECONDS}s; see '$0 logs'."
    exit 1
  fi
  say "Leader: $leader. Try:"
  if [[ -n $TLS_DIR ]]; then
    with_ports | sed "s|curl |curl --cacert $TLS_DIR/ca.pem |; s|localhost:|https://localhost:|" <<'TRY'
  curl -X PUT localhost:8001/v1/kv/greeting -d '{"value":"hello"}'
  curl localhost:8002/v1/kv/greeting
  curl localhost:8001/v1/cluster
TRY
    say "  PENSIEVE_CACERT=$TLS_DIR/ca.pem ./pvctl member list"
    return 0
  fi
  with_ports <<'TRY'
  curl -X PUT localhost:8001/v1/kv/greeting -d '{"value":"hello"}'
  curl localhost:8002/v1/kv/greeting
  curl 'localhost:8003/v1/kv/greeting?consistency=stale'
  curl -X PUT localhost:8001/v1/kv/session -d '{"value":"abc","ttl_seconds":30}'
  curl -X DELETE localhost:8003/v1/kv/greeting
  curl localhost:8001/v1/cluster
  curl localhost:8002/v1/stats
TRY
}

down() {
  local n pid stopped=0 file
  for file in "$DATA"/*.pid; do
    [[ -e $file ]] || continue
    n=$(basename "$file" .pid)
    if pid=$(running_pid "$n"); then
      kill -TERM "$pid"
      for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      if kill -0 "$pid" 2>/dev/null; then say "$n did not stop in 15s; killing it"; kill -KILL "$pid"; fi
      say "Stopped $n (pid $pid)"
      stopped=$((stopped + 1))
    fi
    rm -f "$(pid_file "$n")"
  done
  ((stopped > 0)) || say "No node started by this script is running."
}

status() {
  local i n pid
  for i in "${!NODES[@]}"; do
    n=${NODES[$i]}
    if pid=$(running_pid "$n"); then
      say "$n running (pid $pid), REST 127.0.0.1:${REST_PORTS[$i]}"
    else
      say "$n stopped"
    fi
  done
  local cluster
  if cluster=$(cluster_json 2>/dev/null); then
    python3 - "$cluster" <<'PY'
import json, sys
c = json.loads(sys.argv[1])
print(f"leader: {c['leader'] or '(none)'}  term: {c['term']}")
for m in c["members"]:
    print(f"  {m['id']:<4} {m['role']:<9} rest {m['rest_address']:<16} grpc {m['grpc_address']:<16} raft {m['raft_address']}")
PY
  fi
}

logs() {
  local targets=("${@:-${NODES[@]}}") files=() n
  for n in "${targets[@]}"; do files+=("$DATA/$n.log"); done
  tail -n 50 "${files[@]}"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  logs) shift; logs "$@" ;;
  join) shift; join "$@" ;;
  *) say "usage: $0 up|down|status|logs [node...]|join n4..n9"; exit 2 ;;
esac
