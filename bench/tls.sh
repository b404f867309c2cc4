#!/usr/bin/env bash
# HTTPS and HTTP/2 through edgeport next to plain HTTP/1.1, in one run, with h2load (Debian's nghttp2-client).
# Loopback only: the demo's three nodes on 127.0.0.2-4:30005, a throw-away CA and certificate made here
# with openssl, and edgeport (one worker) with a plain and a TLS listener in front of them.
#
#   bench/tls.sh                 # 3 rounds of each mode, 50,000 requests each
#   ROUNDS=1 REQUESTS=20000 bench/tls.sh
# Prints one line per mode and round: req/s and errors. The proxy is pinned to CPU 1 and everything
# else to CPU 0 when the machine has two or more CPUs.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
ROUNDS=${ROUNDS:-3}
REQUESTS=${REQUESTS:-50000}
command -v h2load >/dev/null || { echo "bench: h2load not found (apt-get install nghttp2-client)" >&2; exit 1; }
(cd "$root" && mvn -B -q -DskipTests package)
jar=$root/target/edgeport.jar
work=$(mktemp -d /tmp/edgeport-tls-bench.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

openssl req -x509 -newkey rsa:2048 -nodes -keyout "$work/ca.key" -out "$work/ca.crt" -subj /CN=bench-ca -days 1 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$work/api.key" -out "$work/api.csr" \
  -subj /CN=api.example.com 2>/dev/null
echo "subjectAltName=DNS:api.example.com" > "$work/ext"
openssl x509 -req -in "$work/api.csr" -CA "$work/ca.crt" -CAkey "$work/ca.key" -CAcreateserial -out "$work/api.crt" \
  -days 1 -extfile "$work/ext" 2>/dev/null
cat > "$work/edgeport.yaml" <<EOF
listen:
  http: "127.0.0.1:18190"
  https: "127.0.0.1:18443"
tls:
  - hosts: [api.example.com]
    cert: $work/api.crt
    key: $work/api.key
nodes: [127.0.0.2, 127.0.0.3, 127.0.0.4]
domains:
  - host: api.example.com
    nodePort: 30005
EOF

pin_other="" pin_proxy=""
if [[ $(nproc) -ge 2 ]] && command -v taskset >/dev/null; then pin_other="taskset -c 0" pin_proxy="taskset -c 1"; fi
# the demo's nodes (its own gateway listens on 18180 and is not used)
$pin_other java -Xmx256m -jar "$jar" demo --port 18180 --admin 127.0.0.1:18181 >"$work/demo.log" 2>&1 &
pids+=($!)
$pin_proxy java -Xmx256m -jar "$jar" run --config "$work/edgeport.yaml" --workers 1 >"$work/edgeport.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do
  curl -sf -o /dev/null -H 'Host: api.example.com' http://127.0.0.1:18190/ && break
  sleep 0.2
done

run() { # mode, h2load args...
  local mode=$1; shift
  local out
  out=$($pin_other h2load "$@" -H ':authority: api.example.com' 2>&1)
  printf '%-22s %s  %s\n' "$mode" "$(grep -oE '[0-9.]+ req/s' <<<"$out")" \
    "$(grep -oE '[0-9]+ succeeded, [0-9]+ failed, [0-9]+ errored' <<<"$out")"
}
echo "warm-up (not counted)"
for _ in 1 2; do
  run warm-h1 -n "$REQUESTS" -c 20 --h1 http://127.0.0.1:18190/ >/dev/null
  run warm-h2 -n "$REQUESTS" -c 20 -m 10 https://127.0.0.1:18443/ >/dev/null
done
for round in $(seq "$ROUNDS"); do
  echo "round $round"
  run "http/1.1 plain" -n "$REQUESTS" -c 20 --h1 http://127.0.0.1:18190/
  run "http/1.1 over TLS" -n "$REQUESTS" -c 20 --h1 https://127.0.0.1:18443/
  run "h2 over TLS (m=1)" -n "$REQUESTS" -c 20 -m 1 https://127.0.0.1:18443/
  run "h2 over TLS (m=10)" -n "$REQUESTS" -c 20 -m 10 https://127.0.0.1:18443/
done
