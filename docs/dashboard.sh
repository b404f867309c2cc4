#!/usr/bin/env bash
# Renders docs/dashboard.png from a live gateway with real data: the demo's three simulated nodes on
# 127.0.0.2-4:30005, a gateway (docs/dashboard.yaml) that also lists 127.0.0.5 where nothing listens,
# a few seconds of traffic, and headless Chromium taking the picture. Loopback only; bounded.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f target/edgeport.jar ] || mvn -B -q -DskipTests package
java -jar target/edgeport.jar demo --port 18180 --admin 127.0.0.1:19980 --workers 1 >/tmp/dashboard-demo.log 2>&1 &
demo=$!
java -jar target/edgeport.jar run -c docs/dashboard.yaml --workers 1 >/tmp/dashboard-gateway.log 2>&1 &
gateway=$!
trap 'kill $demo $gateway 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -sf -o /dev/null http://127.0.0.1:19981/ready && break; sleep 0.2; done
traffic() {
  local end=$((SECONDS + 12))
  while [ $SECONDS -lt $end ]; do
    for host in api.example.com shop.example.com a.apps.example.com; do
      curl -s -o /dev/null -H "Host: $host" http://127.0.0.1:18181/ || true
    done
    curl -s -o /dev/null -H "Host: shop.example.com" http://127.0.0.1:18181/api/cart || true
  done
}
traffic & load=$!
sleep 8 # rates are over the last 10 s
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
  --disable-component-update --disable-sync --hide-scrollbars --user-data-dir="$(mktemp -d)" \
  --window-size=1280,760 --virtual-time-budget=3000 --screenshot="$PWD/docs/dashboard.png" http://127.0.0.1:19981/
wait $load
echo "docs/dashboard.png written"
