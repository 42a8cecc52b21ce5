#!/usr/bin/env bash
# Reproduces the load-generator benchmarks (docs/benchmarks.md): builds the jar, starts a Flotilla server on free ports
# in a fresh data directory, starts Mosquitto for the baseline (plain MQTT and MQTT/TLS listeners), runs
# `flotilla loadgen` as a separate process, stops everything. Small defaults finish in a few minutes; pass the target sizes to reproduce the published numbers.
# --scenario goes to the load generator, which knows the names and what `all` runs (LoadGenerator.SCENARIOS).
#
#   bench/run.sh                                   # 200 live devices, 5,000 registered, every scenario
#   bench/run.sh --devices 10000 --registered 100000
#   bench/run.sh --scenario command-job,mosquitto-baseline --devices 2000
#   bench/run.sh --scenario command-job-wait --devices 500 --registered 500   # half the devices connect late (issue 12)
#   bench/run.sh --postgres                        # same, server on a throwaway local PostgreSQL 15 cluster
#   bench/run.sh --db-url jdbc:postgresql://host/db --db-user u --db-password p
#   bench/run.sh --nodes 3 --scenario connect-storm,command-job-series,property-job   # three clustered nodes on
#                                                  # PostgreSQL (implies --postgres); devices spread over them
#   bench/run.sh --nodes 3 --scenario failover     # kill -9 of the third node, devices move, a new job completes
#   bench/run.sh --jfr                             # also record the server with JFR (bench/results/server-*.jfr)
#   bench/run.sh --scenario telemetry-history --devices 10000 --registered 10000 -- --telemetry-seconds 60
#                                                  # telemetry history: 10,000 devices x 1 msg/s, then /query timings
#   bench/run.sh -- --telemetry-seconds 30         # anything after -- goes to the load generator
#   bench/run.sh --data-dir /var/tmp/fleet-1m --registered 1000000 ...     # keep the server's data directory (created
#                                                  # if missing, never deleted); later runs add `-- --reuse` to use its devices
#   SERVER_JAVA_OPTS=... LOADGEN_JAVA_OPTS=... bench/run.sh   # JVM options (defaults: see SMALL_HOST_JVM below)
set -euo pipefail
cd "$(dirname "$0")/.."

DEVICES=200
REGISTERED=5000
SCENARIO=all
OUT_DIR=bench/results
DB_URL="" DB_USER="" DB_PASSWORD=""
POSTGRES=0 JFR=0 BUILD=1 KEEP=0 NODES=1 DATA_DIR=""
SERVER_HEAP=${SERVER_HEAP:-2g}
LOADGEN_HEAP=${LOADGEN_HEAP:-3g}
EXTRA=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --devices) DEVICES=$2; shift 2 ;;
    --registered) REGISTERED=$2; shift 2 ;;
    --scenario) SCENARIO=$2; shift 2 ;;
    --out-dir) OUT_DIR=$2; shift 2 ;;
    --db-url) DB_URL=$2; shift 2 ;;
    --db-user) DB_USER=$2; shift 2 ;;
    --db-password) DB_PASSWORD=$2; shift 2 ;;
    --postgres) POSTGRES=1; shift ;;
    --nodes) NODES=$2; shift 2 ;;
    --jfr) JFR=1; shift ;;
    --no-build) BUILD=0; shift ;;
    --keep) KEEP=1; shift ;;
    --data-dir) DATA_DIR=$2; shift 2 ;;
    --) shift; EXTRA=("$@"); break ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wants() { [[ ",$SCENARIO," == *",all,"* || ",$SCENARIO," == *",$1,"* ]]; }

ulimit -n 1048576 2>/dev/null || ulimit -n 65536 2>/dev/null || true
mkdir -p "$OUT_DIR"
STAMP=$(date +%Y%m%d-%H%M%S)
WORK=$(mktemp -d /tmp/flotilla-bench.XXXXXX)
SERVER_PID="" MOSQ_PID="" PG_DIR="" NODE_PIDS=()
[[ $NODES -gt 1 && -z "$DB_URL" ]] && POSTGRES=1

cleanup() {
  [[ -n "$SERVER_PID" ]] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
  for p in "${NODE_PIDS[@]}"; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null || true; done
  [[ -n "$MOSQ_PID" ]] && kill "$MOSQ_PID" 2>/dev/null && wait "$MOSQ_PID" 2>/dev/null || true
  if [[ -n "$PG_DIR" ]]; then runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast stop >/dev/null 2>&1 || true; fi
  if [[ $KEEP == 0 ]]; then rm -rf "$WORK"; else echo "kept $WORK"; fi
}
trap cleanup EXIT

if [[ $BUILD == 1 ]]; then
  echo "building target/flotilla.jar"
  mvn -o -q -DskipTests package
fi

if [[ $POSTGRES == 1 ]]; then
  PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
  if [[ ! -x "$PG_BIN/initdb" ]]; then apt-get install -y postgresql >/dev/null; PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1); fi
  chmod 755 "$WORK"; PG_DIR="$WORK/pg"; mkdir -p "$PG_DIR"; chown postgres "$PG_DIR"
  PG_PORT=$(free_port)
  runuser -u postgres -- "$PG_BIN/initdb" -D "$PG_DIR/data" -U flotilla --auth=trust >/dev/null
  runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" \
    -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c max_connections=200 -c shared_buffers=512MB -c synchronous_commit=on" start >/dev/null
  runuser -u postgres -- "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U flotilla flotilla
  DB_URL="jdbc:postgresql://127.0.0.1:$PG_PORT/flotilla" DB_USER=flotilla DB_PASSWORD=""
  echo "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on port $PG_PORT"
fi

DATA="${DATA_DIR:-$WORK/data}"
[[ -n "$DATA_DIR" ]] && rm -f "$DATA/ports.json"   # a kept directory: wait for this start's ports
# On a small host (<= 2 cores) the server runs with the client compiler only and a pre-touched heap: the restart
# storm then stays well under 10 s (the C2 compiler otherwise takes most of a core for the first minutes, and the
# storm took 10-12 s), at ~25 % lower steady-state command-job throughput once warm. The optimising compiler with its
# threads at nice 19 (SERVER_JAVA_OPTS="-XX:ThreadPriorityPolicy=1 -XX:CompilerThreadPriority=19 -Xms2g
# -XX:+AlwaysPreTouch") was faster once warm on H2 but its storm missed 10 s on PostgreSQL (README,
# docs/benchmarks.md). SERVER_JAVA_OPTS replaces them (SERVER_JAVA_OPTS=" " for the JVM's defaults).
SMALL_HOST_JVM=""
[[ $(nproc) -le 2 ]] && SMALL_HOST_JVM="-XX:TieredStopAtLevel=1 -Xms$SERVER_HEAP -XX:+AlwaysPreTouch"
SERVER_OPTS=(-Xmx"$SERVER_HEAP" -XX:+UseG1GC ${SERVER_JAVA_OPTS:-$SMALL_HOST_JVM})
[[ $JFR == 1 ]] && SERVER_OPTS+=("-XX:StartFlightRecording=filename=$OUT_DIR/server-$STAMP.jfr,settings=profile,dumponexit=true")
DB_ARGS=()
[[ -n "$DB_URL" ]] && DB_ARGS+=(--db-url "$DB_URL")
[[ -n "$DB_USER" ]] && DB_ARGS+=(--db-user "$DB_USER")
[[ -n "$DB_PASSWORD" ]] && DB_ARGS+=(--db-password "$DB_PASSWORD")
CLUSTER_ARGS=() LOADGEN_CLUSTER=()
if [[ $NODES -gt 1 ]]; then
  HZ_PORTS=() MEMBERS=""
  for i in $(seq 1 "$NODES"); do HZ_PORTS+=("$(free_port)"); MEMBERS+="${MEMBERS:+,}127.0.0.1:${HZ_PORTS[-1]}"; done
fi
start_node() { # number data-dir
  local n=$1 dir=$2 args=()
  [[ $NODES -gt 1 ]] && args=(--cluster --node-name "node-$n" --cluster-host 127.0.0.1 --cluster-port "${HZ_PORTS[$((n-1))]}" --cluster-members "$MEMBERS")
  java "${SERVER_OPTS[@]}" -jar target/flotilla.jar serve --data-dir "$dir" --http-port 0 --mqtt-port 0 --mqtt-ws-port -1 --device-https-port -1 \
    --bind 127.0.0.1 "${DB_ARGS[@]}" "${args[@]}" >"$dir.log" 2>&1 &
  NODE_PIDS+=($!)
  for _ in $(seq 1 180); do [[ -f "$dir/ports.json" ]] && break; sleep 0.5; done
  [[ -f "$dir/ports.json" ]] || { echo "node $n did not start:"; tail -50 "$dir.log"; exit 1; }
}
port_of() { python3 -c "import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])" "$1/ports.json" "$2"; }
mkdir -p "$DATA"
CA="$DATA/certs/server-cert.pem"
start_node 1 "$DATA"
SERVER_PID=${NODE_PIDS[0]}
HTTP_PORT=$(port_of "$DATA" http)
MQTT_PORT=$(port_of "$DATA" mqtt)
if [[ $NODES -gt 1 ]]; then
  PORTS="$MQTT_PORT" CAS="$WORK/cluster-ca.pem"
  cat "$DATA/certs/server-cert.pem" >"$CAS"
  for i in $(seq 2 "$NODES"); do
    start_node "$i" "$WORK/node$i"
    PORTS+=",$(port_of "$WORK/node$i" mqtt)"
    cat "$WORK/node$i/certs/server-cert.pem" >>"$CAS"
  done
  LOADGEN_CLUSTER=(--mqtt-ports "$PORTS" --kill-pid "${NODE_PIDS[-1]}" --kill-port "${PORTS##*,}")
  CA="$CAS"
  echo "cluster of $NODES nodes: pids ${NODE_PIDS[*]}, device ports $PORTS"
fi
echo "server pid $SERVER_PID: REST $HTTP_PORT, MQTT/TLS $MQTT_PORT, database ${DB_URL:-embedded H2}"

MOSQ_ARGS=()
if wants mosquitto-baseline; then
  command -v mosquitto >/dev/null || [[ -x /usr/sbin/mosquitto ]] || apt-get install -y mosquitto >/dev/null
  MOSQ=$(command -v mosquitto || echo /usr/sbin/mosquitto)
  MOSQ_PORT=$(free_port)
  MOSQ_TLS_PORT=$(free_port)
  # A second listener relays over TLS with Flotilla's own certificate and key (EC P-256), so the relay can use the
  # devices' transport too; copies readable by the user Mosquitto drops to.
  chmod 755 "$WORK"
  install -m 644 "$DATA/certs/server-cert.pem" "$WORK/mosquitto-cert.pem"
  install -m 644 "$DATA/certs/server-key.pem" "$WORK/mosquitto-key.pem"
  cat >"$WORK/mosquitto.conf" <<CONF
allow_anonymous true
persistence false
max_queued_messages 0
log_dest none
listener $MOSQ_PORT 127.0.0.1
listener $MOSQ_TLS_PORT 127.0.0.1
certfile $WORK/mosquitto-cert.pem
keyfile $WORK/mosquitto-key.pem
CONF
  "$MOSQ" -c "$WORK/mosquitto.conf" >"$WORK/mosquitto.log" 2>&1 &
  MOSQ_PID=$!
  sleep 0.5
  echo "mosquitto $("$MOSQ" -h 2>/dev/null | head -1 | awk '{print $3}') pid $MOSQ_PID on ports $MOSQ_PORT (plain), $MOSQ_TLS_PORT (TLS)"
  MOSQ_ARGS=(--mosquitto-port "$MOSQ_PORT" --mosquitto-tls-port "$MOSQ_TLS_PORT")
fi

LABEL="database=h2"
[[ -n "$DB_URL" ]] && LABEL="database=postgresql"
[[ $NODES -gt 1 ]] && LABEL="$LABEL nodes=$NODES"
OUT="$OUT_DIR/results-$STAMP.json"
# The load generator stands in for thousands of independent devices: its own JIT warm-up (a C2 compiler busy for a
# minute on one of two shared cores) is not the server's cost, so by default it runs with the client compiler only
# and a pre-touched heap.
pg_stats() { # the database's committed transactions and rows written so far (our throwaway PostgreSQL only)
  [[ -n "$PG_DIR" ]] && "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U flotilla -d flotilla -At -c \
    "SELECT xact_commit, tup_inserted + tup_updated + tup_deleted FROM pg_stat_database WHERE datname = 'flotilla'"
}
PG_BEFORE=$(pg_stats || true) PG_T0=$(date +%s.%N)
java -Xmx"$LOADGEN_HEAP" ${LOADGEN_JAVA_OPTS:--XX:TieredStopAtLevel=1 -Xms$LOADGEN_HEAP -XX:+AlwaysPreTouch} -jar target/flotilla.jar loadgen --api "http://127.0.0.1:$HTTP_PORT" \
  --token-file "$DATA/admin-token" --ca "$CA" --mqtt-host 127.0.0.1 --mqtt-port "$MQTT_PORT" \
  --devices "$DEVICES" --registered "$REGISTERED" --scenario "$SCENARIO" --server-pid "$SERVER_PID" \
  --label "$LABEL" --out "$OUT" "${MOSQ_ARGS[@]}" "${LOADGEN_CLUSTER[@]}" "${EXTRA[@]}"
if [[ -n "$PG_DIR" ]]; then
  PG_AFTER=$(pg_stats || true)
  python3 - "$PG_BEFORE" "$PG_AFTER" "$PG_T0" "$(date +%s.%N)" <<'PY'
import sys
b, a, t0, t1 = sys.argv[1].split("|"), sys.argv[2].split("|"), float(sys.argv[3]), float(sys.argv[4])
s = t1 - t0
print(f"PostgreSQL over the run ({s:.0f} s): {int(a[0]) - int(b[0])} transactions ({(int(a[0]) - int(b[0])) / s:.0f}/s), "
      f"{int(a[1]) - int(b[1])} rows written ({(int(a[1]) - int(b[1])) / s:.0f}/s)")
PY
fi
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GB RAM; results in $OUT"
