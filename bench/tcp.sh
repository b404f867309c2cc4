#!/usr/bin/env bash
# The TCP relay of LoadBalancer Services beside HAProxy's mode tcp, on loopback: the same three backends
# (one nginx worker answering "ok" on 127.0.0.2-4:NODEPORT), each proxy pinned to CPU 1 with one worker, wrk on
# CPU 0. Two loads per proxy: keep-alive (bytes relayed on long connections) and Connection: close (a new TCP
# connection, hence a new node connection, per request). Prints req/s, p99 and proxy CPU per request.
# edgeport gets its Service from a CRUD mock API (MockClusterMain, on the test class path).
#
#   bench/tcp.sh        (DURATION=10 per load)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
DURATION=${DURATION:-10}
command -v wrk >/dev/null && command -v haproxy >/dev/null && command -v nginx >/dev/null \
  || { echo "bench: needs wrk, haproxy and nginx" >&2; exit 1; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
(cd "$root" && mvn -B -q -DskipTests package test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt)
work=$(mktemp -d /tmp/edgeport-tcp.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
node_port=$(free_port); edge_port=$(free_port); haproxy_port=$(free_port)
cat > "$work/nginx.conf" <<NGINX
worker_processes 1; pid $work/nginx.pid; error_log $work/nginx-error.log; daemon off;
events { worker_connections 4096; }
http { access_log off; server { listen 127.0.0.2:$node_port; listen 127.0.0.3:$node_port; listen 127.0.0.4:$node_port;
  location / { return 200 "ok\n"; } } }
NGINX
taskset -c 0 nginx -c "$work/nginx.conf" -p "$work" & pids+=($!)
cat > "$work/haproxy.cfg" <<HAP
global
  nbthread 1
  maxconn 5000
defaults
  mode tcp
  timeout connect 2s
  timeout client 60s
  timeout server 60s
frontend lb
  bind 127.0.0.1:$haproxy_port
  default_backend nodes
backend nodes
  balance roundrobin
  server n2 127.0.0.2:$node_port
  server n3 127.0.0.3:$node_port
  server n4 127.0.0.4:$node_port
HAP
taskset -c 1 haproxy -f "$work/haproxy.cfg" & pids+=($!)
haproxy_pid=$!
java -cp "$root/target/test-classes:$root/target/classes:$(cat "$root/target/cp.txt")" io.edgeport.bench.MockClusterMain \
  "$work/kubeconfig" "$edge_port" "$node_port" >"$work/mock.log" 2>&1 & pids+=($!)
for _ in $(seq 100); do [ -s "$work/kubeconfig" ] && break; sleep 0.2; done # polling a bounded wait
cat > "$work/edgeport.yaml" <<EDGE
listen:
  http: "127.0.0.1:$(free_port)"
kubernetes:
  kubeconfig: $work/kubeconfig
  nodeHealth: backend
  loadBalancer: {class: edgeport.io/lb, addresses: [127.0.0.1]}
EDGE
EDGEPORT_JAR="$root/target/edgeport.jar" taskset -c 1 "$root/bin/edgeport" run --config "$work/edgeport.yaml" \
  --workers 1 >"$work/edgeport.log" 2>&1 & pids+=($!)
edge_pid=$!
for _ in $(seq 150); do curl -s -o /dev/null "http://127.0.0.1:$edge_port/" && break; sleep 0.2; done # bounded
curl -s -o /dev/null "http://127.0.0.1:$edge_port/" || { tail -n 30 "$work/edgeport.log" "$work/mock.log"; exit 1; }
cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; } # utime + stime, in clock ticks (1/100 s) of the whole process
run() { # run NAME PID PORT HEADER
  local before after out reqs
  before=$(cpu "$2")
  out=$(taskset -c 0 wrk -t1 -c50 -d"${DURATION}s" --latency ${4:+-H "$4"} "http://127.0.0.1:$3/")
  after=$(cpu "$2")
  reqs=$(awk '/requests in/ {print $1}' <<<"$out")
  printf '%-9s %-11s %9.0f req/s  p99 %8s  %6.1f us/req\n' "$1" "${4:-keep-alive}" \
    "$(awk '/Requests\/sec/ {print $2}' <<<"$out")" "$(awk '/ 99%/ {print $2}' <<<"$out")" \
    "$(awk -v t=$((after - before)) -v n="$reqs" 'BEGIN {print t * 10000 / n}')"
}
for target in "edgeport $edge_pid $edge_port" "haproxy $haproxy_pid $haproxy_port"; do
  set -- $target
  taskset -c 0 wrk -t1 -c50 -d10s "http://127.0.0.1:$3/" >/dev/null # warm-up (the JIT, for edgeport)
done
for round in 1 2; do
  for target in "edgeport $edge_pid $edge_port" "haproxy $haproxy_pid $haproxy_port"; do
    set -- $target
    run "$1" "$2" "$3" ""
    run "$1" "$2" "$3" "Connection: close"
  done
done
