#!/usr/bin/env bash
# 10,000 held client connections (idle keep-alive, clients that stopped reading, request heads trickling in)
# while normal clients keep being served: the proxy's RSS before and during, the normal clients' latency, and
# how many held connections survive. Loopback only: the demo's nodes on 127.0.0.2-4:30005; edgeport on
# 127.0.0.1:18290 (one worker, bin/edgeport's JVM options, or JAVA_OPTS), then nginx (Debian's, one worker, the same routing) on 127.0.0.1:18291;
# the holder (bench/hold.py) and wrk beside each in turn.
#
#   bench/connections.sh            # 10,000 connections held for 20 s, wrk -c50 for 10 s in the middle
#   HOLD=5000 bench/connections.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
HOLD=${HOLD:-10000}
command -v wrk >/dev/null || { echo "bench: wrk not found (apt-get install wrk)" >&2; exit 1; }
ulimit -n "$(ulimit -Hn)"
(cd "$root" && mvn -B -q -DskipTests package)
jar=$root/target/edgeport.jar
work=$(mktemp -d /tmp/edgeport-hold.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
cat > "$work/edgeport.yaml" <<EOF
listen:
  http: "127.0.0.1:18290"
limits:
  maxConnections: $((HOLD + 1000))   # past the default (2,000): the point is to hold them
nodes: [127.0.0.2, 127.0.0.3, 127.0.0.4]
domains:
  - host: api.example.com
    nodePort: 30005
EOF
java -Xmx256m -jar "$jar" demo --port 18280 --admin 127.0.0.1:18281 >"$work/demo.log" 2>&1 &
pids+=($!)
cat > "$work/nginx.conf" <<EOF
worker_processes 1;
worker_rlimit_nofile 30000;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 20000; }
http {
  access_log off;
  upstream nodes { server 127.0.0.2:30005; server 127.0.0.3:30005; server 127.0.0.4:30005; keepalive 64; }
  server {
    listen 127.0.0.1:18291 default_server;
    return 404;
  }
  server {
    listen 127.0.0.1:18291;
    server_name api.example.com;
    location / { proxy_pass http://nodes; proxy_http_version 1.1; proxy_set_header Connection ""; }
  }
}
EOF

# measure NAME PORT PID: warm up, hold, run wrk in the middle, report
measure() {
  local name=$1 port=$2 pid=$3
  rss() { ps -o rss= --ppid "$pid" -p "$pid" | awk '{s += $1} END {print int(s / 1024)}'; }
  for _ in $(seq 100); do
    curl -sf -o /dev/null -H 'Host: api.example.com' "http://127.0.0.1:$port/" && break
    sleep 0.2
  done
  wrk -t1 -c50 -d5s -H 'Host: api.example.com' "http://127.0.0.1:$port/" >/dev/null # warm-up
  echo "== $name"
  echo "RSS before: $(rss) MB"
  python3 "$here/hold.py" "$port" "$HOLD" 20 >"$work/hold-$name.json" &
  local holder=$!
  sleep 8 # let the holder open its connections (the bench's own pace)
  echo "RSS holding $HOLD connections: $(rss) MB"
  wrk -t1 -c50 -d10s --latency -H 'Host: api.example.com' "http://127.0.0.1:$port/" \
    | grep -E "Requests/sec|99%|Non-2xx|Socket errors" || true
  echo "RSS after the normal traffic: $(rss) MB"
  wait "$holder" || true
  echo "holder: $(cat "$work/hold-$name.json")"
}

EDGEPORT_JAR="$jar" "$root/bin/edgeport" run --config "$work/edgeport.yaml" --workers 1 >"$work/edgeport.log" 2>&1 &
gw=$!
pids+=($gw)
measure edgeport 18290 "$gw"
kill "$gw"
if command -v nginx >/dev/null; then
  nginx -c "$work/nginx.conf" -g 'daemon off;' &
  ngx=$!
  pids+=($ngx)
  measure nginx 18291 "$ngx"
else
  echo "(nginx not installed: apt-get install nginx-light to measure it beside edgeport)"
fi
