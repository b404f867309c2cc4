#!/usr/bin/env bash
# Builds edgeport and measures it beside nginx, HAProxy and Caddy doing the same routing job
# (../shared/bench/peers.sh: Host api.example.com -> 127.0.0.2-4:30005 round robin, loopback only).
# The proxies are pinned to one CPU (--pin), so edgeport runs with one worker event loop.
#
#   bench/peers.sh                      # full run (about 3 minutes)
#   bench/peers.sh --rounds 1 --warmup 3 # quicker; any other peers.sh option passes through
# Result table on stdout, JSON in /tmp/peerbench/result.json.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
peers=${PEERS_SH:-$root/../shared/bench/peers.sh}
[[ -f $peers ]] || { echo "bench: $peers not found (set PEERS_SH)" >&2; exit 1; }

(cd "$root" && mvn -B -q -DskipTests package)
jar=$root/target/edgeport.jar
# A bounded heap; JIT warm-up happens in peers.sh's warm-up phase.
JAVA_OPTS=${JAVA_OPTS:-"-Xmx256m"}
exec bash "$peers" --pin \
  --extra edgeport=127.0.0.1:18090 \
  --extra-cmd "edgeport=java $JAVA_OPTS -jar $jar run --config $here/edgeport-bench.yaml --workers 1" \
  "$@"
