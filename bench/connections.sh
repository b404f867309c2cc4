#!/usr/bin/env bash
# 10,000 held client connections (idle keep-alive, clients that stopped reading, request heads trickling in)
# while normal clients keep being served: edgeport's RSS before and during, the normal clients' latency, and
# how many held connections survive. Loopback only: the demo's nodes on 127.0.0.2-4:30005, edgeport on
# 127.0.0.1:18290 (one worker, -Xmx256m), the holder (bench/hold.py) and wrk beside it.
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
nodes: [127.0.0.2, 127.0.0.3, 127.0.0.4]
domains:
  - host: api.example.com
    nodePort: 30005
EOF
java -Xmx256m -jar "$jar" demo --port 18280 --admin 127.0.0.1:18281 >"$work/demo.log" 2>&1 &
pids+=($!)
java -Xmx256m -jar "$jar" run --config "$work/edgeport.yaml" --workers 1 >"$work/edgeport.log" 2>&1 &
gw=$!
pids+=($gw)
for _ in $(seq 100); do
  curl -sf -o /dev/null -H 'Host: api.example.com' http://127.0.0.1:18290/ && break
  sleep 0.2
done
rss() { awk '/VmRSS/ {print int($2/1024)}' "/proc/$gw/status"; }
wrk -t1 -c50 -d5s -H 'Host: api.example.com' http://127.0.0.1:18290/ >/dev/null # warm-up
echo "RSS before: $(rss) MB"
python3 "$here/hold.py" 18290 "$HOLD" 20 >"$work/hold.json" &
holder=$!
pids+=($holder)
sleep 8 # let the holder open its connections (the bench's own pace)
echo "RSS holding $HOLD connections: $(rss) MB"
wrk -t1 -c50 -d10s --latency -H 'Host: api.example.com' http://127.0.0.1:18290/ | grep -E "Requests/sec|99%|Non-2xx|Socket errors" || true
echo "RSS after the normal traffic: $(rss) MB"
wait "$holder" || true
echo "holder: $(cat "$work/hold.json")"
echo "RSS after the hold: $(rss) MB"
