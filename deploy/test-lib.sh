# Shared by deploy/*-test.sh: logging, bounded waits and installing what is missing. The sourcing script sets
# `name` (its log prefix) and `limit` (seconds for the whole run) first.
started=$SECONDS

log() { printf '[%s %3ds] %s\n' "$name" $((SECONDS - started)) "$*"; }
fail() { log "FAILED: $*"; exit 1; }
# A run stopped from outside (.ci/run's timeout, Ctrl-C) fails: its EXIT trap would otherwise see status 0.
trap 'fail "stopped by a signal"' TERM INT

within() { # within SECONDS DESCRIPTION COMMAND...: polls COMMAND until it succeeds, or fails the test
  local seconds=$1 what=$2 until=$((SECONDS + $1))
  shift 2
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -lt $until ] || fail "$what: not within ${seconds}s"
    [ $SECONDS -lt $((started + limit)) ] || fail "the run's ${limit}s limit"
    sleep 0.2 # polling interval of a bounded wait, not synchronization
  done
}

install_missing() { # install_missing PACKAGE... (Debian's): installs those given, once
  [ $# -gt 0 ] || return 0
  log "installing $*"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}
