#!/usr/bin/env bash
# The keepalived example, run for real: two edgeport hosts and a client, each in a network namespace this script
# creates, and a cluster node in a fourth, joined by a bridge in a fifth. Host A runs
# deploy/keepalived/keepalived.conf as shipped (the hosts have the addresses it names), host B the same file with
# the edits its header tells the backup host to make; both run edgeport with the config that file asks for
# (shutdown.keepAccepting). It checks that
#   - the virtual IP 192.0.2.10 is on A, and the client is served through it;
#   - the hosts' VRRP adverts are unicast to each other (none is multicast), without authentication;
#   - when A's edgeport is stopped (SIGTERM: /ready turns 503, it still serves for keepAccepting, then drains),
#     the address moves to B while A still serves; a client sending requests all along loses at most the few in
#     flight at the instant the address moves (VRRP moves an address, not connections);
#   - when A's edgeport is back and ready, the address returns to A (its higher priority preempts);
#   - stopped again without keepAccepting (0s), A closes its listener at once and the client loses every request
#     until keepalived's check notices: more than with keepAccepting. (The counts are printed.)
#
#   bash deploy/ha-test.sh        (as root; .ci/run runs it after the tests; it builds the jar if missing)
#
# It installs keepalived, iproute2 and curl if missing, and removes its namespaces and processes afterwards.
# (`keepalived -t` cannot vouch for this file on Debian 12: keepalived 2.2.7's config test kills itself when
# script security is on, keepalived issue #2587, fixed in 2.2.8. Running it is the stronger check anyway.)
set -euo pipefail
cd "$(dirname "$0")/.."
name=ha-test
limit=300
. deploy/test-lib.sh
work=$(mktemp -d /tmp/edgeport-hatest.XXXXXX)
ns=ephat$$ # namespace prefix, unique per run
vip=192.0.2.10

missing=()
command -v keepalived >/dev/null || missing+=(keepalived)
command -v ip >/dev/null || missing+=(iproute2)
command -v curl >/dev/null || missing+=(curl)
command -v python3 >/dev/null || missing+=(python3)
install_missing ${missing[@]+"${missing[@]}"}
[ -f target/edgeport.jar ] || mvn -B -q -DskipTests package

pids=()
cleanup() {
  local code=$?
  for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ $code -ne 0 ]; then
    for f in "$work"/*.log; do [ -e "$f" ] && { echo "--- $f"; tail -n 15 "$f"; }; done
  fi
  for n in a b node client lan; do ip netns del "$ns-$n" 2>/dev/null || true; done
  rm -rf "$work"
  log "$([ $code -eq 0 ] && echo passed || echo "failed (exit $code)")"
}
trap cleanup EXIT

# The LAN: a bridge in its own namespace; each host's eth0 is one end of a veth pair whose other end is on it.
ip netns add "$ns-lan"
ip -n "$ns-lan" link add br0 type bridge
ip -n "$ns-lan" link set br0 up
host() { # host NAME ADDRESS
  ip netns add "$ns-$1"
  ip link add eth0 netns "$ns-$1" type veth peer name "port-$1" netns "$ns-lan"
  ip -n "$ns-lan" link set "port-$1" master br0 up
  ip -n "$ns-$1" link set lo up
  ip -n "$ns-$1" addr add "$2/24" dev eth0
  ip -n "$ns-$1" link set eth0 up
}
host a 192.0.2.11 # the addresses keepalived.conf names
host b 192.0.2.12
host node 192.0.2.50
host client 192.0.2.100

# The cluster node serves the nodePort; each host runs edgeport in front of it (admin on 127.0.0.1:9901, which the
# vrrp_script asks) and keepalived with the example config.
ip netns exec "$ns-node" java -Xmx32m -jar target/edgeport.jar demo-node --name node1 --address 192.0.2.50 \
  >"$work/node.log" 2>&1 &
pids+=($!)
edgeport_config() { # edgeport_config KEEP_ACCEPTING
  cat <<YAML
listen:
  http: ":80"
admin: "127.0.0.1:9901"
shutdown:
  keepAccepting: $1   # 3s: keepalived's check (interval 1, fall 2) sees /ready fail and moves the address first
  drain: 10s
nodes: [192.0.2.50]
domains:
  - host: api.example.com
    nodePort: 30005
YAML
}
edgeport_config 3s >"$work/edgeport.yaml"
sed -e 's/state MASTER/state BACKUP/' -e 's/priority 150/priority 100/' -e 's/router_id edgeport-a/router_id edgeport-b/' \
  -e 's/192\.0\.2\.11/PEER/g' -e 's/192\.0\.2\.12/192.0.2.11/g' -e 's/PEER/192.0.2.12/g' \
  deploy/keepalived/keepalived.conf >"$work/b.conf"
cp deploy/keepalived/keepalived.conf "$work/a.conf"
start_edgeport() { # start_edgeport HOST CONFIG
  ip netns exec "$ns-$1" java -Xmx64m -jar target/edgeport.jar run --config "$2" >>"$work/edgeport-$1.log" 2>&1 &
  pids+=($!)
  eval "edgeport_$1=$!"
}
for h in a b; do
  start_edgeport $h "$work/edgeport.yaml"
  ip netns exec "$ns-$h" keepalived --vrrp -n -l -D -f "$work/$h.conf" -p "$work/$h.pid" -r "$work/$h-vrrp.pid" \
    >"$work/keepalived-$h.log" 2>&1 &
  pids+=($!)
done

has_vip() { ip -n "$ns-$1" -4 addr show dev eth0 | grep -q "inet $vip/"; }
served() { ip netns exec "$ns-client" curl -sf --max-time 2 -H 'Host: api.example.com' "http://$vip/" | grep -q 'Hello from'; }
ready() { kill -0 "$2" && ip netns exec "$ns-$1" curl -sf --max-time 1 -o /dev/null http://127.0.0.1:9901/ready; }
within 60 "host A's edgeport is ready" ready a "$edgeport_a"
within 60 "host B's edgeport is ready" ready b "$edgeport_b"
within 20 "host A holds $vip" has_vip a
! has_vip b || fail "both hosts hold $vip"
within 20 "the client is served through $vip" served
log "$vip is on host A (MASTER, its edgeport ready) and serves the client"

vrrp_seen() { # vrrp_seen HOST SECONDS: the VRRP packets on HOST's eth0 for that long, one "SOURCE DESTINATION AUTH" each
  ip netns exec "$ns-$1" timeout $(($2 + 10)) python3 - "$2" <<'PY'
import socket, sys, time
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0800))
s.bind(("eth0", 0))
s.settimeout(0.2)
end = time.monotonic() + float(sys.argv[1])
while time.monotonic() < end:
    try:
        frame = s.recv(2048)
    except socket.timeout:
        continue
    ip = frame[14:]
    if ip[9] == 112:  # VRRP; its header's fifth byte is the authentication type (0: none)
        print(socket.inet_ntoa(ip[12:16]), socket.inet_ntoa(ip[16:20]), ip[(ip[0] & 15) * 4 + 4])
PY
}
seen_b=$(vrrp_seen b 3)
[ -n "$seen_b" ] || fail "host B sees no VRRP advert from host A"
! grep -qv '^192\.0\.2\.11 192\.0\.2\.12 0$' <<<"$seen_b" \
  || fail "host B sees other VRRP adverts than host A's, unicast and without authentication: $(sort -u <<<"$seen_b")"
seen_client=$(vrrp_seen client 3)
! grep -q ' 224\.' <<<"$seen_client" || fail "VRRP adverts are multicast to the whole segment: $(sort -u <<<"$seen_client")"
log "host A's adverts reach host B unicast, without authentication ($(wc -l <<<"$seen_b") in 3 s); none is multicast"

# The client sends requests, each on a new connection, all along (bounded in count and time).
(for _ in $(seq 20000); do
   [ -e "$work/enough" ] && break
   ip netns exec "$ns-client" curl -s -o /dev/null -w '%{http_code} %{time_total}s %{errormsg}\n' --max-time 5 \
     -H 'Host: api.example.com' "http://$vip/" || true
 done >"$work/codes") &
client=$!
pids+=($client)
count() { wc -l <"$work/codes"; }
answered() { [ "$(count)" -ge "$1" ]; }
failed_since() { tail -n +$(($1 + 1)) "$work/codes" | grep -vc '^200 ' || true; }
served_through() { # served_through HOST: the address is on HOST, and the next 20 requests were all answered
  local from
  # the one request in flight now (the client is sequential) may have left before the address moved: it is
  # counted with the move, so the 20 start after it
  from=$(( $(count) + 1 ))
  within 30 "20 more requests answered through $vip" answered $((from + 20))
  [ "$(failed_since "$from")" -eq 0 ] || fail "requests through $vip on host $1 failed: $(tail -n +$((from + 1)) "$work/codes" | grep -v '^200 ' | head -n 3)"
}
within 20 "the client's requests flow" answered 10
served_through a

log "host A's edgeport is stopped (SIGTERM, keepAccepting 3s)"
mark=$(count)
kill -TERM "$edgeport_a"
within 20 "$vip moves to host B" has_vip b
! has_vip a || fail "host A still holds $vip"
kill -0 "$edgeport_a" 2>/dev/null || fail "host A's edgeport ended before the address moved: the move was not on /ready"
served_through b
lost_keep=$(failed_since "$mark")
log "$vip moved to host B while host A's edgeport still served; $lost_keep of $(( $(count) - mark )) requests failed around the move"
wait "$edgeport_a" || true

edgeport_config 0s >"$work/edgeport-a-0s.yaml"
start_edgeport a "$work/edgeport-a-0s.yaml"
mark=$(count)
within 60 "$vip returns to host A once its edgeport is ready" has_vip a
served_through a
log "host A's edgeport is back (keepAccepting 0s): $vip returned to it; $(failed_since "$mark") requests failed around the move"

log "host A's edgeport is stopped again, without keepAccepting"
mark=$(count)
kill -TERM "$edgeport_a"
within 20 "$vip moves to host B" has_vip b
served_through b
lost_none=$(failed_since "$mark")
log "$vip moved to host B after host A's listener closed; $lost_none of $(( $(count) - mark )) requests failed"
touch "$work/enough"
wait "$client"
[ "$lost_keep" -lt "$lost_none" ] || fail "keepAccepting lost $lost_keep requests, not fewer than without it ($lost_none)"
