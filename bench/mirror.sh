#!/usr/bin/env bash
# Does a slow or failing RequestMirror target change the primary's latency? (issue 22; a benchmark, not a test)
# A Gateway API HTTPRoute (from the CRUD mock API, MockClusterMain plain|mirror) sends Host bench.example.com to
# Service primary (one nginx worker answering "ok" on 127.0.0.2-4:A) and, but for case plain, copies every request
# to Service mirror (127.0.0.2-4:B). Cases, each with a fresh edgeport (one worker, CPU 1) and its own warm-up:
#   plain      no mirror filter
#   fast       the mirror is a second nginx worker answering at once
#   slow       the mirror answers every request after 2 s (bench/mirrornode.py): copies pile up to edgeport's
#              bound of 256 per event loop, the rest are skipped
#   refused    nothing listens on B: every copy's connect is refused
#   blackhole  B listens with a full accept queue and never accepts: connects hang until timeouts.connect (2 s)
# Two loads per round, wrk on CPU 0 with the nodes: paced (RATE req/s offered over CONNS connections with
# exponential think time, as ../shared/bench/peers.sh does: the latency question at a fixed offered load) and
# saturated (CONNS connections as fast as they go: what a mirror costs in req/s and CPU). kube-proxy's /healthz
# (nodeHealth: kube-proxy, the default) is answered by the primary's nginx, so the nodes stay UP whatever the mirror
# does. After each case: edgeport_mirror_requests_total{result} and _active from the admin listener, and from
# edgeport's log how often a primary node was marked DOWN, its ERROR lines and how long its SIGTERM stop took.
#
#   bench/mirror.sh   (ROUNDS=3 DURATION=15 WARMUP=15 CONNS=50 RATE=5000 CASES="plain fast slow refused blackhole";
#                      about 2 min a case; the table on stdout, rounds and logs in WORKDIR=/tmp/edgeport-mirror)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-15}
WARMUP=${WARMUP:-15}
CONNS=${CONNS:-50}
RATE=${RATE:-5000}
CASES=${CASES:-plain fast slow refused blackhole}
SLOW_DELAY=2
WORKDIR=${WORKDIR:-/tmp/edgeport-mirror}
HOST=bench.example.com
NODES="127.0.0.2 127.0.0.3 127.0.0.4"
command -v wrk >/dev/null && command -v nginx >/dev/null && command -v python3 >/dev/null \
  || { echo "bench: needs wrk, nginx and python3" >&2; exit 1; }
(( ROUNDS >= 1 && ROUNDS <= 20 && DURATION >= 1 && DURATION <= 300 && WARMUP <= 300 )) \
  || { echo "bench: ROUNDS 1-20, DURATION 1-300, WARMUP up to 300" >&2; exit 1; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
(cd "$root" && mvn -B -q -DskipTests package test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt)
rm -rf "$WORKDIR" && mkdir -p "$WORKDIR"
pids=()
stop() { # stop SECONDS PID...: TERM, then KILL what is left after SECONDS
  local p secs=$1
  shift
  for p in "$@"; do kill "$p" 2>/dev/null || true; done
  for p in "$@"; do
    for _ in $(seq $((secs * 10))); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done # polling a bounded wait
    kill -9 "$p" 2>/dev/null || true
  done
}
trap 'stop 5 "${pids[@]}"' EXIT
cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; } # utime + stime, clock ticks (1/100 s), the whole process
# "BUSY OURS": CPU ticks the machine spent (all CPUs, steal included) and those of this script and everything it
# started (live descendants, plus the reaped ones in its cutime): the difference is other work on the host, noise.
host_ticks() {
  python3 - "$$" <<'PY'
import os, sys
f = open("/proc/stat").readline().split()[1:9]
busy = sum(int(x) for i, x in enumerate(f) if i != 3 and i != 4)  # all but idle and iowait
stats = {}
for pid in filter(str.isdigit, os.listdir("/proc")):
    try:
        rest = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    except OSError:
        continue
    stats[int(pid)] = (int(rest[1]), rest)
me = int(sys.argv[1])
def ours(pid):
    while pid > 1:
        if pid == me:
            return True
        pid = stats[pid][0] if pid in stats else 0
    return False
total = sum(int(r[11]) + int(r[12]) for p, (_, r) in stats.items() if p != me and ours(p))
mine = stats[me][1]
print(busy, total + sum(int(x) for x in mine[11:15]))
PY
}

primary=$(free_port); mirror=$(free_port); healthz=$(free_port)
nginx_conf() { # nginx_conf NAME PORT...: one worker answering "ok" on the nodes' PORTs, and kube-proxy's /healthz
  local name=$1 listens="" port ip
  shift
  for port in "$@"; do for ip in $NODES; do listens+="listen $ip:$port; "; done; done
  cat > "$WORKDIR/$name.conf" <<NGINX
worker_processes 1; pid $WORKDIR/$name.pid; error_log $WORKDIR/$name-error.log; daemon off;
events { worker_connections 4096; }
http { access_log off; server { $listens location / { return 200 "ok\n"; } } }
NGINX
}
nginx_conf primary "$primary" "$healthz"
nginx_conf mirror "$mirror"
taskset -c 0 nginx -c "$WORKDIR/primary.conf" -p "$WORKDIR" & pids+=($!)

cat > "$WORKDIR/report.lua" <<'LUA'
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("WRK %d %d %d %d %d %d %d %d %d\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    e.connect + e.read + e.write, e.status, e.timeout))
end
LUA
{ printf 'local mean_ms = %s\n' "$(awk -v c="$CONNS" -v r="$RATE" 'BEGIN { printf "%.4f", 1000 * c / r }')"
  echo 'math.randomseed(os.time())'
  echo 'function delay() return -mean_ms * math.log(1 - math.random()) + 0.5 end' # wrk's delay is whole ms
  cat "$WORKDIR/report.lua"; } > "$WORKDIR/pace.lua"

load() { # load CASE PHASE ROUND PID PORT: one wrk run, one line of rounds.tsv
  local script=$WORKDIR/report.lua before after line host0 host1
  [[ $2 == paced ]] && script=$WORKDIR/pace.lua
  read -r -a host0 <<<"$(host_ticks)"
  before=$(cpu "$4")
  line=$(taskset -c 0 timeout -k 5 $((DURATION + 30)) wrk -t1 -c"$CONNS" -d"${DURATION}s" --timeout 10s \
    -s "$script" -H "Host: $HOST" "http://127.0.0.1:$5/" | awk '/^WRK / {$1 = ""; print}')
  after=$(cpu "$4")
  read -r -a host1 <<<"$(host_ticks)"
  # case phase round requests duration_us p50 p90 p99 max (us) socket_errors non2xx timeouts edgeport_ticks
  # other_ticks
  read -r -a w <<<"$line"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "${w[0]}" "${w[1]}" \
    "${w[2]}" "${w[3]}" "${w[4]}" "${w[5]}" "${w[6]}" "${w[7]}" "${w[8]}" $((after - before)) \
    $(( (host1[0] - host0[0]) - (host1[1] - host0[1]) )) >> "$WORKDIR/rounds.tsv"
}

counters() { # counters ADMIN_PORT: the mirror metrics, "answered failed skipped active"
  local m
  m=$(curl -s --max-time 5 "http://127.0.0.1:$1/metrics" | grep '^edgeport_mirror_requests' || true)
  echo "$(awk '/result="answered"/ {print $NF}' <<<"$m") $(awk '/result="failed"/ {print $NF}' <<<"$m")" \
    "$(awk '/result="skipped"/ {print $NF}' <<<"$m") $(awk '/^edgeport_mirror_requests_active/ {print $NF}' <<<"$m")"
}

serves() { # serves PORT: edgeport answers the route with the primary's 200
  [[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 2 -H "Host: $HOST" "http://127.0.0.1:$1/") == 200 ]]
}

run_case() { # run_case CASE
  local name=$1 mode=mirror edge admin kubeconfig=$WORKDIR/$1.kubeconfig own=() edge_pid
  [[ $name == plain ]] && mode=plain
  case $name in
    plain|refused) ;;
    fast) taskset -c 0 nginx -c "$WORKDIR/mirror.conf" -p "$WORKDIR" & own+=($!) ;;
    slow) taskset -c 0 python3 "$here/mirrornode.py" slow "$SLOW_DELAY" "$mirror" 3600 $NODES & own+=($!) ;;
    blackhole) taskset -c 0 python3 "$here/mirrornode.py" blackhole "$mirror" 3600 $NODES & own+=($!) ;;
    *) echo "bench: unknown case $name" >&2; exit 1 ;;
  esac
  pids+=("${own[@]}")
  rm -f "$kubeconfig" # the mock writes it once its objects exist
  taskset -c 0 java -cp "$root/target/test-classes:$root/target/classes:$(cat "$root/target/cp.txt")" \
    io.edgeport.bench.MockClusterMain "$kubeconfig" "$mode" "$primary" "$mirror" > "$WORKDIR/$name-mock.log" 2>&1 &
  own+=($!); pids+=($!)
  for _ in $(seq 150); do [[ -s $kubeconfig ]] && break; sleep 0.2; done # polling a bounded wait
  edge=$(free_port); admin=$(free_port)
  cat > "$WORKDIR/$name.yaml" <<EDGE
listen:
  http: "127.0.0.1:$edge"
admin: "127.0.0.1:$admin"
kubernetes:
  kubeconfig: $kubeconfig
  gatewayClass: edgeport
  kubeProxyHealthPort: $healthz
EDGE
  EDGEPORT_JAR="$root/target/edgeport.jar" taskset -c 1 "$root/bin/edgeport" run --config "$WORKDIR/$name.yaml" \
    --workers 1 > "$WORKDIR/$name-edgeport.log" 2>&1 &
  edge_pid=$!; pids+=($edge_pid)
  for _ in $(seq 150); do serves "$edge" && break; sleep 0.2; done # polling a bounded wait: route served, nodes UP
  serves "$edge" || { echo "bench: case $name: edgeport does not serve $HOST" >&2
    tail -n 30 "$WORKDIR/$name-edgeport.log" >&2; exit 1; }
  echo "case $name: warm-up ${WARMUP}s, then $ROUNDS rounds of ${DURATION}s paced ($RATE req/s)" \
    "+ ${DURATION}s saturated" >&2
  (( WARMUP == 0 )) || taskset -c 0 timeout -k 5 $((WARMUP + 30)) wrk -t1 -c"$CONNS" -d"${WARMUP}s" \
    -H "Host: $HOST" "http://127.0.0.1:$edge/" > /dev/null
  local round
  for round in $(seq "$ROUNDS"); do
    load "$name" paced "$round" "$edge_pid" "$edge"
    load "$name" saturated "$round" "$edge_pid" "$edge"
  done
  local mirrored t0 t1 log=$WORKDIR/$name-edgeport.log
  mirrored=$(counters "$admin")
  t0=$(date +%s.%N)
  stop 40 "$edge_pid" # first, while the API it lets go of its Lease on is still up; its drain takes up to 30 s
  t1=$(date +%s.%N)
  stop 5 "${own[@]}"
  # case answered failed skipped active, then from edgeport's log: primary node DOWN (health), ERROR lines, and
  # how long its stop took (s)
  printf '%s\t%s\t%s\t%s\t%s\n' "$name" "${mirrored// /$'\t'}" \
    "$(grep -c "health - node .* on :$healthz .*DOWN" "$log" || true)" "$(grep -c ' ERROR ' "$log" || true)" \
    "$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.1f", b - a}')" >> "$WORKDIR/mirrors.tsv"
  own+=("$edge_pid")
  local p q rest=()
  for p in "${pids[@]}"; do for q in "${own[@]}"; do [[ $p == "$q" ]] && continue 2; done; rest+=("$p"); done
  pids=("${rest[@]}") # stopped: not signalled again at exit, whoever has the number by then
}

for c in $CASES; do run_case "$c"; done

python3 - "$WORKDIR" "$RATE" "$CONNS" "$DURATION" "$(nproc)" <<'PY'
import statistics as st, sys
work, rate, conns, duration, ncpu = sys.argv[1:6]
rows = [l.rstrip("\n").split("\t") for l in open(f"{work}/rounds.tsv")]
def ms(us): return f"{int(us) / 1000:.2f}"
print(f"\nprimary latency (ms) through edgeport, wrk -c{conns}, {duration} s a round; "
      f"paced = ~{rate} req/s offered, saturated = as fast as it goes")
print("(us/req: edgeport's CPU per request; other: CPU the rest of the host used meanwhile, of all its CPUs: noise)")
print("| case | load | round | p50 | p90 | p99 | max | req/s | us/req | errors | other |")
print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
seen = []
for r in rows:
    if (r[0], r[1]) not in seen:
        seen.append((r[0], r[1]))
for case, load in seen:
    rs = [r for r in rows if r[0] == case and r[1] == load]
    vals = []
    for r in rs:
        n, dur = int(r[3]), int(r[4])
        v = [int(r[5]), int(r[6]), int(r[7]), int(r[8]), n / (dur / 1e6), int(r[12]) * 10000 / max(n, 1),
             max(0, int(r[13])) / (dur / 1e6) / int(ncpu)]
        vals.append(v)
        err = int(r[9]) + int(r[10]) + int(r[11])
        print(f"| {case} | {load} | {r[2]} | {ms(v[0])} | {ms(v[1])} | {ms(v[2])} | {ms(v[3])} | {v[4]:,.0f} "
              f"| {v[5]:.1f} | {err} | {v[6]:.0f} % |")
    m = [st.median(col) for col in zip(*vals)]
    print(f"| **{case}** | **{load}** | median | **{ms(m[0])}** | **{ms(m[1])}** | **{ms(m[2])}** | {ms(m[3])} "
          f"| **{m[4]:,.0f}** | {m[5]:.1f} | | {m[6]:.0f} % |")
print("\nmirror copies after each case (warm-up and all rounds): edgeport_mirror_requests_total{result}, _active;")
print("from edgeport's log: a primary node marked DOWN, ERROR lines; and how long its SIGTERM stop took")
print("| case | answered | failed | skipped | active | primary DOWN | ERROR lines | stop |")
print("| --- | --- | --- | --- | --- | --- | --- | --- |")
for l in open(f"{work}/mirrors.tsv"):
    c = l.rstrip("\n").split("\t")
    counts = [f"{float(x):,.0f}" if x else "-" for x in c[1:5]]
    print("| " + " | ".join([c[0]] + counts + c[5:7] + [c[7] + " s"]) + " |")
PY
