#!/usr/bin/env bash
# The container story, tested for real: builds the image from the Dockerfile, starts docker-compose.yml (edgeport
# and three node containers on their own network), and checks that
#   - requests through edgeport reach all three node containers;
#   - `docker-compose stop node2` while requests flow loses none of them;
#   - edgeport runs as a non-root user, binds port 80 with port 80 privileged in its network namespace (so the
#     image's capability is what allows it), and its HEALTHCHECK turns healthy;
# then `docker-compose down`. Traffic goes only to the containers it started.
#
#   bash deploy/container-test.sh          (as root; .ci/run runs it after the tests)
#
# It installs what it lacks (Debian's docker.io, docker-compose, debootstrap, curl), starts dockerd if none runs
# and stops it again afterwards. No image registry is needed: the base images are made here, a minimal Debian
# from the apt mirror with debootstrap, then a JDK + Maven one for the build stage and a JRE one for the runtime
# (set BUILD_IMAGE and RUNTIME_IMAGE to test the public defaults where a registry is reachable).
set -euo pipefail
cd "$(dirname "$0")/.."
name=container-test
limit=${CONTAINER_TEST_LIMIT:-1500} # seconds for the whole run, installs and image builds included
. deploy/test-lib.sh
project=edgeport-ctest
work=$(mktemp -d /tmp/edgeport-ctest.XXXXXX)
# Debian's client speaks the API version of Debian's daemon; a newer client elsewhere on PATH may not.
docker=/usr/bin/docker
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

missing=()
[ -x $docker ] || missing+=(docker.io)
command -v docker-compose >/dev/null || missing+=(docker-compose)
command -v debootstrap >/dev/null || missing+=(debootstrap)
command -v curl >/dev/null || missing+=(curl)
install_missing ${missing[@]+"${missing[@]}"}

our_dockerd=
compose() {
  EDGEPORT_HTTP_PORT=$http_port EDGEPORT_ADMIN_PORT=$admin_port COMPOSE_HTTP_TIMEOUT=120 \
    DOCKER_HOST=unix:///var/run/docker.sock docker-compose -p $project -f docker-compose.yml "$@"
}
cleanup() {
  local code=$?
  if [ -n "${http_port:-}" ]; then
    compose logs --no-color >"$work/compose.log" 2>&1 || true
    [ $code -eq 0 ] || tail -n 60 "$work/compose.log" || true
    compose down -v --remove-orphans >/dev/null 2>&1 || true
  fi
  if [ -n "$our_dockerd" ]; then
    kill "$our_dockerd" 2>/dev/null && wait "$our_dockerd" 2>/dev/null || true
  fi
  rm -rf "$work"
  log "$([ $code -eq 0 ] && echo passed || echo "failed (exit $code)")"
}
trap cleanup EXIT

if ! $docker info >/dev/null 2>&1; then
  log "starting dockerd"
  dockerd >"$work/dockerd.log" 2>&1 &
  our_dockerd=$!
  within 60 "dockerd answers" $docker info
fi

# Base images, made once per Docker engine.
mirror=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.sources 2>/dev/null \
  | awk '/^(URIs:|deb) +https?:/ && !/security/ {print $2; exit}' || true)
mirror=${mirror:-http://deb.debian.org/debian}
if ! $docker image inspect edgeport-base:bookworm >/dev/null 2>&1; then
  log "making edgeport-base:bookworm with debootstrap from $mirror"
  debootstrap --variant=minbase bookworm "$work/rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 \
    || { tail -n 20 "$work/debootstrap.log"; fail "debootstrap"; }
  tar -C "$work/rootfs" -c . | $docker import - edgeport-base:bookworm >/dev/null
  rm -rf "$work/rootfs"
fi
base_image() { # base_image TAG PACKAGES...
  local tag=$1
  shift
  $docker image inspect "$tag" >/dev/null 2>&1 && return
  log "building $tag ($*)"
  mkdir -p "$work/$tag"
  printf 'FROM edgeport-base:bookworm\nRUN apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends %s >/dev/null && rm -rf /var/lib/apt/lists/*\n' "$*" \
    >"$work/$tag/Dockerfile"
  DOCKER_BUILDKIT=0 $docker build -q -t "$tag" "$work/$tag" >/dev/null
}
BUILD_IMAGE=${BUILD_IMAGE:-edgeport-build-base:17}
RUNTIME_IMAGE=${RUNTIME_IMAGE:-edgeport-jre-base:17}
[ "$BUILD_IMAGE" != edgeport-build-base:17 ] || base_image edgeport-build-base:17 openjdk-17-jdk-headless maven
[ "$RUNTIME_IMAGE" != edgeport-jre-base:17 ] || base_image edgeport-jre-base:17 openjdk-17-jre-headless

# Where this host reaches Maven Central through a TLS-intercepting proxy (an /etc/hosts entry and a local CA),
# the build stage gets the same: the address as --add-host and the CA as the EXTRA_CA_PEM build argument.
build_args=(--build-arg "BUILD_IMAGE=$BUILD_IMAGE" --build-arg "RUNTIME_IMAGE=$RUNTIME_IMAGE")
central=$(awk '$2 == "repo.maven.apache.org" {print $1; exit}' /etc/hosts)
[ -z "$central" ] || build_args+=(--add-host "repo.maven.apache.org:$central")
extra_ca=$(cat /usr/local/share/ca-certificates/*.crt 2>/dev/null || true)
[ -z "$extra_ca" ] || build_args+=(--build-arg "EXTRA_CA_PEM=$extra_ca")
log "building the image edgeport:latest from the Dockerfile"
DOCKER_BUILDKIT=0 $docker build -q "${build_args[@]}" -t edgeport:latest . >"$work/build.log" 2>&1 \
  || { tail -n 40 "$work/build.log"; fail "docker build"; }

http_port=$(free_port)
admin_port=$(free_port)
log "docker-compose up (edgeport on 127.0.0.1:$http_port, admin on 127.0.0.1:$admin_port)"
compose up -d --no-build >"$work/up.log" 2>&1 || { cat "$work/up.log"; fail "docker-compose up"; }

ask() { curl -sS --max-time 5 -H 'Host: api.example.com' "http://127.0.0.1:$http_port/" -o /dev/null -D - -w '%{http_code}\n'; }
nodes_seen() { # nodes_seen N: N requests; prints the X-Node values seen, sorted, each once
  for _ in $(seq "$1"); do ask; done | tr -d '\r' | awk -F': ' 'tolower($1) == "x-node" {print $2}' | sort -u | tr '\n' ' '
}
health() { $docker inspect --format '{{.State.Health.Status}}' "$($docker ps -q --filter "label=com.docker.compose.project=$project" --filter 'label=com.docker.compose.service=edgeport')"; }
is_healthy() { [ "$(health)" = healthy ]; }
within 90 "the edgeport container's HEALTHCHECK reports healthy" is_healthy
log "healthy"
transport=$(compose logs --no-color edgeport | grep -o 'network transport: [a-z_]*' | head -n 1)
[ -n "$transport" ] || fail "edgeport did not log its network transport"
log "edgeport in a container: $transport (io_uring unless the runtime's seccomp profile forbids it)"

seen=$(nodes_seen 30)
[ "$seen" = "node1 node2 node3 " ] || fail "30 requests reached [$seen], not all three node containers"
log "30 requests reached all three node containers: $seen"

uid=$(compose exec -T edgeport id -u | tr -d '\r')
[ "$uid" != 0 ] || fail "edgeport runs as root"
user=$(compose exec -T edgeport id -un | tr -d '\r')
unprivileged_from=$(compose exec -T edgeport cat /proc/sys/net/ipv4/ip_unprivileged_port_start | tr -d '\r')
[ "$unprivileged_from" -gt 80 ] || fail "port 80 is not privileged in the container (ip_unprivileged_port_start=$unprivileged_from)"
compose exec -T edgeport cat /proc/net/tcp | awk '$4 == "0A" {print $2}' | grep -qi ':0050$' \
  || fail "nothing listens on port 80 in the edgeport container"
log "edgeport runs as $user (uid $uid) and listens on port 80, which is privileged there (ip_unprivileged_port_start=$unprivileged_from)"

# Four clients send requests while node2 is stopped, and go on until 100 more were answered after it stopped.
# Every one must be answered by a node.
answered() { cat "$work"/codes.* 2>/dev/null | wc -l; }
clients=()
for client in 1 2 3 4; do
  (for _ in $(seq 1000); do [ -e "$work/enough" ] && break; ask; done \
    | tr -d '\r' | grep --line-buffered -E '^[0-9]{3}$' >"$work/codes.$client") &
  clients+=($!)
done
flowing() { [ "$(answered)" -ge 20 ]; }
within 30 "requests flow" flowing
log "stopping node2 while requests flow"
compose stop -t 5 node2 >/dev/null 2>&1
after_stop=$(( $(answered) + 100 ))
more_answered() { [ "$(answered)" -ge $after_stop ]; }
within 60 "100 more requests answered after node2 stopped" more_answered
touch "$work/enough"
wait "${clients[@]}" # only the clients: a bare `wait` would also wait for the dockerd this script started
requests=$(answered)
ok=$(cat "$work"/codes.* | grep -c '^200$' || true)
[ "$ok" -eq "$requests" ] || fail "$((requests - ok)) of $requests requests failed: $(sort "$work"/codes.* | uniq -c | tr '\n' ' ')"
log "all $requests requests answered 200 (node2 stopped after about $((after_stop - 100)) of them)"
seen=$(nodes_seen 20)
[ "$seen" = "node1 node3 " ] || fail "after stopping node2, requests reached [$seen]"
log "after: requests reach $seen"
node2_status() {
  curl -sS --max-time 5 "http://127.0.0.1:$admin_port/api/status" | python3 -c 'import json, sys
print(*[n["status"] for d in json.load(sys.stdin)["domains"] for r in d["routes"] for n in r["nodes"]
        if n["address"] == "10.89.0.12"])'
}
node2_down() { [ "$(node2_status)" = DOWN ]; }
within 30 "the status API (the dashboard's source) reports node2 DOWN" node2_down
log "the status API reports node2 DOWN"
[ "$(health)" = healthy ] || fail "edgeport is not healthy after the node stopped"
log "done in $((SECONDS - started))s"
